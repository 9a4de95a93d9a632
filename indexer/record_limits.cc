#include "indexer/record_limits.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

void CutText(const char* field, size_t limit, std::string* text,
             std::vector<std::string>* warnings) {
  if (text->size() <= limit) return;
  const size_t keep = Utf8PrefixLength(*text, limit);
  warnings->push_back(absl::StrCat("field '", field, "' is ", text->size(),
                                   " bytes; indexed its first ", keep,
                                   " (limit ", limit, ")"));
  text->resize(keep);
}

void CutList(const char* field, std::vector<std::string>* items,
             std::vector<std::string>* warnings) {
  if (items->size() > kMaxListItems) {
    warnings->push_back(absl::StrCat("field '", field, "' has ", items->size(),
                                     " items; kept the first ", kMaxListItems));
    items->resize(kMaxListItems);
  }
  for (std::string& item : *items)
    CutText(field, kMaxListItemBytes, &item, warnings);
}

}  // namespace

void ApplyRecordLimits(NewsDocument* doc, std::vector<std::string>* warnings) {
  CutText("title", kMaxTitleBytes, &doc->title, warnings);
  CutText("summary", kMaxSummaryBytes, &doc->summary, warnings);
  CutText("body", kMaxBodyBytes, &doc->body, warnings);
  CutList("topics", &doc->topics, warnings);
  CutList("authors", &doc->authors, warnings);
  CutList("places", &doc->places, warnings);
}

LineRead ReadBoundedLine(std::istream& in, size_t max_bytes,
                         std::string* line) {
  line->clear();
  bool any = false;
  char block[16384];
  // In blocks, keeping at most max_bytes + 1 bytes: a 50 MB line costs
  // 16 MiB of memory once, not the whole line (std::getline would hold it).
  while (in) {
    in.get(block, sizeof block, '\n');
    const size_t n = static_cast<size_t>(in.gcount());
    if (n > 0) {
      any = true;
      const size_t room = max_bytes + 1 - std::min(line->size(), max_bytes + 1);
      line->append(block, std::min(n, room));
    }
    // get() fails when the line's next byte is '\n' (nothing to extract).
    if (in.fail() && !in.eof() && !in.bad()) in.clear();
    const int c = in.peek();
    if (c == '\n') {
      in.get();
      any = true;
      break;
    }
    if (c == std::char_traits<char>::eof()) break;
  }
  if (!any) return LineRead::kEnd;
  return line->size() > max_bytes ? LineRead::kTooLong : LineRead::kLine;
}

std::string LineTooLongError() {
  return absl::StrCat("line is longer than ", kMaxLineBytes,
                      " bytes (the limit); skipped");
}

bool ReadBoundedText(std::istream& in, size_t max_bytes, std::string* text) {
  text->clear();
  char block[65536];
  while (text->size() <= max_bytes &&
         in.read(block, sizeof block).gcount() > 0) {
    text->append(block, static_cast<size_t>(in.gcount()));
  }
  return text->size() <= max_bytes;
}

}  // namespace newsearch
