// How the parsers of outside input scale with the number of list items and
// the nesting in one record, feed or page, where the fuzzers, whose inputs
// stay under 4 KB, cannot see it:
//
//   build/bench/parse_scaling                # ~20 s
//   build/bench/parse_scaling --benchmark_filter=Rss
//
// Read items_per_second from the smallest N to the largest: it falls about
// 5x as the input outgrows the caches and malloc starts to fault pages in
// (perf: _int_malloc, exc_page_fault). The linear search for repeats that
// this replaced fell 27x on BM_RssCategories (1.8M to 65k items/s; 500 ms
// at N = 32768 against 70 ms now). Google Benchmark also fits a complexity
// ("_BigO", "_RMS"); over this range it cannot tell N from N lg N well.
//
// Inputs are generated: N items, one in two a repeat of an earlier one (the
// parsers remove repeats), N up to 32768 (inputs of about 1 MB).
//
// BM_RssCategories    an RSS item with N <category> elements
// BM_JsonFeedTags     a JSON Feed item with N tags
// BM_PageTags         a page with N article:tag metas and N JSON-LD keywords
// BM_JsonLdNesting    JSON-LD with an author nested in N arrays
// BM_RecordTopics     a news.jsonl line with N topics, then the record limits
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "indexer/feed.h"
#include "indexer/html_article.h"
#include "indexer/news_record.h"
#include "indexer/record_limits.h"

namespace newsearch {
namespace bench {
namespace {

constexpr int kSmallest = 1 << 8;
constexpr int kLargest = 1 << 15;

std::string Paragraphs() {
  std::string text;
  for (int i = 0; i < 5; ++i) {
    absl::StrAppend(&text, "<p>Officials in the valley met for the ", i + 1,
                    "th time to discuss the harbour, and residents waited "
                    "for answers.</p>");
  }
  return text;
}

void Finish(benchmark::State& state, size_t bytes) {
  state.SetComplexityN(state.range(0));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

void BM_RssCategories(benchmark::State& state) {
  std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>"
      "<item><title>Many</title>";
  for (int64_t i = 0; i < state.range(0); ++i) {
    absl::StrAppend(&feed, "<category>topic ", i / 2, "</category>");
  }
  absl::StrAppend(&feed, "</item></channel></rss>");
  for (auto _ : state) {
    absl::StatusOr<Feed> parsed =
        ParseFeed(feed, "application/rss+xml", "http://feeds.example/t.rss");
    if (!parsed.ok()) state.SkipWithError("feed did not parse");
    benchmark::DoNotOptimize(parsed);
  }
  Finish(state, feed.size());
}

void BM_JsonFeedTags(benchmark::State& state) {
  std::string feed =
      R"({"version": "https://jsonfeed.org/version/1.1", "title": "T",)"
      R"( "items": [{"id": "1", "title": "Many", "tags": [)";
  for (int64_t i = 0; i < state.range(0); ++i) {
    absl::StrAppend(&feed, i == 0 ? "" : ",", "\"topic ", i / 2, "\"");
  }
  absl::StrAppend(&feed, "]}]}");
  for (auto _ : state) {
    absl::StatusOr<Feed> parsed =
        ParseFeed(feed, "application/feed+json", "http://feeds.example/t.json");
    if (!parsed.ok()) state.SkipWithError("feed did not parse");
    benchmark::DoNotOptimize(parsed);
  }
  Finish(state, feed.size());
}

void BM_PageTags(benchmark::State& state) {
  std::string metas, keywords;
  for (int64_t i = 0; i < state.range(0); ++i) {
    absl::StrAppend(&metas, "<meta property=\"article:tag\" content=\"tag ",
                    i / 2, "\">");
    absl::StrAppend(&keywords, i == 0 ? "" : ",", "\"keyword ", i / 2, "\"");
  }
  const std::string html = absl::StrCat(
      "<html><head><title>Many</title>", metas,
      "<script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", "
      "\"headline\": \"Many\", \"keywords\": [",
      keywords, "]}</script></head><body><article>", Paragraphs(),
      "</article></body></html>");
  for (auto _ : state) {
    absl::StatusOr<NewsDocument> doc =
        ExtractArticle(html, "http://news.example/many", {});
    if (!doc.ok()) state.SkipWithError("page did not parse");
    benchmark::DoNotOptimize(doc);
  }
  Finish(state, html.size());
}

void BM_JsonLdNesting(benchmark::State& state) {
  const size_t depth = static_cast<size_t>(state.range(0));
  const std::string html = absl::StrCat(
      "<html><head><script type=\"application/ld+json\">{\"@type\": "
      "\"NewsArticle\", \"headline\": \"Deep\", \"author\": ",
      std::string(depth, '['), "\"Ann Lee\"", std::string(depth, ']'),
      "}</script></head><body><article>", Paragraphs(),
      "</article></body></html>");
  for (auto _ : state) {
    absl::StatusOr<NewsDocument> doc =
        ExtractArticle(html, "http://news.example/deep", {});
    if (!doc.ok()) state.SkipWithError("page did not parse");
    benchmark::DoNotOptimize(doc);
  }
  Finish(state, html.size());
}

void BM_RecordTopics(benchmark::State& state) {
  std::string line =
      R"({"title": "Many", "body": "Harbour news.", "topics": [)";
  for (int64_t i = 0; i < state.range(0); ++i) {
    absl::StrAppend(&line, i == 0 ? "" : ",", "\"topic ", i / 2, "\"");
  }
  absl::StrAppend(&line, "]}");
  for (auto _ : state) {
    std::vector<std::string> warnings;
    absl::StatusOr<NewsDocument> doc = ParseNewsRecord(line, &warnings);
    if (!doc.ok()) {
      state.SkipWithError("record did not parse");
      break;
    }
    ApplyRecordLimits(&*doc, &warnings);
    benchmark::DoNotOptimize(doc);
  }
  Finish(state, line.size());
}

#define NEWSEARCH_SCALING(name)       \
  BENCHMARK(name)                     \
      ->RangeMultiplier(4)            \
      ->Range(kSmallest, kLargest)    \
      ->Unit(benchmark::kMillisecond) \
      ->Complexity()
NEWSEARCH_SCALING(BM_RssCategories);
NEWSEARCH_SCALING(BM_JsonFeedTags);
NEWSEARCH_SCALING(BM_PageTags);
NEWSEARCH_SCALING(BM_JsonLdNesting);
NEWSEARCH_SCALING(BM_RecordTopics);

}  // namespace
}  // namespace bench
}  // namespace newsearch

BENCHMARK_MAIN();
