#include "indexer/fetch_news.h"

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "indexer/feed.h"
#include "indexer/identity.h"
#include "indexer/ingest.h"
#include "indexer/record_limits.h"
#include "newsearch/doc_data.h"
#include "newsearch/status_macros.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

constexpr char kFeedKey[] = "newsearch:fetch:feed:";
constexpr char kItemKey[] = "newsearch:fetch:item:";
constexpr char kPageKey[] = "newsearch:fetch:page:";

// ETag and Last-Modified as one metadata value: "etag\nlast-modified".
std::string EncodeValidators(const FetchResult& r) {
  return absl::StrCat(r.etag, "\n", r.last_modified);
}

FetchRequest RequestFor(const std::string& url, const std::string& saved) {
  FetchRequest request;
  request.url = url;
  std::pair<std::string, std::string> parts =
      absl::StrSplit(saved, absl::MaxSplits('\n', 1));
  request.etag = parts.first;
  request.last_modified = parts.second;
  return request;
}

std::string ItemKey(const FeedItem& item) {
  if (!item.url.empty()) return item.url;
  if (!item.id.empty()) return item.id;
  return HexHash(item.title + "\n" + item.summary);
}

std::string TimeText(const std::optional<Timestamp>& t) {
  return t ? FormatTimestamp(*t) : "";
}

// Changes when anything indexing takes from the item changes.
std::string Fingerprint(const FeedItem& item) {
  return HexHash(absl::StrCat(item.url, "\n", item.id, "\n", item.title, "\n",
                              item.summary, "\n", TimeText(item.published),
                              "\n", TimeText(item.updated)));
}

// What the feed knows fills what the page did not say.
void MergeItem(const FeedItem& item, const Feed& feed, NewsDocument* doc) {
  if (doc->title.empty()) doc->title = item.title;
  if (doc->summary.empty()) doc->summary = item.summary;
  if (!doc->published) doc->published = item.published;
  if (!doc->updated) doc->updated = item.updated;
  if (doc->authors.empty()) doc->authors = item.authors;
  if (doc->topics.empty()) doc->topics = item.categories;
  if (doc->source.empty()) doc->source = feed.title;
  if (doc->language.empty()) doc->language = feed.language;
}

// A feed item with no page: the feed's title and summary are the document.
NewsDocument FromItem(const FeedItem& item, const Feed& feed) {
  NewsDocument doc;
  doc.id = item.id;
  doc.body = item.summary;
  MergeItem(item, feed, &doc);
  doc.summary.clear();
  return doc;
}

class FetchRun {
 public:
  FetchRun(const FetchNewsOptions& options, IndexWriter& writer,
           const DiagnosticSink& sink)
      : options_(options), writer_(writer), sink_(sink),
        fetcher_(options.fetcher) {}

  absl::StatusOr<FetchStats> Run() {
    if (!options_.archive.empty()) {
      archive_.open(options_.archive, std::ios::app | std::ios::binary);
      if (!archive_) {
        return absl::UnavailableError("cannot append to " + options_.archive);
      }
    }
    RETURN_IF_ERROR(FetchFeeds());
    RETURN_IF_ERROR(FetchPages());
    RETURN_IF_ERROR(RecordFeeds());
    RETURN_IF_ERROR(writer_.Commit());
    return stats_;
  }

 private:
  struct PendingItem {
    FeedItem item;
    size_t feed = 0;  // index in feeds_
  };
  struct FeedState {
    std::string url;
    Feed feed;
    std::string validators;  // to record once its items are done
    bool failed_item = false;
  };

  bool Stopping() {
    if (options_.stop != nullptr && options_.stop->load()) stats_.stopped = true;
    return stats_.stopped;
  }

  void Report(const std::string& url, const std::string& message) {
    sink_(Diagnostic{url, 0, message});
  }

  absl::Status FetchFeeds() {
    std::vector<FetchRequest> requests;
    std::set<std::string> seen;
    for (const std::string& url : options_.feeds) {
      if (!seen.insert(url).second) continue;
      requests.push_back(RequestFor(url, writer_.GetMetadata(kFeedKey + url)));
    }
    fetcher_.FetchAll(requests, [this](const FetchResult& r) { OnFeed(r); });
    return absl::OkStatus();
  }

  void OnFeed(const FetchResult& r) {
    if (!r.status.ok()) {
      Report(r.url, std::string(r.status.message()));
      ++stats_.feeds_failed;
      return;
    }
    if (r.not_modified) {
      ++stats_.feeds_not_modified;
      return;
    }
    absl::StatusOr<Feed> feed = ParseFeed(r.body, r.content_type, r.final_url);
    if (!feed.ok()) {
      Report(r.url, std::string(feed.status().message()));
      ++stats_.feeds_failed;
      return;
    }
    ++stats_.feeds_fetched;
    const size_t index = feeds_.size();
    feeds_.push_back({r.url, *std::move(feed), EncodeValidators(r), false});
    for (const FeedItem& item : feeds_.back().feed.items) {
      const std::string key = kItemKey + ItemKey(item);
      if (writer_.GetMetadata(key) == Fingerprint(item)) {
        ++stats_.items_unchanged;
        continue;
      }
      items_.push_back({item, index});
    }
  }

