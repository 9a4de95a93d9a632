// Fuzzes the query parameters of GET /api/search: the bytes are split and
// percent-decoded into parameters by cpp-httplib's own parser (as the server
// receives them), then read by SearchRequestFromParams
// (searcher/http_params.h) with the server's default limits.
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "searcher/http_params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  httplib::Params params;
  httplib::detail::parse_query_text(
      std::string(reinterpret_cast<const char*>(data), size), params);
  newsearch::SearchRequestFromParams(params, newsearch::HttpLimits())
      .IgnoreError();
  return 0;
}
