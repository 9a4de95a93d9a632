#include "searcher/snippets.h"

#include <cctype>
#include <set>
#include <utility>

#include "newsearch/folding.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

// Stems with `stem` only words whose first byte starts a query term (any
// byte >= 0x80 does); other words get an empty stem, which matches nothing.
class PrefilteredStemImplementation : public Xapian::StemImplementation {
 public:
  PrefilteredStemImplementation(Xapian::Stem stem,
                                const std::bitset<128>& first)
      : stem_(std::move(stem)), first_(first) {}

  std::string operator()(const std::string& word) override {
    if (word.empty()) return word;
    const auto c = static_cast<unsigned char>(word[0]);
    if (c < 0x80 && !first_[c]) return std::string();
    return stem_(word);
  }

  std::string get_description() const override {
    return "prefiltered " + stem_.get_description();
  }

 private:
  Xapian::Stem stem_;
  std::bitset<128> first_;
};

// The first bytes of the query's terms, their prefix (upper-case letters,
// "Z" for stems) left out, lower-cased.
std::bitset<128> FirstBytes(const Xapian::Query& query) {
  std::bitset<128> first;
  for (auto it = query.get_unique_terms_begin();
       it != query.get_unique_terms_end(); ++it) {
    const std::string& term = *it;
    size_t i = 0;
    while (i < term.size() && std::isupper(static_cast<unsigned char>(term[i])))
      ++i;
    if (i == term.size()) continue;
    const auto c = static_cast<unsigned char>(term[i]);
    if (c < 0x80) first.set(std::tolower(c));
  }
  return first;
}

// How well a snippet matches: distinct highlighted words (case-folded),
// then highlights.
std::pair<int, int> MatchScore(absl::string_view snippet,
                               const SearchRequest& request) {
  const std::string& start = request.highlight_start;
  const std::string& end = request.highlight_end;
  if (start.empty() || end.empty()) return {0, 0};
  std::set<std::string> words;
  int highlights = 0;
  for (size_t at = snippet.find(start); at != absl::string_view::npos;
       at = snippet.find(start, at + start.size())) {
    const size_t word = at + start.size();
    const size_t stop = snippet.find(end, word);
    if (stop == absl::string_view::npos) break;
    words.insert(NormalizeFilterValue(snippet.substr(word, stop - word)));
    ++highlights;
  }
  return {static_cast<int>(words.size()), highlights};
}

}  // namespace

SnippetMaker::SnippetMaker(const Xapian::Query& query,
                           const SearchRequest& request)
    : request_(request),
      stem_(new PrefilteredStemImplementation(
          FoldingStemmer(request.language), FirstBytes(query))) {}

std::string SnippetMaker::Best(const Xapian::MSet& mset,
                               const NewsDocument& doc) const {
  std::string best;
  std::pair<int, int> best_score = {-1, -1};
  for (const std::string* text : {&doc.body, &doc.summary, &doc.title}) {
    if (text->empty()) continue;
    std::string snippet =
        mset.snippet(*text, request_.snippet_length, stem_, 0,
                     request_.highlight_start, request_.highlight_end, "...");
    const std::pair<int, int> score = MatchScore(snippet, request_);
    if (score > best_score) {
      best = std::move(snippet);
      best_score = score;
    }
  }
  return best;
}

// The text query's term statistics, for MSet::snippet and the recency
// scale, the same for one database and for any shards of it: the MSet of a
// probe (no document ranked) with BoolWeight, so that every query term
// weighs the same in choosing a snippet's passage. A term's weight in an
// MSet is its largest contribution, summed over the shards that hold it
// (Xapian 1.4), so with BM25 the passages chosen from shards differed.
Xapian::MSet QueryStats(const Xapian::Database& db,
                        const Xapian::Query& query) {
  Xapian::Enquire probe(db);
  probe.set_query(query);
  probe.set_weighting_scheme(Xapian::BoolWeight());
  return probe.get_mset(0, 0);
}

}  // namespace newsearch
