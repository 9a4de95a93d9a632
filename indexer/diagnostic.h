// A problem found in one input, reported compiler-style ("FILE:LINE: error:
// message", as omega does) and then skipped: the rest of the batch goes on.
// A warning ("FILE:LINE: warning: message") says what was changed in a record
// that was still indexed (repaired UTF-8, a truncated body, topics dropped).
#ifndef NEWSEARCH_INDEXER_DIAGNOSTIC_H_
#define NEWSEARCH_INDEXER_DIAGNOSTIC_H_

#include <functional>
#include <string>

namespace newsearch {

struct Diagnostic {
  std::string file;  // "<stdin>" for standard input
  int line = 0;      // 1-based; 0 when the problem concerns the whole file
  std::string message;
  bool warning = false;  // the record was indexed anyway

  // "file:line: error: message", or "file: error: message" without a line;
  // "warning" for a warning.
  std::string ToString() const;
};

using DiagnosticSink = std::function<void(const Diagnostic&)>;

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_DIAGNOSTIC_H_
