#include "searcher/terminal_output.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "newsearch/dates.h"

namespace newsearch {
namespace {

constexpr char kBold[] = "\x1b[1m";
constexpr char kDim[] = "\x1b[2m";
constexpr char kReset[] = "\x1b[0m";

// MSet::snippet() escapes text for HTML and keeps the body's line breaks; a
// terminal wants plain text on one line.
std::string UnescapeSnippet(const std::string& snippet) {
  const std::string text = absl::StrReplaceAll(snippet, {{"&lt;", "<"},
                                                         {"&gt;", ">"},
                                                         {"&quot;", "\""},
                                                         {"&#39;", "'"},
                                                         {"&amp;", "&"}});
  std::string out;
  for (absl::string_view word :
       absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    if (!out.empty()) out.push_back(' ');
    out.append(word.data(), word.size());
  }
  return out;
}

std::string DateLine(const NewsDocument& doc) {
  if (!doc.published) return "undated";
  if (doc.published->precision == TimePrecision::kDay) {
    return FormatTimestamp(*doc.published);
  }
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", doc.published->time,
                          absl::UTCTimeZone());
}

// "2026-09-28 ▂▅█▃▁ 2026-11-16": one block per bucket, height by count.
std::string Sparkline(const DateHistogram& histogram) {
  static constexpr const char* kBlocks[] = {" ",      "\u2581", "\u2582",
                                            "\u2583", "\u2584", "\u2585",
                                            "\u2586", "\u2587", "\u2588"};
  int64_t peak = 0;
  const DateBucket* peak_bucket = nullptr;
  for (const DateBucket& b : histogram.buckets) {
    if (b.count > peak) {
      peak = b.count;
      peak_bucket = &b;
    }
  }
  if (peak_bucket == nullptr) return "no dated matches";
  std::string line = histogram.buckets.front().key + " ";
  for (const DateBucket& b : histogram.buckets) {
    const int level =
        b.count == 0 ? 0 : 1 + static_cast<int>((b.count - 1) * 8 / peak);
    line += kBlocks[std::min(level, 8)];
  }
  absl::StrAppend(&line, " ", histogram.buckets.back().key, "  (peak ",
                  peak_bucket->key, ": ", peak, ")");
  return line;
}

std::string FormatFacets(const Facets& facets, bool color) {
  std::string out;
  if (facets.date || !facets.fields.empty()) {
    absl::StrAppend(&out, "  (counting ", FacetCountName(facets.counted),
                    ")\n");
  }
  if (facets.date) {
    absl::StrAppend(&out, "  ", color ? kBold : "", "date", color ? kReset : "",
                    " by ", DateIntervalName(facets.date->interval), " (",
                    facets.date->time_zone, "): ", Sparkline(*facets.date),
                    "\n");
  }
  for (const auto& [name, counts] : facets.fields) {
    absl::StrAppend(&out, "  ", color ? kBold : "", name, color ? kReset : "",
                    ":");
    for (const FacetValue& v : counts.values) {
      absl::StrAppend(&out, " ", v.name, " (", v.count, ")");
    }
    if (counts.other > 0) absl::StrAppend(&out, " +", counts.other, " other");
    out += "\n";
  }
  return out;
}

}  // namespace

TerminalMarks TerminalHighlight(bool color) {
  if (color) return {kBold, kReset};
  return {"*", "*"};
}

std::string FormatForTerminal(const SearchResponse& response, bool color) {
  std::string out;
  for (const std::string& warning : response.warnings) {
    absl::StrAppend(&out, "Note: ", warning, "\n");
  }
  if (response.partial) {
    absl::StrAppend(&out, color ? kBold : "",
                    "Partial results: these shards did not answer: ",
                    absl::StrJoin(response.missing_shards, "; "),
                    color ? kReset : "", "\n");
  }
  if (response.suggestion) {
    absl::StrAppend(&out, "Did you mean: ", color ? kBold : "",
                    *response.suggestion, color ? kReset : "", "?\n");
  }
  if (response.total == 0) {
    absl::StrAppend(&out, "No results for '", response.query, "'.\n");
    return out;
  }
  const int64_t first = response.offset + 1;
  const int64_t last =
      response.offset + static_cast<int64_t>(response.results.size());
  absl::StrAppendFormat(&out, "%d result%s for '%s'", response.total,
                        response.total == 1 ? "" : "s", response.query);
  if (!response.results.empty()) {
    absl::StrAppendFormat(&out, " (showing %d-%d)", first, last);
  }
  absl::StrAppendFormat(&out, ", %.1f ms", response.took_ms);
  if (response.folded && response.reports > response.total) {
    absl::StrAppendFormat(&out, "; %d reports folded into %d stor%s",
                          response.reports, response.total,
                          response.total == 1 ? "y" : "ies");
  }
  absl::StrAppend(&out, "\n", FormatFacets(response.facets, color));
  for (const SearchResult& r : response.results) {
    const NewsDocument& doc = r.document;
    absl::StrAppendFormat(&out, "\n%3d. %s%s%s\n", r.rank, color ? kBold : "",
                          doc.title.empty() ? "(untitled)" : doc.title,
                          color ? kReset : "");
    std::string meta = absl::StrCat(DateLine(doc), " | ", KindName(doc.kind));
    if (!doc.source.empty()) absl::StrAppend(&meta, " | ", doc.source);
    absl::StrAppendFormat(&meta, " | score %.2f", r.score);
    if (response.explain) {
      absl::StrAppendFormat(&meta, " = bm25 %.2f + recency %.2f",
                            r.relevance_score, r.recency_score);
    }
    absl::StrAppend(&out, "     ", color ? kDim : "", meta, color ? kReset : "",
                    "\n");
    if (r.more_reports > 0) {
      absl::StrAppend(&out, "     +", r.more_reports, " more report",
                      r.more_reports == 1 ? "" : "s");
      if (!r.outlets.empty()) {
        absl::StrAppend(&out, " (", absl::StrJoin(r.outlets, ", "), ")");
      }
      absl::StrAppend(&out, "; story ", doc.story_key, "\n");
    }
    if (!r.snippet.empty()) {
      absl::StrAppend(&out, "     ", UnescapeSnippet(r.snippet), "\n");
    }
  }
  return out;
}

}  // namespace newsearch
