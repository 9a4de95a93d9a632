#include "indexer/topic_tagger.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "indexer/file_util.h"
#include "newsearch/status_macros.h"
#include "newsearch/text.h"
#include "newsearch/topics.h"

namespace newsearch {
namespace {

constexpr size_t kMaxWordBytes = 64;
// Longest phrase, in words; phrase matching keeps this many recent stems.
constexpr size_t kMaxPhraseWords = 6;
// Accepted term weights: (0, kMaxWeight].
constexpr double kMaxWeight = 10;
// Field weights for term frequency and length (title, summary, body).
constexpr float kTitleWeight = 3;
constexpr float kSummaryWeight = 2;
constexpr float kBodyWeight = 1;
// Lengths below this count as this: a three-word title with one matching
// word is not more certain than a ten-word one.
constexpr double kMinLength = 20;
constexpr int32_t kUnknownStem = -1;

// Xapian's word characters, with a fast path for ASCII (most news text).
bool IsWordChar(unsigned ch) {
  if (ch < 0x80) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch >= '0' && ch <= '9') || ch == '_';
  }
  return Xapian::Unicode::is_wordchar(ch);
}

bool IsDigit(unsigned ch) {
  if (ch < 0x80) return ch >= '0' && ch <= '9';
  return Xapian::Unicode::get_category(ch) ==
         Xapian::Unicode::DECIMAL_DIGIT_NUMBER;
}

void AppendLower(std::string& out, unsigned ch) {
  if (ch < 0x80) {
    out.push_back(static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
  } else {
    Xapian::Unicode::append_utf8(out, Xapian::Unicode::tolower(ch));
  }
}

// Adds `weight` for `topic` to a feature's weights; the same term listed
// twice for one topic (or two terms with one stem) keeps the larger weight.
template <typename Weights>
void AddWeight(Weights& weights, uint32_t topic, float weight) {
  if (!weights.empty() && weights.back().topic == topic) {
    weights.back().weight = std::max(weights.back().weight, weight);
  } else {
    weights.push_back({topic, weight});
  }
}

}  // namespace

StemmedWords::StemmedWords(absl::string_view language)
    : stemmer_(StemmerLanguage(language)) {}

void StemmedWords::ForEach(
    absl::string_view text,
    absl::FunctionRef<void(const std::string& stem)> fn) {
  Xapian::Utf8Iterator it(text.data(), text.size());
  const Xapian::Utf8Iterator end;
  while (it != end) {
    if (!IsWordChar(*it)) {
      ++it;
      continue;
    }
    const bool numeric = IsDigit(*it);
    word_.clear();
    for (; it != end && IsWordChar(*it); ++it) {
      AppendLower(word_, *it);
    }
    if (numeric || word_.size() > kMaxWordBytes) continue;
    fn(stemmer_(word_));
  }
}

// Parses and validates the taxonomy, then lays out each language's lexicon:
// single stems first (feature id = stem id), then phrases.
class TopicTagger::Builder {
 public:
  explicit Builder(absl::string_view origin) : origin_(origin) {}

  absl::StatusOr<TopicTagger> Build(absl::string_view json) {
    rapidjson::Document root;
    // Iterative: a deeply nested file must not overflow the stack.
    root.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
    if (root.HasParseError()) {
      return Error(
          absl::StrCat("invalid JSON at offset ", root.GetErrorOffset(), ": ",
                       rapidjson::GetParseError_En(root.GetParseError())));
    }
    if (!root.IsObject()) return Error("the taxonomy must be a JSON object");
    RETURN_IF_ERROR(ReadFallback(root));
    const auto topics = root.FindMember("topics");
    if (topics == root.MemberEnd() || !topics->value.IsArray() ||
        topics->value.Empty()) {
      return Error("'topics' must be a non-empty array");
    }
    for (const rapidjson::Value& topic : topics->value.GetArray()) {
      RETURN_IF_ERROR(AddTopic(topic));
    }
    for (auto& [language, pending] : pending_) {
      tagger_.lexicons_.push_back(Finish(language, std::move(pending)));
    }
    return std::move(tagger_);
  }

 private:
  struct PendingWeight {
    uint32_t topic;
    float weight;
  };
  struct PendingLexicon {
    absl::flat_hash_map<std::string, uint32_t> stem_ids;
    std::vector<std::vector<PendingWeight>> stem_weights;
    std::map<std::vector<uint32_t>, std::vector<PendingWeight>> phrases;
  };

