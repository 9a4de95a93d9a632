#include "searcher/fold_page.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

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

}  // namespace newsearch
