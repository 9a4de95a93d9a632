#include "indexer/topic_model.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "indexer/file_util.h"
#include "indexer/topic_tagger.h"
#include "newsearch/status_macros.h"
#include "newsearch/topics.h"

namespace newsearch {
namespace {

constexpr char kFormat[] = "newsearch-topic-model";
constexpr int kVersion = 1;
// Counts are damped sums; four decimals are plenty and keep the file small.
constexpr int kDecimalPlaces = 4;

// Calls fn(stem, weight) for every word of the document's text fields.
template <typename Fn>
void ForEachWord(const NewsDocument& doc, Fn fn) {
  StemmedWords words(doc.language);
  const std::pair<const std::string*, float> fields[] = {
      {&doc.title, TopicModel::kTitleWeight},
      {&doc.summary, 1},
      {&doc.body, 1}};
  for (const auto& field : fields) {  // clang 14 cannot capture a binding
    const float weight = field.second;
    words.ForEach(*field.first,
                  [&](const std::string& stem) { fn(stem, weight); });
  }
}

// Adds `count` to the entry for `label` in a sparse list of counts.
template <typename Counts>
void AddCount(Counts& counts, uint32_t label, float count) {
  if (!counts.empty() && counts.back().label == label) {
    counts.back().count += count;  // the common case: documents come grouped
    return;
  }
  for (auto& c : counts) {
    if (c.label == label) {
      c.count += count;
      return;
    }
  }
  counts.push_back({label, count});
}

}  // namespace

// Validates a model file while reading it; every error names the file.
class TopicModel::Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  absl::StatusOr<TopicModel> Read(const std::string& json) {
    rapidjson::Document root;
    // Iterative: a deeply nested file must not overflow the stack.
    root.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
    if (root.HasParseError()) {
      return Error(
          absl::StrCat("invalid JSON at offset ", root.GetErrorOffset(), ": ",
                       rapidjson::GetParseError_En(root.GetParseError())));
    }
    if (!root.IsObject() || !root.HasMember("format") ||
        !root["format"].IsString() ||
        std::string(root["format"].GetString()) != kFormat) {
      return Error(
          absl::StrCat("not a topic model (no \"format\": \"", kFormat, "\")"));
    }
    if (!root.HasMember("version") || !root["version"].IsInt() ||
        root["version"].GetInt() != kVersion) {
      return Error(
          absl::StrCat("unsupported version (expected ", kVersion, ")"));
    }
    if (!root.HasMember("documents") || !root["documents"].IsInt64()) {
      return Error("'documents' must be an integer");
    }
    model_.documents_ = root["documents"].GetInt64();
    RETURN_IF_ERROR(ReadLabels(root));
    RETURN_IF_ERROR(ReadVocabulary(root));
    model_.Finish();
    return std::move(model_);
  }

 private:
  absl::Status Error(absl::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat(path_, ": ", message));
  }

  absl::Status ReadLabels(const rapidjson::Value& root) {
    if (!root.HasMember("labels") || !root["labels"].IsArray()) {
      return Error("'labels' must be an array");
    }
    for (const rapidjson::Value& label : root["labels"].GetArray()) {
      const std::string where =
          absl::StrCat("label ", model_.labels_.size() + 1);
      if (!label.IsObject() || !label.HasMember("name") ||
          !label["name"].IsString() || label["name"].GetStringLength() == 0) {
        return Error(
            absl::StrCat(where, ": 'name' must be a non-empty string"));
      }
      if (!label.HasMember("documents") || !label["documents"].IsInt64() ||
          label["documents"].GetInt64() < 1) {
        return Error(
            absl::StrCat(where, ": 'documents' must be a positive integer"));
      }
      model_.labels_.push_back(
          {label["name"].GetString(), label["documents"].GetInt64(), 0});
    }
    return absl::OkStatus();
  }

  absl::Status ReadVocabulary(const rapidjson::Value& root) {
    if (!root.HasMember("vocabulary") || !root["vocabulary"].IsObject()) {
      return Error("'vocabulary' must be an object");
    }
    const size_t labels = model_.labels_.size();
    for (const auto& entry : root["vocabulary"].GetObject()) {
      const std::string word(entry.name.GetString(),
                             entry.name.GetStringLength());
      const std::string where = absl::StrCat("word '", word, "'");
      if (!entry.value.IsArray() || entry.value.Empty()) {
        return Error(absl::StrCat(where, ": must be a non-empty array"));
      }
      std::vector<Count> counts;
      for (const rapidjson::Value& pair : entry.value.GetArray()) {
        if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsUint() ||
            pair[0].GetUint() >= labels || !pair[1].IsNumber() ||
            !(pair[1].GetDouble() > 0)) {
          return Error(absl::StrCat(where,
                                    ": each entry must be [label index < ",
                                    labels, ", positive count]"));
        }
        counts.push_back(
            {pair[0].GetUint(), static_cast<float>(pair[1].GetDouble())});
      }
      const uint32_t id = static_cast<uint32_t>(model_.words_.size());
      if (!model_.word_ids_.try_emplace(word, id).second) {
        return Error(absl::StrCat(where, ": listed twice"));
      }
      model_.words_.push_back(word);
      model_.counts_.push_back(std::move(counts));
    }
    return absl::OkStatus();
  }

  std::string path_;
  TopicModel model_;
};

