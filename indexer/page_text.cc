#include "indexer/page_text.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

constexpr absl::string_view kBullet = "\xE2\x80\xA2";  // U+2022 "•"

struct Line {
  int number;
  absl::string_view text;  // trimmed
};

std::vector<Line> SplitLines(absl::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    lines.push_back({++number, absl::StripAsciiWhitespace(raw)});
  }
  return lines;
}

// "• Dec 21, 2025, 12:01 AM" -> "Dec 21, 2025, 12:01 AM".
std::optional<absl::string_view> BulletContent(absl::string_view line) {
  if (!absl::ConsumePrefix(&line, kBullet)) return std::nullopt;
  return absl::StripAsciiWhitespace(line);
}

// Civil date and time of the article's date line.
std::optional<absl::CivilMinute> ParseDateLine(absl::string_view line) {
  std::optional<absl::string_view> content = BulletContent(line);
  if (!content) return std::nullopt;
  for (const char* format : {"%b %d, %Y, %I:%M %p", "%B %d, %Y, %I:%M %p",
                             "%b %d, %Y, %H:%M", "%d %b %Y, %H:%M"}) {
    absl::Time t;
    if (absl::ParseTime(format, *content, absl::UTCTimeZone(), &t, nullptr)) {
      return absl::ToCivilMinute(t, absl::UTCTimeZone());
    }
  }
  return std::nullopt;
}

// Hour and minute of a timeline entry's "• 5:57 PM" line.
std::optional<absl::CivilMinute> ParseClockLine(absl::string_view line) {
  std::optional<absl::string_view> content = BulletContent(line);
  if (!content) return std::nullopt;
  for (const char* format : {"%I:%M %p", "%H:%M"}) {
    absl::Time t;
    if (absl::ParseTime(format, *content, absl::UTCTimeZone(), &t, nullptr)) {
      return absl::ToCivilMinute(t, absl::UTCTimeZone());
    }
  }
  return std::nullopt;
}

// "3 min de lecture", "4 min read", "1 min" -> minutes.
std::optional<int> ParseReadingTime(absl::string_view line) {
  size_t digits = 0;
  while (digits < line.size() && absl::ascii_isdigit(line[digits])) ++digits;
  if (digits == 0 || digits > 4) return std::nullopt;
  absl::string_view rest =
      absl::StripLeadingAsciiWhitespace(line.substr(digits));
  if (!absl::StartsWith(rest, "min")) return std::nullopt;
  int minutes = 0;
  for (size_t i = 0; i < digits; ++i) minutes = minutes * 10 + (line[i] - '0');
  return minutes;
}

