// A topic classifier learned from documents that carry explicit topics:
// multinomial naive Bayes over stemmed words.
//
// Training data: every document with at least one explicit topic; its label
// is the display name (TopicDisplayName) of its FIRST explicit topic, the
// one a source usually lists as the main category. Names with the same slug
// ("Sport", "sport") are one label, named as first seen. Documents without
// explicit topics are ignored.
// Features: the stems of title, summary and body (StemmedWords, in the
// document's language, so prepare documents first); title words count
// kTitleWeight times, and each word's count is damped to ln(1 + tf) so that
// one repeated name does not outvote the rest of the text. Words seen in
// fewer than kMinDocumentFrequency training documents are dropped, which
// keeps the model file small (0.4 MB for the 2,225 BBC articles) and
// ignores one-off names. Lidstone smoothing with kAlpha.
// Probability: naive Bayes posteriors are near 0 or 1 for any long text, so
// the joint log-likelihoods are scaled by min(1, kEvidenceWords / n), n being
// the damped word count: the probability says how consistently the words
// point to the label, not how many there are. The best label is the plain
// naive Bayes choice either way.
//
// The file (Save/Load) is JSON, written and read with RapidJSON:
//   {"format": "newsearch-topic-model", "version": 1, "documents": N,
//    "labels": [{"name": "sport", "documents": 255}, ...],
//    "vocabulary": {"stem": [[label index, damped count], ...], ...}}
//
// Thread safety: immutable after Train/Load; const methods may be called
// concurrently.
//
//   TopicModel model = TopicModel::Train(documents);
//   RETURN_IF_ERROR(model.Save("topics.model.json"));
//   ASSIGN_OR_RETURN(TopicModel loaded, TopicModel::Load("topics.model.json"));
//   if (auto p = loaded.Predict(doc); p && p->probability >= 0.5) ...
#ifndef NEWSEARCH_INDEXER_TOPIC_MODEL_H_
#define NEWSEARCH_INDEXER_TOPIC_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "newsearch/document.h"

namespace newsearch {

class TopicModel {
 public:
  static constexpr float kTitleWeight = 2;
  static constexpr int kMinDocumentFrequency = 3;
  static constexpr double kAlpha = 1.0;
  static constexpr double kEvidenceWords = 40;

  struct Prediction {
    std::string topic;   // a label: a display name seen in training
    double probability;  // of that label, in (0, 1]
  };

  // Learns from the documents that have explicit topics (see above).
  static TopicModel Train(const std::vector<NewsDocument>& documents);

  // Writes the model as JSON; errors name the file.
  absl::Status Save(const std::string& path) const;
  // Reads a model that Save wrote; a missing, malformed or inconsistent file
  // is an error naming the file and what is wrong.
  static absl::StatusOr<TopicModel> Load(const std::string& path);

  // The most probable label, or nullopt when no word of `doc` is in the
  // vocabulary (or the model has no labels).
  std::optional<Prediction> Predict(const NewsDocument& doc) const;

  int64_t documents() const { return documents_; }
  size_t label_count() const { return labels_.size(); }
  size_t vocabulary_size() const { return words_.size(); }

 private:
  struct Label {
    std::string name;
    int64_t documents = 0;
    double word_total = 0;  // damped counts over the vocabulary
  };
  struct Count {
    uint32_t label;
    float count;  // damped count of the word in the label's documents
  };
  class Reader;

  TopicModel() = default;
  // Derives the scoring tables from labels_ and the counts.
  void Finish();

  int64_t documents_ = 0;
  std::vector<Label> labels_;
  absl::flat_hash_map<std::string, uint32_t> word_ids_;
  std::vector<std::string> words_;          // by word id
  std::vector<std::vector<Count>> counts_;  // by word id, sparse
  // Derived: ln P(label) and ln(alpha / (total + alpha * V)) per label, and
  // per word and label ln(1 + count / alpha): the log-likelihood of a
  // document is the sum of the base term over its words plus these
  // increments for the labels it was seen with.
  std::vector<double> log_prior_;
  std::vector<double> log_base_;
  std::vector<std::vector<std::pair<uint32_t, float>>> log_boost_;
};

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_TOPIC_MODEL_H_
