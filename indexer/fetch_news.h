// newsindex fetch: keeps an index current from outlets' feeds. Fetches every
// feed (Fetcher: concurrent, polite, conditional), parses it (ParseFeed),
// fetches the article page of each new or changed item, extracts the article
// (ExtractArticle) and indexes it; a feed item without a page link is indexed
// from the feed's own title and summary.
//
// What a run remembers, as metadata committed with the documents (so a crash
// never leaves the two out of step):
//   newsearch:fetch:feed:<url>  the feed's ETag and Last-Modified, so an
//                               unchanged feed costs a 304;
//   newsearch:fetch:item:<key>  a fingerprint of each item (link, id, title,
//                               dates): an item seen unchanged is not fetched
//                               again;
//   newsearch:fetch:page:<url>  the page's ETag and Last-Modified.
// Every extracted article is also appended, as a news.jsonl record, to the
// archive file, which is recorded as a source of the database so that
// `newsindex reindex` rebuilds fetched news without fetching it again.
//
// Every failure (DNS, TLS, timeout, HTTP status, bad XML, oversized body, a
// page with no usable text) is reported through the sink as one line naming
// the URL, and the run goes on.
//
//   ASSIGN_OR_RETURN(FetchStats stats, FetchNews(options, *writer, sink));
//   std::cerr << stats.Summary();
#ifndef NEWSEARCH_INDEXER_FETCH_NEWS_H_
#define NEWSEARCH_INDEXER_FETCH_NEWS_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "indexer/diagnostic.h"
#include "indexer/fetcher.h"
#include "indexer/html_article.h"
#include "indexer/index_writer.h"
#include "indexer/topic_model.h"
#include "indexer/topic_tagger.h"

namespace newsearch {

struct FetchNewsOptions {
  std::vector<std::string> feeds;  // feed URLs
  FetcherOptions fetcher;
  ExtractOptions extract;
  std::string archive;  // news.jsonl file the articles are appended to
  const TopicTagger* tagger = nullptr;    // not owned; may be null
  const TopicModel* topic_model = nullptr;  // not owned; may be null
  const std::atomic<bool>* stop = nullptr;  // not owned; may be null
};

struct FetchStats {
  int64_t feeds_fetched = 0;
  int64_t feeds_not_modified = 0;
  int64_t feeds_failed = 0;
  int64_t items_unchanged = 0;  // seen before, not fetched again
  int64_t pages_fetched = 0;
  int64_t pages_not_modified = 0;
  int64_t pages_failed = 0;  // fetch failed or no usable article
  int64_t indexed = 0;
  bool stopped = false;

  // "feeds: 3 fetched, 1 not modified, 1 failed; items: 12 unchanged;
  // pages: 8 fetched, 0 not modified, 2 failed; 9 indexed"
  std::string Summary() const;
  int64_t failed() const { return feeds_failed + pages_failed; }
};

absl::StatusOr<FetchStats> FetchNews(const FetchNewsOptions& options,
                                     IndexWriter& writer,
                                     const DiagnosticSink& sink);

// Feed URLs from a list file: one a line; blank lines and lines starting
// with '#' are skipped. kNotFound when it cannot be read.
absl::StatusOr<std::vector<std::string>> ReadFeedList(const std::string& path);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_FETCH_NEWS_H_