  absl::Status FetchPages() {
    std::vector<FetchRequest> requests;
    for (size_t i = 0; i < items_.size(); ++i) {
      const FeedItem& item = items_[i].item;
      if (item.url.empty()) {
        RETURN_IF_ERROR(IndexDocument(FromItem(item, feeds_[items_[i].feed].feed),
                                      items_[i]));
        continue;
      }
      if (by_url_.emplace(item.url, i).second) {
        requests.push_back(
            RequestFor(item.url, writer_.GetMetadata(kPageKey + item.url)));
      }
    }
    absl::Status status = absl::OkStatus();
    fetcher_.FetchAll(requests, [&](const FetchResult& r) {
      if (status.ok() && !Stopping()) status = OnPage(r);
    });
    return status;
  }

  absl::Status OnPage(const FetchResult& r) {
    PendingItem& pending = items_[by_url_.at(r.url)];
    if (!r.status.ok()) {
      Report(r.url, std::string(r.status.message()));
      return PageFailed(pending);
    }
    if (r.not_modified) {
      ++stats_.pages_not_modified;
      return writer_.SetMetadata(kItemKey + ItemKey(pending.item),
                                 Fingerprint(pending.item));
    }
    ExtractOptions extract = options_.extract;
    extract.content_language = r.content_language;
    absl::StatusOr<NewsDocument> doc =
        ExtractArticle(r.body, r.final_url, extract);
    if (!doc.ok()) {
      Report(r.url, std::string(doc.status().message()));
      return PageFailed(pending);
    }
    ++stats_.pages_fetched;
    MergeItem(pending.item, feeds_[pending.feed].feed, &*doc);
    RETURN_IF_ERROR(writer_.SetMetadata(kPageKey + r.url, EncodeValidators(r)));
    return IndexDocument(*std::move(doc), pending);
  }

  absl::Status PageFailed(PendingItem& pending) {
    ++stats_.pages_failed;
    feeds_[pending.feed].failed_item = true;  // fetch the feed again
    return absl::OkStatus();
  }

  absl::Status IndexDocument(NewsDocument doc, PendingItem& pending) {
    // The same per-record limits as news.jsonl (record_limits.h): a page
    // or feed item can be as hostile as a line.
    std::vector<std::string> warnings;
    ApplyRecordLimits(&doc, &warnings);
    for (std::string& warning : warnings) {
      sink_(Diagnostic{doc.url.empty() ? feeds_[pending.feed].url : doc.url,
                       0, std::move(warning), /*warning=*/true});
    }
    const NewsDocument as_fetched = doc;
    absl::Status prepared = PrepareDocument(&doc);
    if (!prepared.ok()) {
      Report(pending.item.url.empty() ? feeds_[pending.feed].url
                                      : pending.item.url,
             std::string(prepared.message()));
      return PageFailed(pending);
    }
    if (doc.topics.empty()) {
      InferTopics(options_.tagger, options_.topic_model, &doc);
    }
    // The item's fingerprint is committed with its document, never before.
    RETURN_IF_ERROR(writer_.SetMetadata(kItemKey + ItemKey(pending.item),
                                        Fingerprint(pending.item)));
    RETURN_IF_ERROR(writer_.Add(std::move(doc)).status());
    ++stats_.indexed;
    if (archive_.is_open()) {
      archive_ << EncodeJsonRecord(as_fetched) << "\n";
      archive_.flush();
    }
    return absl::OkStatus();
  }

  // A feed's validators, once all its items are in: a feed with a failed
  // item is fetched in full again next time, so that the item is retried.
  absl::Status RecordFeeds() {
    if (stats_.stopped) return absl::OkStatus();
    for (const FeedState& feed : feeds_) {
      if (feed.failed_item) continue;
      RETURN_IF_ERROR(
          writer_.SetMetadata(kFeedKey + feed.url, feed.validators));
    }
    return absl::OkStatus();
  }

  const FetchNewsOptions& options_;
  IndexWriter& writer_;
  const DiagnosticSink& sink_;
  Fetcher fetcher_;
  std::ofstream archive_;
  std::vector<FeedState> feeds_;
  std::vector<PendingItem> items_;
  std::map<std::string, size_t> by_url_;  // page URL -> index in items_
  FetchStats stats_;
};

}  // namespace

std::string FetchStats::Summary() const {
  return absl::StrFormat(
      "feeds: %d fetched, %d not modified, %d failed; items: %d unchanged; "
      "pages: %d fetched, %d not modified, %d failed; %d indexed",
      feeds_fetched, feeds_not_modified, feeds_failed, items_unchanged,
      pages_fetched, pages_not_modified, pages_failed, indexed);
}

absl::StatusOr<FetchStats> FetchNews(const FetchNewsOptions& options,
                                     IndexWriter& writer,
                                     const DiagnosticSink& sink) {
  return FetchRun(options, writer, sink).Run();
}

absl::StatusOr<std::vector<std::string>> ReadFeedList(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("cannot read feed list " + path);
  std::vector<std::string> feeds;
  std::string line;
  while (std::getline(in, line)) {
    const absl::string_view url = absl::StripAsciiWhitespace(line);
    if (url.empty() || url[0] == '#') continue;
    feeds.emplace_back(url);
  }
  return feeds;
}

}  // namespace newsearch
