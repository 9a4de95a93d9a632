// Internal to the common library: ICU transliterators, one per thread and
// ID, built on first use (they are not thread-safe and costly to build).
//
//   if (icu::Transliterator* t = ThreadTransliterator("Latin-ASCII"))
//     t->transliterate(text);
#ifndef NEWSEARCH_COMMON_TRANSLITERATOR_H_
#define NEWSEARCH_COMMON_TRANSLITERATOR_H_

#include <unicode/translit.h>

namespace newsearch {

// nullptr when ICU does not know `id` (then callers leave text as it is).
icu::Transliterator* ThreadTransliterator(const char* id);

}  // namespace newsearch

#endif  // NEWSEARCH_COMMON_TRANSLITERATOR_H_
