// Progress of a long newsindex run on stderr. On a terminal: one bar,
// redrawn in place (documents, documents/s, share of the input read, ETA);
// otherwise, or quiet: a plain line every `interval`, for logs.
//
//   ProgressReporter progress(ProgressReporter::Style::kBar, "reindex");
//   options.progress = [&](const IngestProgress& p) { progress.Update(p); };
//   ...
//   progress.Finish();
//
// Not thread-safe: Update() is called on the writing thread.
#ifndef NEWSEARCH_INDEXER_PROGRESS_H_
#define NEWSEARCH_INDEXER_PROGRESS_H_

#include <ostream>
#include <string>

#include "absl/time/time.h"
#include "indexer/ingest.h"

namespace newsearch {

// "1:05:09", "4:02", "0:07".
std::string FormatEta(absl::Duration d);

class ProgressReporter {
 public:
  enum class Style { kBar, kLines };
  ProgressReporter(Style style, std::string what, std::ostream& out,
                   absl::Duration interval = absl::Seconds(5));

  void Update(const IngestProgress& progress);
  // Ends the bar's line.
  void Finish();

  // What one report says, without the bar: "12,345 documents, 45% of the
  // input, 1,234 docs/s, ETA 0:42".
  static std::string Describe(const IngestProgress& progress);

 private:
  Style style_;
  std::string what_;
  std::ostream& out_;
  absl::Duration interval_;
  absl::Time last_;  // the first report waits an interval too
  bool drawn_ = false;
};

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_PROGRESS_H_