bool IsDigitsOnly(absl::string_view line) {
  if (line.empty()) return false;
  for (char c : line) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

bool IsTimelineHeading(absl::string_view line) {
  return line == "Today" || line == "Latest" || line == "Latest news";
}

bool IsReadMore(absl::string_view line) {
  return absl::StartsWith(line, "Read the article");
}

// "https://www.euronews.com/2025/..." anywhere in the page -> "euronews".
// Only a host followed by '/' counts: links on these pages are often cut off
// in the middle of the host name.
std::string SourceFromLinks(absl::string_view text) {
  for (size_t scheme = text.find("://"); scheme != absl::string_view::npos;
       scheme = text.find("://", scheme + 3)) {
    absl::string_view host = text.substr(scheme + 3);
    const size_t end = host.find_first_of("/\"' <\n");
    if (end == absl::string_view::npos || host[end] != '/') continue;
    host = host.substr(0, end);
    absl::ConsumePrefix(&host, "www.");
    if (host.find('.') == absl::string_view::npos) continue;
    return absl::AsciiStrToLower(host.substr(0, host.find('.')));
  }
  return "";
}

// The first "/YYYY/MM/DD/" in a link.
std::optional<absl::CivilDay> DateFromLink(absl::string_view link) {
  for (size_t i = 0; i + 12 <= link.size(); ++i) {
    absl::string_view s = link.substr(i, 12);
    const bool shape =
        s[0] == '/' && s[5] == '/' && s[8] == '/' && s[11] == '/';
    if (!shape) continue;
    int y = 0, m = 0, d = 0;
    bool digits = true;
    for (int k : {1, 2, 3, 4, 6, 7, 9, 10}) {
      if (!absl::ascii_isdigit(s[k])) digits = false;
    }
    if (!digits) continue;
    y = std::stoi(std::string(s.substr(1, 4)));
    m = std::stoi(std::string(s.substr(6, 2)));
    d = std::stoi(std::string(s.substr(9, 2)));
    const absl::CivilDay day(y, m, d);
    if (day.month() == m && day.day() == d) return day;  // not normalised
  }
  return std::nullopt;
}

struct Summary {
  std::string text;
  std::optional<absl::CivilDay> link_day;
  std::string url;  // only when the link survived in full
};

// Splits a timeline summary from the cut-off HTML fragment a scraper left on
// it, and drops the trailing "View on <outlet>" button label.
Summary CleanSummary(absl::string_view raw) {
  Summary out;
  size_t tag = absl::string_view::npos;
  for (size_t i = 0; i + 1 < raw.size(); ++i) {
    const char next = raw[i + 1];
    if (raw[i] == '<' && (absl::ascii_isalpha(next) || next == '/')) {
      tag = i;
      break;
    }
  }
  absl::string_view text = raw.substr(0, tag);
  if (tag != absl::string_view::npos) {
    const absl::string_view fragment = raw.substr(tag);
    out.link_day = DateFromLink(fragment);
    const size_t href = fragment.find("href=\"");
    if (href != absl::string_view::npos) {
      absl::string_view rest = fragment.substr(href + 6);
      const size_t quote = rest.find('"');
      if (quote != absl::string_view::npos)
        out.url = std::string(rest.substr(0, quote));
    }
  }
  const size_t view = text.rfind("View on ");
  if (view != absl::string_view::npos) {
    absl::string_view label = text.substr(view + 8);
    if (label.size() <= 40 && label.find_first_of(".!?") == label.npos) {
      text = text.substr(0, view);
    }
  }
  out.text = std::string(absl::StripAsciiWhitespace(text));
  return out;
}

}  // namespace

namespace {

class PageParser {
 public:
  PageParser(absl::string_view text, const PageTextOptions& options)
      : lines_(SplitLines(text)),
        options_(options),
        source_(options.source.empty() ? SourceFromLinks(text)
                                       : options.source) {}

  ParsedPage Parse() {
    size_t i = 0;
    if (!ParseArticle(&i)) return std::move(page_);
    while (i < lines_.size()) ParseEntry(&i);
    return std::move(page_);
  }

 private:
  Timestamp Local(absl::CivilMinute civil) const {
    return Timestamp{absl::FromCivil(civil, options_.zone),
                     TimePrecision::kMinute};
  }

  void SkipBlank(size_t* i) const {
    while (*i < lines_.size() && lines_[*i].text.empty()) ++*i;
  }

