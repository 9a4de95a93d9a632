// Infers topics for a document from a taxonomy of weighted words and phrases
// (data/taxonomy.json; the format is described in data/README.md).
//
// Contract: Infer() returns the display names of at most kMaxTopics topics,
// best first. A topic is kept when its normalised score reaches
// kTopicThreshold and, unless it is the best, kSecondaryRatio of the best
// score. When none reaches the threshold, the best topic is returned if any
// taxonomy word occurs at all, else the fallback topic ("General"), so every
// document gets at least one topic.
//
// Scoring: title, summary and body are split into words (StemmedWords), each
// stemmed with the stemmer of the document's language; the taxonomy's terms
// for that language are used (English when the taxonomy has none for it).
// Every matched term or phrase (a sequence of stems within one field) adds
//   weight * log2(1 + tf),  tf = 3 * title + 2 * summary + 1 * body hits,
// to its topics, and the sum is divided by sqrt(max(L, 20)), L being the
// document length counted the same way (so a topic's score does not grow
// merely because an article is long, and a ten-word timeline entry with one
// clear word still scores).
//
// Thread safety: a loaded TopicTagger is immutable; const methods may be
// called concurrently. StemmedWords is one per thread.
//
//   ASSIGN_OR_RETURN(TopicTagger tagger,
//                    TopicTagger::LoadFile("data/taxonomy.json"));
//   doc.inferred_topics = tagger.Infer(doc);  // {"Crime & Justice"}
#ifndef NEWSEARCH_INDEXER_TOPIC_TAGGER_H_
#define NEWSEARCH_INDEXER_TOPIC_TAGGER_H_

#include <xapian.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "newsearch/document.h"

namespace newsearch {

// The words of a text as stems: runs of Unicode word characters (Xapian's
// definition), lower-cased. Apostrophes end a word, so French elisions
// ("l'économie") yield the noun. Words that start with a digit or are longer
// than 64 bytes are skipped: they never name a topic. Shared by TopicTagger
// and TopicModel so that both see the same words. Not thread-safe (the
// Xapian stemmer keeps state): one per thread or per call.
class StemmedWords {
 public:
  // `language`: a BCP 47 tag; English when Xapian has no stemmer for it.
  explicit StemmedWords(absl::string_view language);

  void ForEach(absl::string_view text,
               absl::FunctionRef<void(const std::string& stem)> fn);

 private:
  Xapian::Stem stemmer_;
  std::string word_;  // reused between words
};

class TopicTagger {
 public:
  static constexpr int kMaxTopics = 3;
  static constexpr double kTopicThreshold = 0.5;
  static constexpr double kSecondaryRatio = 0.4;

  struct Topic {
    std::string slug;  // TopicSlug(name)
    std::string name;  // display name
  };
  struct ScoredTopic {
    int topic = 0;  // index into topics()
    double score = 0;
  };

  // Reads and validates a taxonomy file. Errors name the file and the topic
  // or term at fault.
  static absl::StatusOr<TopicTagger> LoadFile(const std::string& path);
  // The same from JSON text; `origin` names it in errors.
  static absl::StatusOr<TopicTagger> FromJson(absl::string_view json,
                                              absl::string_view origin);

  // Display names of the inferred topics, best first (see the contract).
  std::vector<std::string> Infer(const NewsDocument& doc) const;

  // Every topic with a positive normalised score, best first.
  std::vector<ScoredTopic> Score(const NewsDocument& doc) const;

  const std::vector<Topic>& topics() const { return topics_; }
  const Topic& fallback() const { return fallback_; }

 private:
  struct TopicWeight {
    uint32_t topic;
    float weight;
  };
  // A single stem or a phrase; ids below the lexicon's stem count are the
  // stems themselves.
  struct Feature {
    std::vector<TopicWeight> weights;
    std::vector<uint32_t> phrase;  // stem ids, empty for a single stem
  };
  // The terms of one language, stemmed with its stemmer.
  struct Lexicon {
    std::string language;  // "en"
    absl::flat_hash_map<std::string, uint32_t> stem_ids;
    std::vector<Feature> features;
    std::vector<std::vector<uint32_t>> phrases_ending_at;  // by stem id
  };
  class Builder;

  TopicTagger() = default;
  const Lexicon* LexiconFor(absl::string_view language) const;

  std::vector<Topic> topics_;
  Topic fallback_;
  std::vector<Lexicon> lexicons_;
};

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_TOPIC_TAGGER_H_
