// make_queries: prints the benchmarks' two-word queries for a news.jsonl
// corpus, one per line, for load tests and for other tools to replay.
// Deterministic: records 0, k, 2k, ... (k = lines / (2 * COUNT)), each
// title's first two distinct words of four or more letters that are not
// stopwords (TitleQueryWords in bench_util.h).
//
//   make_queries ../shared/corpora/reuters21578.jsonl 300 > queries.txt
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>

#include "bench/bench_util.h"

int main(int argc, char** argv) {
  if (argc != 3 || std::atoi(argv[2]) < 1) {
    std::cerr << "usage: make_queries CORPUS.jsonl COUNT\n";
    return 2;
  }
  setenv("NEWSEARCH_CORPUS", argv[1], 1);
  const absl::StatusOr<newsearch::bench::Corpus>& corpus =
      newsearch::bench::SharedCorpus();
  if (!corpus.ok()) {
    std::cerr << "make_queries: " << corpus.status().message() << "\n";
    return 1;
  }
  const size_t count = static_cast<size_t>(std::atoi(argv[2]));
  const size_t stride = std::max<size_t>(1, corpus->lines.size() / (2 * count));
  newsearch::bench::FtsRecord record;
  size_t printed = 0;
  for (size_t i = 0; i < corpus->lines.size() && printed < count; i += stride) {
    if (!newsearch::bench::ParseFtsRecord(corpus->lines[i], &record)) continue;
    const auto words = newsearch::bench::TitleQueryWords(record.title);
    if (!words) continue;
    std::cout << words->first << " " << words->second << "\n";
    ++printed;
  }
  return printed > 0 ? 0 : 1;
}
