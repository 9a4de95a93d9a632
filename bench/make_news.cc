// make_news: writes synthetic news.jsonl for scale benchmarks, as many
// records as asked, the same for the same seed:
//
//   build-bench/bench/make_news 100000 > /tmp/news-100k.jsonl
//   build-bench/bench/make_news 1000000 --seed 7 > /tmp/news-1m.jsonl
//
// What makes it news-like rather than random text:
//   - words: a vocabulary of 60,000 pronounceable made-up words drawn with a
//     Zipf distribution (exponent 1.07, as measured on English news), so a
//     few words are everywhere and most are rare;
//   - lengths: titles of 5 to 12 words, summaries of 15 to 40, bodies of 3
//     to 8 paragraphs of 40 to 110 words; one record in ten is a timeline
//     entry with a short body;
//   - dates: uniformly over 2015-2024, to the minute, 3% undated;
//   - facets: 1 to 3 of 24 topics and one of 40 outlets and 12 sections,
//     each Zipf-distributed too;
//   - near-duplicates: 8% of records rewrite one of the previous 200 (two
//     title words changed, the body's first paragraph kept, another outlet,
//     published within six hours), so story folding has work to do.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace {

constexpr int kVocabulary = 60000;
constexpr double kZipfExponent = 1.07;

// Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s.
class Zipf {
 public:
  Zipf(int n, double s) : cumulative_(n) {
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      sum += 1.0 / std::pow(i + 1, s);
      cumulative_[i] = sum;
    }
    for (double& c : cumulative_) c /= sum;
  }
  int operator()(std::mt19937_64& random) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(random);
    return static_cast<int>(
        std::lower_bound(cumulative_.begin(), cumulative_.end(), u) -
        cumulative_.begin());
  }

 private:
  std::vector<double> cumulative_;
};

// Pronounceable made-up words: syllables from consonant-vowel pairs.
std::vector<std::string> MakeWords(int n, std::mt19937_64& random) {
  static const char* kOnsets[] = {"b", "c", "d", "f", "g", "h", "k", "l",
                                  "m", "n", "p", "r", "s", "t", "v", "w",
                                  "br", "st", "tr", "gr", "pl", "ch", "sh"};
  static const char* kVowels[] = {"a", "e", "i", "o", "u", "ai", "ea", "ou"};
  std::vector<std::string> words;
  std::set<std::string> seen;
  while (static_cast<int>(words.size()) < n) {
    const int syllables = 1 + static_cast<int>(random() % 4);
    std::string word;
    for (int s = 0; s < syllables; ++s) {
      word += kOnsets[random() % (sizeof(kOnsets) / sizeof(*kOnsets))];
      word += kVowels[random() % (sizeof(kVowels) / sizeof(*kVowels))];
    }
    if (random() % 3 == 0) word += "n";
    if (seen.insert(word).second) words.push_back(word);
  }
  return words;
}

struct Record {
  std::string title, summary, body, source, section;
  std::vector<std::string> topics;
  int64_t published = 0;  // 0: undated
  bool timeline = false;
};

class Generator {
 public:
  explicit Generator(uint64_t seed)
      : random_(seed),
        words_(MakeWords(kVocabulary, random_)),
        word_(kVocabulary, kZipfExponent),
        topic_(24, 1.0),
        source_(40, 1.0),
        section_(12, 1.0) {}

  Record Next() {
    if (!recent_.empty() && random_() % 100 < 8) return Rewrite();
    Record r;
    r.timeline = random_() % 10 == 0;
    r.title = Words(5 + random_() % 8, true);
    r.summary = Words(15 + random_() % 26, true) + ".";
    const int paragraphs = r.timeline ? 1 : 3 + random_() % 6;
    std::vector<std::string> body;
    for (int p = 0; p < paragraphs; ++p) {
      body.push_back(Words(r.timeline ? 20 + random_() % 20
                                      : 40 + random_() % 71,
                           true) +
                     ".");
    }
    r.body = absl::StrJoin(body, "\n\n");
    r.source = absl::StrCat("outlet-", source_(random_));
    r.section = absl::StrCat("section-", section_(random_));
    const int topics = 1 + random_() % 3;
    for (int t = 0; t < topics; ++t) {
      const std::string topic = absl::StrCat("Topic ", topic_(random_));
      if (std::find(r.topics.begin(), r.topics.end(), topic) == r.topics.end())
        r.topics.push_back(topic);
    }
    if (random_() % 100 >= 3) {
      r.published = kStart + static_cast<int64_t>(random_() % kSpan) / 60 * 60;
    }
    Remember(r);
    return r;
  }