TopicModel TopicModel::Train(const std::vector<NewsDocument>& documents) {
  struct WordStats {
    int document_frequency = 0;
    std::vector<Count> counts;  // sparse, by label
  };
  TopicModel model;
  absl::flat_hash_map<std::string, uint32_t> label_ids;  // by slug
  absl::flat_hash_map<std::string, WordStats> stats;
  absl::flat_hash_map<std::string, float> tf;  // of one document
  for (const NewsDocument& doc : documents) {
    if (doc.topics.empty()) continue;
    const std::string name = TopicDisplayName(doc.topics.front());
    if (name.empty()) continue;
    const auto [it, added] = label_ids.try_emplace(
        TopicSlug(name), static_cast<uint32_t>(model.labels_.size()));
    if (added) model.labels_.push_back({name, 0, 0});
    const uint32_t label = it->second;
    ++model.labels_[label].documents;
    ++model.documents_;
    tf.clear();
    ForEachWord(doc, [&](const std::string& stem, float weight) {
      tf[stem] += weight;
    });
    for (const auto& [stem, count] : tf) {
      WordStats& word = stats[stem];
      ++word.document_frequency;
      AddCount(word.counts, label, static_cast<float>(std::log1p(count)));
    }
  }
  std::vector<std::string> kept;
  for (const auto& [stem, word] : stats) {
    if (word.document_frequency >= kMinDocumentFrequency) kept.push_back(stem);
  }
  std::sort(kept.begin(), kept.end());  // a stable file for a stable input
  for (std::string& stem : kept) {
    std::vector<Count> counts = std::move(stats[stem].counts);
    std::sort(counts.begin(), counts.end(),
              [](const Count& a, const Count& b) { return a.label < b.label; });
    model.word_ids_.emplace(stem, static_cast<uint32_t>(model.words_.size()));
    model.words_.push_back(std::move(stem));
    model.counts_.push_back(std::move(counts));
  }
  model.Finish();
  return model;
}

void TopicModel::Finish() {
  const double vocabulary = static_cast<double>(words_.size());
  for (Label& label : labels_) label.word_total = 0;
  for (const std::vector<Count>& counts : counts_) {
    for (const Count& c : counts) labels_[c.label].word_total += c.count;
  }
  log_prior_.clear();
  log_base_.clear();
  for (const Label& label : labels_) {
    log_prior_.push_back(
        std::log(static_cast<double>(label.documents) /
                 static_cast<double>(std::max<int64_t>(documents_, 1))));
    log_base_.push_back(
        std::log(kAlpha / (label.word_total + kAlpha * vocabulary)));
  }
  log_boost_.clear();
  log_boost_.reserve(counts_.size());
  for (const std::vector<Count>& counts : counts_) {
    auto& boosts = log_boost_.emplace_back();
    for (const Count& c : counts) {
      boosts.emplace_back(c.label,
                          static_cast<float>(std::log1p(c.count / kAlpha)));
    }
  }
}

absl::Status TopicModel::Save(const std::string& path) const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.SetMaxDecimalPlaces(kDecimalPlaces);
  writer.StartObject();
  writer.Key("format");
  writer.String(kFormat);
  writer.Key("version");
  writer.Int(kVersion);
  writer.Key("documents");
  writer.Int64(documents_);
  writer.Key("labels");
  writer.StartArray();
  for (const Label& label : labels_) {
    writer.StartObject();
    writer.Key("name");
    writer.String(label.name.c_str(),
                  static_cast<rapidjson::SizeType>(label.name.size()));
    writer.Key("documents");
    writer.Int64(label.documents);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("vocabulary");
  writer.StartObject();
  for (size_t i = 0; i < words_.size(); ++i) {
    writer.Key(words_[i].c_str(),
               static_cast<rapidjson::SizeType>(words_[i].size()));
    writer.StartArray();
    for (const Count& c : counts_[i]) {
      writer.StartArray();
      writer.Uint(c.label);
      writer.Double(c.count);
      writer.EndArray();
    }
    writer.EndArray();
  }
  writer.EndObject();
  writer.EndObject();

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << buffer.GetString() << "\n";
  if (out) out.close();
  if (!out) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot write: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<TopicModel> TopicModel::Load(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string json, ReadWholeFile(path));
  return Reader(path).Read(json);
}

std::optional<TopicModel::Prediction> TopicModel::Predict(
    const NewsDocument& doc) const {
  if (labels_.empty()) return std::nullopt;
  std::vector<std::pair<uint32_t, float>> hits;  // (word id, weight)
  ForEachWord(doc, [&](const std::string& stem, float weight) {
    const auto it = word_ids_.find(stem);
    if (it != word_ids_.end()) hits.emplace_back(it->second, weight);
  });
  if (hits.empty()) return std::nullopt;
  std::sort(hits.begin(), hits.end());
  std::vector<double> scores = log_prior_;
  double words = 0;  // damped word count
  for (size_t i = 0; i < hits.size();) {
    const uint32_t id = hits[i].first;
    double tf = 0;
    for (; i < hits.size() && hits[i].first == id; ++i) tf += hits[i].second;
    const double x = std::log1p(tf);
    words += x;
    for (const auto& [label, boost] : log_boost_[id])
      scores[label] += x * boost;
  }
  for (size_t c = 0; c < scores.size(); ++c) scores[c] += words * log_base_[c];
  const size_t best = static_cast<size_t>(
      std::max_element(scores.begin(), scores.end()) - scores.begin());
  const double scale = std::min(1.0, kEvidenceWords / words);
  double sum = 0;
  for (double s : scores) sum += std::exp(scale * (s - scores[best]));
  return Prediction{labels_[best].name, 1.0 / sum};
}

}  // namespace newsearch
