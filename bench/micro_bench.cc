// Micro-benchmarks of the hot paths, each on our own sample data (data/ and
// tests/data/, no corpus needed), so that a change to one of them can be
// measured in isolation and the program keeps building in CI:
//
//   build-bench/bench/micro_bench --benchmark_filter=Tokenise
//
// BM_ParseRecord       news.jsonl line -> NewsDocument (RapidJSON)
// BM_PrepareDocument   identity and language detection (CLD2)
// BM_TokeniseAndStem   DocumentBuilder::Build: positions, folded stems
// BM_PageText          the page-text parser on the sample pages
// BM_FeedParse         RSS, Atom and JSON Feed fixtures (libxml2, RapidJSON)
// BM_ArticleExtract    an article page (libxml2 HTML, JSON-LD)
// BM_StorySketch       story-key features and MinHash bands
// BM_StorySimilarity   IDF-weighted Jaccard of two sketches
// BM_TopicTagging      the taxonomy tagger
// BM_QueryBuilding     QueryParser with our prefixes, dates and synonyms
// BM_FacetColumnCount  facets counted from the in-memory column, per match
// BM_JsonEncoding      a 10-result response with facets to JSON
#include <filesystem>
#include <fstream>
#include <sstream>

#include "benchmark/benchmark.h"
#include "bench/bench_util.h"
#include "indexer/document_builder.h"
#include "indexer/feed.h"
#include "indexer/html_article.h"
#include "indexer/identity.h"
#include "indexer/news_record.h"
#include "indexer/page_text.h"
#include "indexer/story_keys.h"
#include "indexer/topic_tagger.h"
#include "newsearch/search_json.h"
#include "newsearch/searcher.h"
#include "searcher/facet_column.h"
#include "searcher/query_builder.h"

