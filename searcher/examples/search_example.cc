// A web back end's view of newsearch: open a database, search, print.
//
//   search_example news.db 'port strike'
//
// Built with the project, and, in tests/e2e, as a project of its own against
// an installed newsearch (find_package(newsearch)).
#include <iostream>
#include <memory>

#include "newsearch/search_json.h"
#include "newsearch/searcher.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: search_example DB QUERY\n";
    return 2;
  }
  absl::StatusOr<std::unique_ptr<newsearch::Searcher>> searcher =
      newsearch::Searcher::Open(argv[1]);
  if (!searcher.ok()) {
    std::cerr << searcher.status() << "\n";
    return 2;
  }
  newsearch::SearchRequest request;
  request.query = argv[2];
  request.limit = 5;
  request.facets = {"date", "topic"};
  absl::StatusOr<newsearch::SearchResponse> response =
      (*searcher)->Search(request);
  if (!response.ok()) {
    std::cerr << response.status() << "\n";
    return 1;
  }
  std::cout << response->total << " stories\n";
  for (const newsearch::SearchResult& result : response->results) {
    std::cout << result.rank << ". " << result.document.title << " ("
              << result.document.source << ")\n";
  }
  std::cout << newsearch::SearchResponseToJson(*response) << "\n";
  return 0;
}