 private:
  static constexpr int64_t kStart = 1420070400;  // 2015-01-01
  static constexpr uint64_t kSpan = 315532800;   // ten years

  std::string Words(int n, bool sentence) {
    std::string out;
    for (int i = 0; i < n; ++i) {
      std::string word = words_[word_(random_)];
      if (sentence && i == 0) word[0] = static_cast<char>(word[0] - 32);
      absl::StrAppend(&out, i ? " " : "", word);
    }
    return out;
  }

  void Remember(const Record& r) {
    recent_.push_back(r);
    if (recent_.size() > 200) recent_.erase(recent_.begin());
  }

  // Another outlet's report of a recent story.
  Record Rewrite() {
    Record r = recent_[random_() % recent_.size()];
    std::vector<std::string> title = absl::StrSplit(r.title, ' ');
    for (int k = 0; k < 2 && title.size() > 1; ++k) {
      // Not the first word, which stays capitalised.
      title[1 + random_() % (title.size() - 1)] = words_[word_(random_)];
    }
    r.title = absl::StrJoin(title, " ");
    const size_t first = r.body.find("\n\n");
    r.body = r.body.substr(0, first) + "\n\n" + Words(60, true) + ".";
    r.source = absl::StrCat("outlet-", source_(random_));
    if (r.published != 0) {
      r.published += static_cast<int64_t>(random_() % 43200) / 60 * 60 - 21600;
    }
    return r;
  }

  std::mt19937_64 random_;
  std::vector<std::string> words_;
  Zipf word_, topic_, source_, section_;
  std::vector<Record> recent_;
};

std::string ToJson(const Record& r, int64_t n) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  const std::string id = absl::StrCat("syn-", n);
  w.Key("id");
  w.String(id.c_str());
  w.Key("kind");
  w.String(r.timeline ? "timeline" : "article");
  const std::pair<const char*, const std::string*> fields[] = {
      {"title", &r.title}, {"summary", &r.summary}, {"body", &r.body},
      {"source", &r.source}, {"section", &r.section}};
  for (const auto& [key, value] : fields) {
    w.Key(key);
    w.String(value->c_str(), static_cast<rapidjson::SizeType>(value->size()));
  }
  if (r.published != 0) {
    const std::string t = absl::FormatTime(
        "%Y-%m-%dT%H:%M:00Z", absl::FromUnixSeconds(r.published),
        absl::UTCTimeZone());
    w.Key("published");
    w.String(t.c_str());
  }
  w.Key("topics");
  w.StartArray();
  for (const std::string& topic : r.topics) w.String(topic.c_str());
  w.EndArray();
  w.Key("language");
  w.String("en");
  w.EndObject();
  return buffer.GetString();
}

}  // namespace

int main(int argc, char** argv) {
  int64_t count = 0;
  uint64_t seed = 1;
  if (argc < 2 || !absl::SimpleAtoi(argv[1], &count) || count < 0 ||
      (argc == 4 && (std::string(argv[2]) != "--seed" ||
                     !absl::SimpleAtoi(argv[3], &seed))) ||
      (argc != 2 && argc != 4)) {
    std::cerr << "usage: make_news COUNT [--seed N] > news.jsonl\n";
    return 2;
  }
  std::ios::sync_with_stdio(false);
  Generator generator(seed);
  for (int64_t n = 0; n < count; ++n) {
    std::cout << ToJson(generator.Next(), n) << "\n";
  }
  return std::cout.good() ? 0 : 1;
}