  absl::Status Error(absl::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat(origin_, ": ", message));
  }

  absl::StatusOr<std::string> StringMember(const rapidjson::Value& object,
                                           const char* key,
                                           absl::string_view where) const {
    const auto it = object.FindMember(key);
    if (it == object.MemberEnd() || !it->value.IsString() ||
        it->value.GetStringLength() == 0) {
      return Error(
          absl::StrCat(where, ": '", key, "' must be a non-empty string"));
    }
    return std::string(it->value.GetString(), it->value.GetStringLength());
  }

  // Reads {"slug", "name"} and checks that the slug is TopicSlug(name), so
  // that the taxonomy's slugs are the ones terms and facets will use.
  absl::StatusOr<Topic> ReadTopicName(const rapidjson::Value& value,
                                      absl::string_view where) const {
    if (!value.IsObject()) return Error(absl::StrCat(where, ": not an object"));
    Topic topic;
    ASSIGN_OR_RETURN(topic.name, StringMember(value, "name", where));
    topic.name = TopicDisplayName(topic.name);
    ASSIGN_OR_RETURN(topic.slug, StringMember(value, "slug", where));
    if (topic.slug != TopicSlug(topic.name)) {
      return Error(absl::StrCat(where, ": slug '", topic.slug,
                                "' is not the slug of its name, '",
                                TopicSlug(topic.name), "'"));
    }
    return topic;
  }

  absl::Status ReadFallback(const rapidjson::Value& root) {
    tagger_.fallback_ = {"general", "General"};
    const auto it = root.FindMember("fallback");
    if (it == root.MemberEnd()) return absl::OkStatus();
    ASSIGN_OR_RETURN(tagger_.fallback_, ReadTopicName(it->value, "fallback"));
    return absl::OkStatus();
  }

  absl::Status AddTopic(const rapidjson::Value& value) {
    const uint32_t index = static_cast<uint32_t>(tagger_.topics_.size());
    const std::string where = absl::StrCat("topic ", index + 1);
    ASSIGN_OR_RETURN(Topic topic, ReadTopicName(value, where));
    const std::string named = absl::StrCat(where, " ('", topic.name, "')");
    if (!slugs_.insert(topic.slug).second ||
        topic.slug == tagger_.fallback_.slug) {
      return Error(absl::StrCat(named, ": duplicate slug '", topic.slug, "'"));
    }
    const auto terms = value.FindMember("terms");
    if (terms == value.MemberEnd() || !terms->value.IsObject() ||
        terms->value.MemberCount() == 0) {
      return Error(absl::StrCat(
          named, ": 'terms' must be an object of languages to terms"));
    }
    tagger_.topics_.push_back(std::move(topic));
    for (const auto& language : terms->value.GetObject()) {
      RETURN_IF_ERROR(AddLanguage(index, std::string(language.name.GetString()),
                                  language.value, named));
    }
    return absl::OkStatus();
  }

  absl::Status AddLanguage(uint32_t topic, const std::string& language,
                           const rapidjson::Value& terms,
                           absl::string_view named) {
    const std::string where =
        absl::StrCat(named, ", language '", language, "'");
    if (PrimaryLanguage(language) != language ||
        StemmerLanguage(language) != language) {
      return Error(absl::StrCat(
          where, ": not a language code that Xapian can stem (say \"en\")"));
    }
    if (!terms.IsObject()) {
      return Error(absl::StrCat(where, ": must be an object of term: weight"));
    }
    StemmedWords words(language);
    PendingLexicon& lexicon = pending_[language];
    for (const auto& term : terms.GetObject()) {
      const absl::string_view text(term.name.GetString(),
                                   term.name.GetStringLength());
      const std::string at = absl::StrCat(where, ", term '", text, "'");
      if (!term.value.IsNumber() || term.value.GetDouble() <= 0 ||
          term.value.GetDouble() > kMaxWeight) {
        return Error(absl::StrCat(at, ": weight must be a number in (0, ",
                                  kMaxWeight, "]"));
      }
      std::vector<uint32_t> stems;
      words.ForEach(text, [&](const std::string& stem) {
        const auto [it, added] = lexicon.stem_ids.try_emplace(
            stem, static_cast<uint32_t>(lexicon.stem_ids.size()));
        if (added) lexicon.stem_weights.emplace_back();
        stems.push_back(it->second);
      });
      if (stems.empty() || stems.size() > kMaxPhraseWords) {
        return Error(absl::StrCat(at, ": must have 1 to ", kMaxPhraseWords,
                                  " words (numbers do not count)"));
      }
      const float weight = static_cast<float>(term.value.GetDouble());
      AddWeight(stems.size() == 1 ? lexicon.stem_weights[stems[0]]
                                  : lexicon.phrases[stems],
                topic, weight);
    }
    return absl::OkStatus();
  }

  static Lexicon Finish(const std::string& language, PendingLexicon pending) {
    Lexicon lexicon;
    lexicon.language = language;
    lexicon.stem_ids = std::move(pending.stem_ids);
    const size_t stems = pending.stem_weights.size();
    lexicon.phrases_ending_at.resize(stems);
    for (const auto& weights : pending.stem_weights) {
      Feature& feature = lexicon.features.emplace_back();
      for (const PendingWeight& w : weights)
        feature.weights.push_back({w.topic, w.weight});
    }
    for (const auto& [phrase, weights] : pending.phrases) {
      lexicon.phrases_ending_at[phrase.back()].push_back(
          static_cast<uint32_t>(lexicon.features.size()));
      Feature& feature = lexicon.features.emplace_back();
      feature.phrase = phrase;
      for (const PendingWeight& w : weights)
        feature.weights.push_back({w.topic, w.weight});
    }
    return lexicon;
  }

  std::string origin_;
  TopicTagger tagger_;
  absl::flat_hash_set<std::string> slugs_;
  std::map<std::string, PendingLexicon> pending_;  // by language
};

