// Fuzzes the page-text format (indexer/page_text.h): the saved text of a
// news page, read in the default outlet zone (Europe/Paris, so local times
// cross daylight-saving gaps) with the source taken from the page's links.
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "indexer/page_text.h"
#include "newsearch/dates.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const newsearch::PageTextOptions* const options = [] {
    auto* o = new newsearch::PageTextOptions;
    o->zone = *newsearch::LoadZone(newsearch::kDefaultPageZone);
    return o;
  }();
  newsearch::ParsePageText(
      absl::string_view(reinterpret_cast<const char*>(data), size), *options);
  return 0;
}
