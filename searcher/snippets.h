// The snippet of a search result: the field (body, summary or title) whose
// snippet highlights the most distinct query words, the longer on a tie, cut
// by Xapian's MSet::snippet at word boundaries with stemmed, accent-folded
// and variant forms highlighted.
//
//   SnippetMaker snippets(enquire_query, request);
//   result.snippet = snippets.Best(mset, document);
//
// The MSet's term weights rank the passages; the searcher passes a
// BoolWeight probe's, in which every query term weighs the same, the same
// for one database and any shards of it.
//
// MSet::snippet stems every word of the text to compare it with the query's
// stems, which made stemming a tenth of a faceted search's time; a word
// whose first letter starts no query term cannot match, so it is not
// stemmed (Snowball never changes a word's first letter once it is folded
// and lowercased; words starting with a non-ASCII letter are always
// stemmed). Not thread-safe: one per search.
#ifndef NEWSEARCH_SEARCHER_SNIPPETS_H_
#define NEWSEARCH_SEARCHER_SNIPPETS_H_

#include <xapian.h>

#include <bitset>
#include <string>

#include "newsearch/document.h"
#include "newsearch/searcher.h"

namespace newsearch {

// The text query's term statistics, for SnippetMaker::Best and the recency
// scale (recency.h), the same for one database and for any shards of it: a
// BoolWeight probe's MSet, in which every query term weighs the same.
Xapian::MSet QueryStats(const Xapian::Database& db, const Xapian::Query& query);

class SnippetMaker {
 public:
  // `query`: the query the MSet was matched with.
  SnippetMaker(const Xapian::Query& query, const SearchRequest& request);

  std::string Best(const Xapian::MSet& mset, const NewsDocument& doc) const;

 private:
  const SearchRequest& request_;
  Xapian::Stem stem_;
};

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_SNIPPETS_H_
