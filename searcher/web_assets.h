// The search page's files (searcher/web/), compiled into the binary by
// cmake/EmbedAssets.cmake so that `newsearch serve` needs nothing on disk.
//
//   for (const WebAsset& a : WebAssets()) server.Serve(a.path, a.data, ...);
//
// Immutable after start-up; thread-safe.
#ifndef NEWSEARCH_SEARCHER_WEB_ASSETS_H_
#define NEWSEARCH_SEARCHER_WEB_ASSETS_H_

#include <cstddef>
#include <vector>

namespace newsearch {

struct WebAsset {
  const char* path;  // "/index.html"
  const char* data;
  size_t size;
};

const std::vector<WebAsset>& WebAssets();

}  // namespace newsearch

#endif  // NEWSEARCH_SEARCHER_WEB_ASSETS_H_