namespace newsearch {
namespace bench {
namespace {

namespace fs = std::filesystem;

std::string Source(const std::string& relative) {
  return std::string(NEWSEARCH_SOURCE_DIR) + "/" + relative;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The lines of data/sample's news.jsonl files, read once.
const std::vector<std::string>& SampleLines() {
  static const auto* lines = [] {
    auto* out = new std::vector<std::string>;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(Source("data/sample"))) {
      if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::ifstream in(file);
      for (std::string line; std::getline(in, line);) {
        if (!line.empty()) out->push_back(line);
      }
    }
    return out;
  }();
  return *lines;
}

// The sample's records, parsed and prepared.
const std::vector<NewsDocument>& SampleDocs() {
  static const auto* docs = [] {
    auto* out = new std::vector<NewsDocument>;
    for (const std::string& line : SampleLines()) {
      absl::StatusOr<NewsDocument> doc = ParseNewsRecord(line);
      if (doc.ok() && PrepareDocument(&*doc).ok()) out->push_back(*doc);
    }
    return out;
  }();
  return *docs;
}

// A database of the sample, built once.
const std::string& SampleDb() {
  static const auto* path = [] {
    static std::unique_ptr<TempDir> dir = *TempDir::Create();
    auto* db = new std::string(dir->Path("sample.db"));
    (void)BuildNewsearchIndex(SampleLines(), *db);
    return db;
  }();
  return *path;
}

void BM_ParseRecord(benchmark::State& state) {
  const std::vector<std::string>& lines = SampleLines();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParseNewsRecord(lines[i++ % lines.size()]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseRecord);

void BM_PrepareDocument(benchmark::State& state) {
  const std::vector<NewsDocument>& docs = SampleDocs();
  size_t i = 0;
  for (auto _ : state) {
    NewsDocument doc = docs[i++ % docs.size()];
    doc.id.clear();
    doc.language.clear();  // detected again
    benchmark::DoNotOptimize(PrepareDocument(&doc));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PrepareDocument);

void BM_TokeniseAndStem(benchmark::State& state) {
  const std::vector<NewsDocument>& docs = SampleDocs();
  DocumentBuilder builder;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(builder.Build(docs[i++ % docs.size()]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TokeniseAndStem);

void BM_PageText(benchmark::State& state) {
  std::vector<std::string> pages;
  for (const auto& entry :
       fs::directory_iterator(Source("data/sample/pages"))) {
    pages.push_back(ReadAll(entry.path()));
  }
  PageTextOptions options;
  options.zone = absl::UTCTimeZone();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParsePageText(pages[i++ % pages.size()], options));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PageText);

void BM_FeedParse(benchmark::State& state) {
  const std::vector<std::string> feeds = {
      ReadAll(Source("tests/data/feeds/vell_gazette_rss.xml")),
      ReadAll(Source("tests/data/feeds/harbour_atom.xml")),
      ReadAll(Source("tests/data/feeds/tidings.json"))};
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        ParseFeed(feeds[i++ % feeds.size()], "", "https://example.org/feed"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FeedParse);

void BM_ArticleExtract(benchmark::State& state) {
  const std::string html = ReadAll(Source("tests/data/pages/news_article.html"));
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        ExtractArticle(html, "https://example.org/a.html", {}));
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(html.size()));
}
BENCHMARK(BM_ArticleExtract);

void BM_StorySketch(benchmark::State& state) {
  const std::vector<NewsDocument>& docs = SampleDocs();
  StoryKeyer keyer;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(keyer.Sketch(docs[i++ % docs.size()]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StorySketch);

void BM_StorySimilarity(benchmark::State& state) {
  const std::vector<NewsDocument>& docs = SampleDocs();
  StoryKeyer keyer;
  std::vector<StorySketch> sketches;
  for (const NewsDocument& doc : docs) sketches.push_back(keyer.Sketch(doc));
  size_t i = 0;
  for (auto _ : state) {
    const StorySketch& a = sketches[i % sketches.size()];
    const StorySketch& b = sketches[(i * 7 + 3) % sketches.size()];
    ++i;
    benchmark::DoNotOptimize(keyer.Similarity(a.features, b.features));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StorySimilarity);

void BM_TopicTagging(benchmark::State& state) {
  absl::StatusOr<TopicTagger> tagger =
      TopicTagger::LoadFile(Source("data/taxonomy.json"));
  if (!tagger.ok()) {
    state.SkipWithError(std::string(tagger.status().message()).c_str());
    return;
  }
  const std::vector<NewsDocument>& docs = SampleDocs();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(tagger->Infer(docs[i++ % docs.size()]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TopicTagging);

void BM_QueryBuilding(benchmark::State& state) {
  const Xapian::Database db(SampleDb());
  const std::vector<std::string> queries = {
      "port strike", "\"flood warning\" source:harbour-gazette",
      "zelensky talks date:2025-12-01..2025-12-21", "title:election OR vote",
      "strike* -rail topic:economy"};
  QueryOptions options;
  options.now = absl::FromUnixSeconds(1766300000);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        BuildQuery(db, queries[i++ % queries.size()], options));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QueryBuilding);

// Per match: the column's counting of month, topic and source facets,
// counting stories, over every document of the sample.
void BM_FacetColumnCount(benchmark::State& state) {
  Xapian::Database db(SampleDb());
  absl::StatusOr<std::shared_ptr<const FacetColumn>> column =
      FacetColumn::Build(db);
  if (!column.ok()) {
    state.SkipWithError(std::string(column.status().message()).c_str());
    return;
  }
  std::vector<Xapian::docid> matches;
  for (Xapian::docid d = 1; d <= db.get_lastdocid(); ++d) matches.push_back(d);
  FacetOptions options;
  options.names = {"date", "topic", "source"};
  options.interval = DateInterval::kMonth;
  options.count = FacetCount::kStories;
  for (auto _ : state) {
    benchmark::DoNotOptimize((*column)->Count(matches, options));
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<int64_t>(matches.size()));
}
BENCHMARK(BM_FacetColumnCount);

void BM_JsonEncoding(benchmark::State& state) {
  absl::StatusOr<std::unique_ptr<Searcher>> searcher =
      Searcher::Open(SampleDb());
  SearchRequest request;
  request.query = "";
  request.facets = {"date", "topic", "source"};
  absl::StatusOr<SearchResponse> response =
      searcher.ok() ? (*searcher)->Search(request)
                    : absl::StatusOr<SearchResponse>(searcher.status());
  if (!response.ok()) {
    state.SkipWithError(std::string(response.status().message()).c_str());
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(SearchResponseToJson(*response));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JsonEncoding);

}  // namespace
}  // namespace bench
}  // namespace newsearch

BENCHMARK_MAIN();