  // False (with a problem reported) when the page has no article.
  bool ParseArticle(size_t* i) {
    size_t date = 0;
    std::optional<absl::CivilMinute> when;
    for (; date < lines_.size() && !when; ++date) {
      when = ParseDateLine(lines_[date].text);
    }
    if (!when) {
      page_.problems.push_back({"", 0,
                                "not a news page: no article date line such as "
                                "'\u2022 Dec 21, 2025, 12:01 AM'"});
      return false;
    }
    --date;
    size_t title = date;
    while (title > 0 && lines_[title - 1].text.empty()) --title;
    if (title == 0) {
      page_.problems.push_back(
          {"", lines_[date].number, "no article title before the date line"});
      return false;
    }
    page_day_ = absl::CivilDay(*when);
    NewsDocument article;
    article.kind = Kind::kArticle;
    article.title = std::string(lines_[title - 1].text);
    article.published = Local(*when);
    article.source = source_;
    *i = date + 1;
    SkipBlank(i);
    if (*i < lines_.size()) {
      if (auto minutes = ParseReadingTime(lines_[*i].text)) {
        article.reading_minutes = *minutes;
        ++*i;
        SkipBlank(i);
      }
    }
    if (*i < lines_.size() && IsDigitsOnly(lines_[*i].text)) ++*i;  // comments
    std::vector<absl::string_view> paragraphs;
    for (; *i < lines_.size() && !IsTimelineHeading(lines_[*i].text); ++*i) {
      if (!lines_[*i].text.empty()) paragraphs.push_back(lines_[*i].text);
    }
    if (*i < lines_.size()) ++*i;  // the "Today" heading
    article.body = absl::StrJoin(paragraphs, "\n\n");
    page_.documents.push_back(std::move(article));
    return true;
  }

  // One timeline entry: title, "• 5:57 PM", reading time, summary lines,
  // "Read the article". A malformed entry is reported and skipped.
  void ParseEntry(size_t* i) {
    SkipBlank(i);
    if (*i >= lines_.size()) return;
    const Line& title = lines_[(*i)++];
    std::optional<absl::CivilMinute> clock;
    if (*i < lines_.size()) clock = ParseClockLine(lines_[*i].text);
    if (!clock) {
      page_.problems.push_back(
          {"", title.number,
           absl::StrCat(
               "timeline entry '", title.text,
               "' has no time line such as '\u2022 5:57 PM'; skipped")});
      while (*i < lines_.size() && !IsReadMore(lines_[*i].text)) ++*i;
      if (*i < lines_.size()) ++*i;
      return;
    }
    ++*i;
    NewsDocument entry;
    entry.kind = Kind::kTimeline;
    entry.title = std::string(title.text);
    entry.source = source_;
    if (*i < lines_.size()) {
      if (auto minutes = ParseReadingTime(lines_[*i].text)) {
        entry.reading_minutes = *minutes;
        ++*i;
      }
    }
    std::vector<absl::string_view> summary;
    for (; *i < lines_.size() && !IsReadMore(lines_[*i].text); ++*i) {
      if (!lines_[*i].text.empty()) summary.push_back(lines_[*i].text);
    }
    if (*i < lines_.size()) ++*i;  // "Read the article"
    Summary cleaned = CleanSummary(absl::StrJoin(summary, " "));
    entry.summary = std::move(cleaned.text);
    entry.url = std::move(cleaned.url);
    const absl::CivilDay day = cleaned.link_day.value_or(page_day_);
    entry.published = Local(absl::CivilMinute(
        day.year(), day.month(), day.day(), clock->hour(), clock->minute()));
    page_.documents.push_back(std::move(entry));
  }

  const std::vector<Line> lines_;
  const PageTextOptions& options_;
  std::string source_;
  absl::CivilDay page_day_;
  ParsedPage page_;
};

}  // namespace

ParsedPage ParsePageText(absl::string_view text,
                         const PageTextOptions& options) {
  const size_t bad = FirstInvalidUtf8(text);
  if (bad == absl::string_view::npos) return PageParser(text, options).Parse();
  // A saved page is prose: one bad byte (a Latin-1 quote, a NUL from a
  // scraper) should not lose the article, so it is repaired and said.
  const int line = 1 + static_cast<int>(std::count(text.begin(),
                                                   text.begin() + bad, '\n'));
  size_t replaced = 0;
  const std::string repaired = RepairUtf8(text, &replaced);
  ParsedPage page = PageParser(repaired, options).Parse();
  page.warnings.push_back(
      {"", line,
       absl::StrCat("replaced ", replaced,
                    " invalid UTF-8 sequence(s) or NUL byte(s) with U+FFFD, "
                    "the first at byte ", bad),
       /*warning=*/true});
  return page;
}

}  // namespace newsearch
