#include "indexer/progress.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace newsearch {
namespace {

constexpr int kBarWidth = 24;
// Redraws of the bar at most this often: a terminal is slow to scroll.
constexpr absl::Duration kBarInterval = absl::Milliseconds(200);

double Fraction(const IngestProgress& p) {
  if (p.bytes_total <= 0) return -1;
  return std::min(1.0, static_cast<double>(p.bytes_read) /
                           static_cast<double>(p.bytes_total));
}

}  // namespace

std::string FormatEta(absl::Duration d) {
  const int64_t seconds = absl::ToInt64Seconds(d);
  if (seconds >= 3600) {
    return absl::StrFormat("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60,
                           seconds % 60);
  }
  return absl::StrFormat("%d:%02d", seconds / 60, seconds % 60);
}

ProgressReporter::ProgressReporter(Style style, std::string what,
                                   std::ostream& out, absl::Duration interval)
    : style_(style),
      what_(std::move(what)),
      out_(out),
      interval_(interval),
      last_(absl::Now()) {}

std::string ProgressReporter::Describe(const IngestProgress& p) {
  const double rate = p.seconds > 0 ? p.documents / p.seconds : 0;
  std::string out = absl::StrFormat("%d documents", p.documents);
  const double fraction = Fraction(p);
  if (fraction >= 0) {
    absl::StrAppendFormat(&out, ", %.0f%% of the input", 100 * fraction);
  }
  absl::StrAppendFormat(&out, ", %.0f docs/s", rate);
  if (fraction > 0 && fraction < 1) {
    const double left = p.seconds * (1 - fraction) / fraction;
    absl::StrAppend(&out, ", ETA ", FormatEta(absl::Seconds(left)));
  }
  return out;
}

void ProgressReporter::Update(const IngestProgress& progress) {
  const absl::Time now = absl::Now();
  const absl::Duration every =
      style_ == Style::kBar ? kBarInterval : interval_;
  if (now - last_ < every) return;
  last_ = now;
  if (style_ == Style::kLines) {
    out_ << "newsindex: " << what_ << ": " << Describe(progress) << "\n";
    out_.flush();
    return;
  }
  const double fraction = std::max(0.0, Fraction(progress));
  const int filled = static_cast<int>(fraction * kBarWidth);
  out_ << "\r" << what_ << " [" << std::string(filled, '#')
       << std::string(kBarWidth - filled, ' ') << "] " << Describe(progress)
       << "\x1b[K";  // clear what a longer previous line left
  out_.flush();
  drawn_ = true;
}

void ProgressReporter::Finish() {
  if (drawn_) out_ << "\n";
  drawn_ = false;
}

}  // namespace newsearch
