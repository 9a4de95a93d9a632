// The page of a search's results: folded into stories in memory from the
// facet column (the best-ranked report of each story in rank order, with
// how many other reports of its story matched), or as Xapian ranked and
// collapsed it; and the outlets of each folded story's other reports.
//
// Xapian's collapse on the story-key slot does the same, but reads that
// value for every match, which cost three quarters of a folded search over
// many matches (200k make_news stories, two-word queries: p99 296 ms with
// the collapse, 42 ms without). With the column's story ids, the match is
// ranked unfolded and its top reports folded here; when they hold fewer
// stories than the page needs, a deeper window is ranked again.
//
//   enquire.get_mset(0, FoldWindow(offset, limit), doccount) with the
//   facet counter's spies attached, then
//   FoldedPage page = FoldPage(enquire, mset, column, matches, offset, limit);
//
// Equal scores keep Xapian's order (docid), so the page is the one the
// collapse gives. Not thread-safe: one per search.
#ifndef NEWSEARCH_SEARCHER_FOLD_PAGE_H_
#define NEWSEARCH_SEARCHER_FOLD_PAGE_H_

#include <xapian.h>

#include <vector>

#include "newsearch/searcher.h"
#include "searcher/facet_column.h"

namespace newsearch {

// One result of a page: the MSet item, its rank (1-based, from offset 0)
// and, folded, the other matching reports of its story.
struct PageItem {
  Xapian::doccount index = 0;
  int rank = 0;
  int more_reports = 0;
};

struct FoldedPage {
  Xapian::MSet mset;  // unfolded, ranked: the items index it
  std::vector<PageItem> items;
};

// Reports to rank for a folded page at `offset` of `limit` stories: enough
// for most pages at once (a story has a few reports).
Xapian::doccount FoldWindow(int offset, int limit);

// The page of stories [offset, offset + limit) of `mset` (ranked from 0
// with window FoldWindow), ranking again deeper as needed with `enquire`
// (its spies are cleared first: they have seen every match). `matches`:
// every matching docid, to count each page story's other reports.
FoldedPage FoldPage(Xapian::Enquire& enquire, Xapian::MSet mset,
                    const FacetColumn& column,
                    const std::vector<Xapian::docid>& matches, int offset,
                    int limit);

// The page's items of an MSet ranked by Xapian (folded by its collapse or
// not): from `skip` on, at most `limit`, with the collapse counts.
std::vector<PageItem> XapianPage(const Xapian::MSet& mset,
                                 Xapian::doccount skip, int limit);

// The outlets of the other matching reports of the folded results' stories
// (response->results[i] is of items[i], its more_reports set), best-ranked
// first. One match for all the page's stories, reading only value slots
// (story key, source) or, better, the column. Xapian 1.4's remote shards
// report no collapse counts: with `remote`, every result's story is looked
// up and a spy on the story key counts its reports.
void AddFoldedReports(const Xapian::Database& db, const Xapian::Query& query,
                      const Xapian::MSet& mset,
                      const std::vector<PageItem>& items,
                      const FacetColumn* column, bool remote,
                      SearchResponse* response);

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_FOLD_PAGE_H_
