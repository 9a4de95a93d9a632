#include "searcher/fold_page.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "newsearch/schema.h"

namespace newsearch {
namespace {

// The page's items from `mset`, ranked with `window`: false when it holds
// too few stories and more matches lie beyond it.
bool Fold(const Xapian::MSet& mset, Xapian::doccount window,
          const FacetColumn& column, int offset, int limit,
          std::vector<PageItem>* items) {
  items->clear();
  absl::flat_hash_set<uint32_t> seen;
  int stories = 0;
  for (Xapian::doccount i = 0; i < mset.size() && stories < offset + limit;
       ++i) {
    const Xapian::docid did = *mset[i];
    const uint32_t story = column.Story(did);
    // A report without a story value is a story of its own, as the
    // collapse leaves documents without the key uncollapsed.
    if (story != 0 && !seen.insert(story).second) continue;
    if (stories >= offset) items->push_back({i, stories + 1, 0});
    ++stories;
  }
  return stories >= offset + limit || mset.size() < window;
}

// A report's story and outlet: from the facet column when there is one,
// else from its value slots. With a column the story is its id, which is
// all that grouping needs.
struct ReportValues {
  std::string story;
  std::string source;
};

ReportValues ValuesOf(const Xapian::MSetIterator& it,
                      const FacetColumn* column) {
  if (column) {
    return {absl::StrCat(column->Story(*it)), std::string(column->Source(*it))};
  }
  const Xapian::Document doc = it.get_document();
  return {doc.get_value(schema::kSlotStoryKey),
          doc.get_value(schema::kSlotSource)};
}

// Most reports read for the outlets of a page's stories when the collapse
// counts are not known.
constexpr Xapian::doccount kMaxFoldedReports = 1000;

}  // namespace

Xapian::doccount FoldWindow(int offset, int limit) {
  return static_cast<Xapian::doccount>(std::max(100, 4 * (offset + limit)));
}

FoldedPage FoldPage(Xapian::Enquire& enquire, Xapian::MSet mset,
                    const FacetColumn& column,
                    const std::vector<Xapian::docid>& matches, int offset,
                    int limit) {
  FoldedPage page;
  page.mset = std::move(mset);
  Xapian::doccount window = FoldWindow(offset, limit);
  enquire.clear_matchspies();
  while (!Fold(page.mset, window, column, offset, limit, &page.items)) {
    window *= 4;
    page.mset = enquire.get_mset(0, window);
  }
  // Other reports of each page story among all the matches.
  absl::flat_hash_map<uint32_t, PageItem*> by_story;
  for (PageItem& item : page.items) {
    const uint32_t story = column.Story(*page.mset[item.index]);
    if (story != 0) by_story[story] = &item;
  }
  for (Xapian::docid did : matches) {
    auto it = by_story.find(column.Story(did));
    if (it != by_story.end()) ++it->second->more_reports;
  }
  for (auto& [story, item] : by_story) --item->more_reports;  // itself
  return page;
}

void AddFoldedReports(const Xapian::Database& db, const Xapian::Query& query,
                      const Xapian::MSet& mset,
                      const std::vector<PageItem>& items,
                      const FacetColumn* column, bool remote,
                      SearchResponse* response) {
  std::map<std::string, SearchResult*> by_story;
  std::vector<Xapian::Query> stories;
  Xapian::doccount wanted = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    SearchResult& result = response->results[i];
    if (remote) result.more_reports = 1;  // not known: counted below
    if (result.more_reports == 0) continue;
    by_story[ValuesOf(mset[items[i].index], column).story] = &result;
    stories.emplace_back(
        schema::BooleanTerm(schema::kPrefixStory, result.document.story_key));
    wanted += static_cast<Xapian::doccount>(result.more_reports) + 1;
  }
  if (stories.empty()) return;
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query(
      Xapian::Query::OP_FILTER, query,
      Xapian::Query(Xapian::Query::OP_OR, stories.begin(), stories.end())));
  Xapian::ValueCountMatchSpy counts(schema::kSlotStoryKey);
  if (remote) {
    enquire.add_matchspy(&counts);
    wanted = kMaxFoldedReports;
  }
  const Xapian::MSet reports = enquire.get_mset(0, wanted, db.get_doccount());
  if (remote) {
    std::map<std::string, int> per_story;
    for (auto v = counts.values_begin(); v != counts.values_end(); ++v) {
      per_story[*v] = static_cast<int>(v.get_termfreq());
    }
    for (SearchResult& result : response->results) {
      auto count = per_story.find(result.document.story_key);
      result.more_reports = count == per_story.end() ? 0 : count->second - 1;
    }
  }
  for (auto r = reports.begin(); r != reports.end(); ++r) {
    ReportValues values = ValuesOf(r, column);
    auto story = by_story.find(values.story);
    if (story == by_story.end()) continue;
    SearchResult& result = *story->second;
    const std::string& source = values.source;
    if (source.empty() || *r == result.docid) continue;
    if (std::find(result.outlets.begin(), result.outlets.end(), source) ==
        result.outlets.end()) {
      result.outlets.push_back(source);
    }
  }
}

std::vector<PageItem> XapianPage(const Xapian::MSet& mset, Xapian::doccount skip,
                                 int limit) {
  std::vector<PageItem> items;
  for (Xapian::doccount i = skip;
       i < mset.size() && i - skip < static_cast<Xapian::doccount>(limit);
       ++i) {
    const Xapian::MSetIterator it = mset[i];
    items.push_back({i, static_cast<int>(it.get_rank()) + 1,
                     static_cast<int>(it.get_collapse_count())});
  }
  return items;
}

}  // namespace newsearch
