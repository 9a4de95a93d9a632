// libxml2 helpers shared by the feed parser and the article extractor:
// owners for libxml2 objects, one-time parser initialisation, and reducing
// parsed markup to plain text.
//
//   markup::InitLibxml();
//   std::string text = markup::HtmlToText("<p>Ferries <b>resume</b></p>");
//
// Header-only (inline) so that the library's build lists need no change and
// the program has exactly one InitLibxml guard. Thread-safe; no state.
#ifndef NEWSEARCH_INDEXER_HTML_TEXT_H_
#define NEWSEARCH_INDEXER_HTML_TEXT_H_

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include <algorithm>
#include <climits>
#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace newsearch {
namespace markup {

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct XmlCharFree {
  void operator()(xmlChar* s) const { xmlFree(s); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocFree>;
using XmlCharPtr = std::unique_ptr<xmlChar, XmlCharFree>;

// libxml2 2.9 must be initialised before parsers run on several threads.
// The function-local static makes it once per program (inline: one static).
inline void InitLibxml() {
  static const bool initialized = [] {
    xmlInitParser();
    return true;
  }();
  (void)initialized;
}

inline const char* Str(const xmlChar* s) {
  return reinterpret_cast<const char*>(s);
}

inline std::string Attr(const xmlNode* n, const char* name) {
  XmlCharPtr value(xmlGetProp(n, BAD_CAST name));
  return value == nullptr ? "" : Str(value.get());
}

// `href` made absolute against `base`; unchanged when either is unusable.
inline std::string ResolveUrl(absl::string_view href, const xmlChar* base) {
  std::string h(absl::StripAsciiWhitespace(href));
  if (h.empty() || base == nullptr || *base == '\0') return h;
  XmlCharPtr url(xmlBuildURI(BAD_CAST h.c_str(), base));
  return url == nullptr ? h : Str(url.get());
}

template <size_t N>
bool OneOf(absl::string_view s, const absl::string_view (&set)[N]) {
  return std::find(std::begin(set), std::end(set), s) != std::end(set);
}

// Runs of whitespace (no-break spaces too) become one space; trimmed.
inline std::string CollapseWhitespace(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool nbsp =
        text[i] == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0';
    if (nbsp || absl::ascii_isspace(static_cast<unsigned char>(text[i]))) {
      space = true;
      if (nbsp) ++i;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(text[i]);
  }
  return out;
}

inline bool IsInlineTag(absl::string_view tag) {
  static constexpr absl::string_view kInline[] = {
      "a",    "abbr",   "b",   "bdi", "cite", "code", "em", "font",
      "i",    "ins",    "del", "kbd", "mark", "q",    "s",  "small",
      "span", "strong", "sub", "sup", "time", "u",    "var"};
  return OneOf(tag, kInline);
}

// Appends the text under `node`, leaving out elements for which
// `skip(element)` is true. Block elements are set apart by spaces so that
// "<p>a</p><p>b</p>" does not read "ab". Entity references are not expanded:
// that would undo parsing without entity substitution.
template <typename Skip>
void AppendText(const xmlNode* node, const Skip& skip, std::string* out) {
  for (const xmlNode* n = node->children; n != nullptr; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content != nullptr) out->append(Str(n->content));
    } else if (n->type == XML_ELEMENT_NODE && !skip(n)) {
      const bool block = !IsInlineTag(absl::AsciiStrToLower(Str(n->name)));
      if (block) out->push_back(' ');
      AppendText(n, skip, out);
      if (block) out->push_back(' ');
    }
  }
}

inline bool IsScriptOrStyle(const xmlNode* n) {
  return xmlStrcasecmp(n->name, BAD_CAST "script") == 0 ||
         xmlStrcasecmp(n->name, BAD_CAST "style") == 0;
}

// An HTML fragment (a feed's description, content_html) to plain text with
// libxml2's tolerant HTML parser; scripts and styles are dropped.
inline std::string HtmlToText(absl::string_view html) {
  if (html.find_first_of("<&") == absl::string_view::npos) {
    return CollapseWhitespace(html);  // nothing to parse
  }
  if (html.size() > INT_MAX) return "";
  XmlDocPtr doc(htmlReadMemory(html.data(), static_cast<int>(html.size()),
                               nullptr, "UTF-8",
                               HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                   HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER));
  if (doc == nullptr) return CollapseWhitespace(html);
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr) return "";
  std::string text;
  AppendText(root, IsScriptOrStyle, &text);
  return CollapseWhitespace(text);
}

}  // namespace markup
}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_HTML_TEXT_H_
