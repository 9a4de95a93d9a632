// Fuzzes the query string (searcher/query_builder.h) with every flag and
// prefix newsearch gives Xapian's QueryParser: BuildQuery (then run, so that
// wildcards expand and synonyms apply), SuggestCorrection (the spelling
// table), AnalyzeForShards (date bounds), and the whole Searcher::Search
// (recency, facets, snippets). The index is built once, in a temporary
// directory, from the sample corpus (data/sample) and name variants
// (data/variants.txt). Zone and stemmer language vary with the input's
// length. Use with query.dict.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "indexer/identity.h"
#include "indexer/index_writer.h"
#include "indexer/name_variants.h"
#include "indexer/news_record.h"
#include "newsearch/dates.h"
#include "newsearch/searcher.h"
#include "searcher/query_builder.h"

namespace newsearch {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string* index_dir = nullptr;  // removed at exit

// The index's path: built on the first call.
const std::string& IndexPath() {
  static const std::string* const path = [] {
    char dir[] = "/tmp/newsearch-query-fuzz-XXXXXX";
    if (mkdtemp(dir) == nullptr) std::abort();
    index_dir = new std::string(dir);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(*index_dir, ignored);
    });
    auto* p = new std::string(*index_dir + "/news.db");
    absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
        IndexWriter::Open(*p, {});
    if (!writer.ok()) std::abort();
    const std::string sample = NEWSEARCH_FUZZ_DATA_DIR "/sample/";
    for (const char* file : {"harbour-gazette.jsonl", "multilingual.jsonl",
                             "alpine-courier.jsonl"}) {
      for (absl::string_view line :
           absl::StrSplit(ReadFile(sample + file), '\n', absl::SkipEmpty())) {
        absl::StatusOr<NewsDocument> doc = ParseNewsRecord(line);
        if (!doc.ok() || !PrepareDocument(&*doc).ok()) std::abort();
        if (!(*writer)->Add(*std::move(doc)).ok()) std::abort();
      }
    }
    absl::StatusOr<NameVariants> variants =
        NameVariants::LoadFile(NEWSEARCH_FUZZ_DATA_DIR "/variants.txt");
    if (!variants.ok() || !(*writer)->WriteVariants(*variants).ok() ||
        !(*writer)->Commit().ok()) {
      std::abort();
    }
    return p;
  }();
  return *path;
}

}  // namespace
}  // namespace newsearch

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace newsearch;  // NOLINT: a fuzz target's only function
  static const Xapian::Database* const db = new Xapian::Database(IndexPath());
  static Searcher* const searcher = [] {
    SearcherOptions options;
    options.facet_cache = false;  // no background thread
    absl::StatusOr<std::unique_ptr<Searcher>> s =
        Searcher::Open(IndexPath(), options);
    if (!s.ok()) std::abort();
    return s->release();
  }();
  static const char* const kZones[] = {"UTC", "Europe/Paris",
                                       "America/St_Johns"};
  static const char* const kLanguages[] = {"en", "fr", "de", ""};
  const std::string query(reinterpret_cast<const char*>(data), size);
  QueryOptions options;
  options.zone = *LoadZone(kZones[size % 3]);
  options.language = kLanguages[size % 4];
  options.now = absl::FromUnixSeconds(1791331200);  // 2026-10-07
  if (absl::StatusOr<Xapian::Query> q = BuildQuery(*db, query, options);
      q.ok()) {
    Xapian::Enquire enquire(*db);
    enquire.set_query(*q);
    enquire.get_mset(0, 10);
  }
  SuggestCorrection(*db, query, options).IgnoreError();
  AnalyzeForShards(query, options).IgnoreError();
  SearchRequest request;
  request.query = query;
  request.now = options.now;
  request.time_zone = kZones[size % 3];
  request.language = options.language;
  request.fold = size % 2 == 0;
  request.facets = {"date", "topic", "source"};
  searcher->Search(request).IgnoreError();
  return 0;
}
