#include "common/transliterator.h"

#include <map>
#include <memory>
#include <string>

namespace newsearch {

icu::Transliterator* ThreadTransliterator(const char* id) {
  thread_local std::map<std::string, std::unique_ptr<icu::Transliterator>>
      transliterators;
  auto it = transliterators.find(id);
  if (it == transliterators.end()) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(
        icu::Transliterator::createInstance(id, UTRANS_FORWARD, status));
    if (U_FAILURE(status)) t.reset();
    it = transliterators.emplace(id, std::move(t)).first;
  }
  return it->second.get();
}

}  // namespace newsearch