absl::StatusOr<TopicTagger> TopicTagger::LoadFile(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string json, ReadWholeFile(path));
  return FromJson(json, path);
}

absl::StatusOr<TopicTagger> TopicTagger::FromJson(absl::string_view json,
                                                  absl::string_view origin) {
  return Builder(origin).Build(json);
}

const TopicTagger::Lexicon* TopicTagger::LexiconFor(
    absl::string_view language) const {
  const std::string primary = PrimaryLanguage(language);
  const Lexicon* english = nullptr;
  for (const Lexicon& lexicon : lexicons_) {
    if (lexicon.language == primary) return &lexicon;
    if (lexicon.language == "en") english = &lexicon;
  }
  return english;
}

std::vector<TopicTagger::ScoredTopic> TopicTagger::Score(
    const NewsDocument& doc) const {
  const Lexicon* lexicon = LexiconFor(doc.language);
  if (lexicon == nullptr) return {};
  // Weighted hits per feature; `touched` lists the features hit, so that
  // scoring visits only those.
  std::vector<float> hits(lexicon->features.size(), 0);
  std::vector<uint32_t> touched;
  auto hit = [&](uint32_t feature, float weight) {
    if (hits[feature] == 0) touched.push_back(feature);
    hits[feature] += weight;
  };
  double length = 0;
  StemmedWords words(lexicon->language);
  std::array<int32_t, kMaxPhraseWords> recent{};  // ring of recent stem ids
  const std::pair<const std::string*, float> fields[] = {
      {&doc.title, kTitleWeight},
      {&doc.summary, kSummaryWeight},
      {&doc.body, kBodyWeight}};
  for (const auto& field : fields) {  // clang 14 cannot capture a binding
    const float weight = field.second;
    size_t seen = 0;  // phrases do not span fields
    words.ForEach(*field.first, [&](const std::string& stem) {
      length += weight;
      const auto it = lexicon->stem_ids.find(stem);
      const int32_t id = it == lexicon->stem_ids.end()
                             ? kUnknownStem
                             : static_cast<int32_t>(it->second);
      recent[seen++ % kMaxPhraseWords] = id;
      if (id == kUnknownStem) return;
      hit(static_cast<uint32_t>(id), weight);
      for (uint32_t phrase : lexicon->phrases_ending_at[id]) {
        const std::vector<uint32_t>& stems = lexicon->features[phrase].phrase;
        if (stems.size() > seen) continue;
        bool match = true;
        for (size_t i = 1; i < stems.size() && match; ++i) {
          match = recent[(seen - 1 - i) % kMaxPhraseWords] ==
                  static_cast<int32_t>(stems[stems.size() - 1 - i]);
        }
        if (match) hit(phrase, weight);
      }
    });
  }
  std::vector<double> scores(topics_.size(), 0);
  for (uint32_t feature : touched) {
    const double damped = std::log2(1.0 + hits[feature]);
    for (const TopicWeight& w : lexicon->features[feature].weights)
      scores[w.topic] += w.weight * damped;
  }
  const double norm = std::sqrt(std::max(length, kMinLength));
  std::vector<ScoredTopic> scored;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] > 0)
      scored.push_back({static_cast<int>(i), scores[i] / norm});
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const ScoredTopic& a, const ScoredTopic& b) {
                     return a.score > b.score;
                   });
  return scored;
}

std::vector<std::string> TopicTagger::Infer(const NewsDocument& doc) const {
  const std::vector<ScoredTopic> scored = Score(doc);
  if (scored.empty()) return {fallback_.name};
  std::vector<std::string> names;
  for (const ScoredTopic& s : scored) {
    if (static_cast<int>(names.size()) == kMaxTopics) break;
    if (s.score < kTopicThreshold ||
        s.score < kSecondaryRatio * scored[0].score)
      break;
    names.push_back(topics_[s.topic].name);
  }
  // Nothing clear: the best guess beats no topic at all.
  if (names.empty()) names.push_back(topics_[scored[0].topic].name);
  return names;
}

}  // namespace newsearch
