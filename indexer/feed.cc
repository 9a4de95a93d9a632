#include "indexer/feed.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "indexer/html_text.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

constexpr char kAtomNs[] = "http://www.w3.org/2005/Atom";
constexpr char kRdfNs[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
constexpr char kRss1Ns[] = "http://purl.org/rss/1.0/";
constexpr char kRss09Ns[] = "http://my.netscape.com/rdf/simple/0.9/";
constexpr char kDcNs[] = "http://purl.org/dc/elements/1.1/";
constexpr char kDcTermsNs[] = "http://purl.org/dc/terms/";
constexpr char kContentNs[] = "http://purl.org/rss/1.0/modules/content/";
constexpr char kMediaNs[] = "http://search.yahoo.com/mrss/";

struct XmlCtxtFree {
  void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};
using XmlCtxtPtr = std::unique_ptr<xmlParserCtxt, XmlCtxtFree>;
using markup::Attr;
using markup::CollapseWhitespace;
using markup::HtmlToText;
using markup::Str;
using markup::XmlCharPtr;
using markup::XmlDocPtr;

bool Is(const xmlNode* n, const char* ns, const char* name) {
  if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST name)) {
    return false;
  }
  if (ns == nullptr) return n->ns == nullptr;
  return n->ns != nullptr && xmlStrEqual(n->ns->href, BAD_CAST ns);
}

// The raw text of an element (its markup, if any, kept as text).
std::string RawText(const xmlNode* n) {
  std::string text;
  markup::AppendText(n, markup::IsScriptOrStyle, &text);
  return std::string(absl::StripAsciiWhitespace(text));
}

std::string PlainText(const xmlNode* n) {
  return CollapseWhitespace(RawText(n));
}

// `href` made absolute against the element's base: xml:base if the feed
// sets one, else the feed's URL (stored as the document URL).
std::string Resolve(const xmlNode* n, absl::string_view href) {
  XmlCharPtr base(xmlNodeGetBase(n->doc, n));
  return markup::ResolveUrl(href, base.get());
}

// Lists are collected whole, then EraseEmptyAndDuplicates: a linear search
// per item made a feed of 200,000 categories take 27 s.
void Add(std::string value, std::vector<std::string>* list) {
  if (!value.empty()) list->push_back(std::move(value));
}

// RFC 822 zone names (RFC 2822 section 4.3) plus the UTC spellings.
std::optional<std::string> ZoneOffset(absl::string_view zone) {
  static constexpr std::pair<absl::string_view, absl::string_view> kZones[] = {
      {"UT", "+0000"},  {"UTC", "+0000"}, {"GMT", "+0000"}, {"Z", "+0000"},
      {"EST", "-0500"}, {"EDT", "-0400"}, {"CST", "-0600"}, {"CDT", "-0500"},
      {"MST", "-0700"}, {"MDT", "-0600"}, {"PST", "-0800"}, {"PDT", "-0700"}};
  for (const auto& [name, offset] : kZones) {
    if (absl::EqualsIgnoreCase(zone, name)) return std::string(offset);
  }
  if ((zone[0] == '+' || zone[0] == '-') &&
      (zone.size() == 5 || (zone.size() == 6 && zone[3] == ':'))) {
    return std::string(zone);
  }
  return std::nullopt;
}

// "Sat, 21 Dec 2025 00:01:00 +0100", "21 Dec 2025 00:01 GMT", "... EST".
std::optional<Timestamp> ParseRfc822(absl::string_view text) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  // The weekday is redundant, and a wrong one must not void the date.
  if (const size_t comma = s.find(','); comma != absl::string_view::npos) {
    s = absl::StripLeadingAsciiWhitespace(s.substr(comma + 1));
  }
  std::vector<absl::string_view> parts =
      absl::StrSplit(s, ' ', absl::SkipEmpty());
  if (parts.size() != 5) return std::nullopt;
  const std::optional<std::string> offset = ZoneOffset(parts[4]);
  if (!offset.has_value()) return std::nullopt;
  const std::string civil = absl::StrCat(parts[0], " ", parts[1], " ", parts[2],
                                         " ", parts[3], " ", *offset);
  absl::Time t;
  std::string err;
  if (absl::ParseTime("%d %b %Y %H:%M:%S %Ez", civil, &t, &err)) {
    return Timestamp{t, TimePrecision::kSecond};
  }
  if (absl::ParseTime("%d %b %Y %H:%M %Ez", civil, &t, &err)) {
    return Timestamp{t, TimePrecision::kMinute};
  }
  return std::nullopt;
}

// Feeds use RFC 822 in RSS and RFC 3339 elsewhere, and mix them up.
std::optional<Timestamp> ParseFeedDate(absl::string_view text) {
  absl::StatusOr<Timestamp> iso = ParseTimestamp(text);
  if (iso.ok()) return *iso;
  return ParseRfc822(text);
}

void SetDate(const xmlNode* n, std::optional<Timestamp>* out) {
  if (!out->has_value()) *out = ParseFeedDate(PlainText(n));
}

// "jane@example.com (Jane Doe)" -> "Jane Doe".
std::string RssAuthor(const std::string& text) {
  const size_t open = text.find('(');
  const size_t close = text.rfind(')');
  if (text.find('@') != std::string::npos && open != std::string::npos &&
      close != std::string::npos && close > open) {
    return CollapseWhitespace(text.substr(open + 1, close - open - 1));
  }
  return text;
}

// media:title / media:description, directly or inside media:group/content.
void ReadMedia(const xmlNode* n, std::string* title, std::string* summary) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (Is(c, kMediaNs, "group") || Is(c, kMediaNs, "content")) {
      ReadMedia(c, title, summary);
    } else if (Is(c, kMediaNs, "title") && title->empty()) {
      *title = HtmlToText(RawText(c));
    } else if (Is(c, kMediaNs, "description") && summary->empty()) {
      *summary = HtmlToText(RawText(c));
    }
  }
}

FeedItem ParseRssItem(const xmlNode* item, const char* core) {
  FeedItem out;
  std::string description, encoded, guid_link;
  for (const xmlNode* c = item->children; c != nullptr; c = c->next) {
    if (Is(c, core, "title")) {
      out.title = HtmlToText(RawText(c));
    } else if (Is(c, core, "link")) {
      out.url = Resolve(c, RawText(c));
    } else if (Is(c, core, "guid")) {
      out.id = PlainText(c);
      if (Attr(c, "isPermaLink") != "false" &&
          absl::StartsWithIgnoreCase(out.id, "http")) {
        guid_link = out.id;
      }
    } else if (Is(c, core, "description")) {
      description = RawText(c);
    } else if (Is(c, kContentNs, "encoded")) {
      encoded = RawText(c);
    } else if (Is(c, core, "pubDate") || Is(c, kDcNs, "date") ||
               Is(c, kDcTermsNs, "issued")) {
      SetDate(c, &out.published);
    } else if (Is(c, kDcTermsNs, "modified") || Is(c, kAtomNs, "updated")) {
      SetDate(c, &out.updated);
    } else if (Is(c, core, "author") || Is(c, kDcNs, "creator")) {
      Add(RssAuthor(PlainText(c)), &out.authors);
    } else if (Is(c, core, "category") || Is(c, kDcNs, "subject")) {
      Add(PlainText(c), &out.categories);
    }
  }
  // RSS 1.0 names each item by its rdf:about, usually the article's URL.
  XmlCharPtr rdf_about(xmlGetNsProp(item, BAD_CAST "about", BAD_CAST kRdfNs));
  const std::string about = rdf_about == nullptr ? "" : Str(rdf_about.get());
  if (out.id.empty()) out.id = about;
  if (out.url.empty())
    out.url = guid_link.empty() ? Resolve(item, about) : guid_link;
  out.summary = HtmlToText(description.empty() ? encoded : description);
  std::string media_title, media_summary;
  ReadMedia(item, &media_title, &media_summary);
  if (out.title.empty()) out.title = media_title;
  if (out.summary.empty()) out.summary = media_summary;
  EraseEmptyAndDuplicates(&out.authors);
  EraseEmptyAndDuplicates(&out.categories);
  return out;
}

// RSS 2.0/0.9x (<rss><channel><item>) and RDF (items beside the channel).
Feed ParseRss(const xmlNode* root, const char* core) {
  Feed feed;
  feed.format = Feed::Format::kRss;
  const xmlNode* channel = nullptr;
  for (const xmlNode* c = root->children; c != nullptr; c = c->next) {
    if (Is(c, core, "channel")) channel = c;
  }
  auto read_items = [&](const xmlNode* parent) {
    for (const xmlNode* c = parent->children; c != nullptr; c = c->next) {
      if (Is(c, core, "item")) feed.items.push_back(ParseRssItem(c, core));
    }
  };
  if (channel != nullptr) {
    for (const xmlNode* c = channel->children; c != nullptr; c = c->next) {
      if (Is(c, core, "title")) {
        feed.title = HtmlToText(RawText(c));
      } else if (Is(c, core, "link")) {
        feed.site_url = Resolve(c, RawText(c));
      } else if (Is(c, core, "language") || Is(c, kDcNs, "language")) {
        if (feed.language.empty())
          feed.language = PrimaryLanguage(PlainText(c));
      }
    }
    read_items(channel);
  }
  read_items(root);
  return feed;
}

// An Atom text construct: type="text" (default), "html" or "xhtml".
std::string AtomText(const xmlNode* n) {
  const std::string type = Attr(n, "type");
  if (type == "html" || type == "text/html") return HtmlToText(RawText(n));
  return PlainText(n);  // text, or xhtml markup reduced to its text
}

// The entry's (or feed's) page: rel="alternate", or a link without rel.
std::string AtomLink(const xmlNode* parent) {
  for (const xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (!Is(c, kAtomNs, "link")) continue;
    const std::string rel = Attr(c, "rel");
    if (rel.empty() || rel == "alternate") return Resolve(c, Attr(c, "href"));
  }
  return "";
}

void AtomAuthors(const xmlNode* parent, std::vector<std::string>* out) {
  for (const xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (!Is(c, kAtomNs, "author")) continue;
    for (const xmlNode* a = c->children; a != nullptr; a = a->next) {
      if (Is(a, kAtomNs, "name")) Add(PlainText(a), out);
    }
  }
  EraseEmptyAndDuplicates(out);
}

FeedItem ParseAtomEntry(const xmlNode* entry,
                        const std::vector<std::string>& feed_authors) {
  FeedItem out;
  std::string summary, content;
  for (const xmlNode* c = entry->children; c != nullptr; c = c->next) {
    if (Is(c, kAtomNs, "id")) {
      out.id = PlainText(c);
    } else if (Is(c, kAtomNs, "title")) {
      out.title = AtomText(c);
    } else if (Is(c, kAtomNs, "summary")) {
      summary = AtomText(c);
    } else if (Is(c, kAtomNs, "content") && Attr(c, "src").empty()) {
      content = AtomText(c);
    } else if (Is(c, kAtomNs, "published")) {
      SetDate(c, &out.published);
    } else if (Is(c, kAtomNs, "updated")) {
      SetDate(c, &out.updated);
    } else if (Is(c, kAtomNs, "category")) {
      const std::string label = Attr(c, "label");
      Add(CollapseWhitespace(label.empty() ? Attr(c, "term") : label),
          &out.categories);
    }
  }
  out.url = AtomLink(entry);
  out.summary = summary.empty() ? content : summary;
  EraseEmptyAndDuplicates(&out.categories);
  AtomAuthors(entry, &out.authors);
  // RFC 4287 4.2.1: an entry without authors has the feed's.
  if (out.authors.empty()) out.authors = feed_authors;
  return out;
}

Feed ParseAtom(const xmlNode* root) {
  Feed feed;
  feed.format = Feed::Format::kAtom;
  XmlCharPtr lang(xmlNodeGetLang(root));
  if (lang != nullptr) feed.language = PrimaryLanguage(Str(lang.get()));
  feed.site_url = AtomLink(root);
  std::vector<std::string> feed_authors;
  AtomAuthors(root, &feed_authors);
  for (const xmlNode* c = root->children; c != nullptr; c = c->next) {
    if (Is(c, kAtomNs, "title")) feed.title = AtomText(c);
    if (Is(c, kAtomNs, "entry")) {
      feed.items.push_back(ParseAtomEntry(c, feed_authors));
    }
  }
  return feed;
}

// Records libxml2's first error: later ones are usually its consequences.
void KeepFirstError(void* data, xmlError* error) {
  auto* ctxt = static_cast<xmlParserCtxt*>(data);
  auto* message = static_cast<std::string*>(ctxt->_private);
  if (message == nullptr || !message->empty() || error == nullptr) return;
  *message = absl::StrCat(
      "line ", error->line, ": ",
      absl::StripTrailingAsciiWhitespace(
          error->message != nullptr ? error->message : "malformed XML"));
}

absl::StatusOr<Feed> ParseXmlFeed(absl::string_view body,
                                  absl::string_view feed_url) {
  if (body.size() > INT_MAX) return absl::InvalidArgumentError("feed too big");
  XmlCtxtPtr ctxt(
      xmlCreateMemoryParserCtxt(body.data(), static_cast<int>(body.size())));
  if (ctxt == nullptr) return absl::ResourceExhaustedError("libxml2 context");
  // No XML_PARSE_NOENT / DTDLOAD: entities stay unexpanded, nothing is read
  // from outside the body.
  xmlCtxtUseOptions(ctxt.get(),
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  std::string first_error;
  ctxt->_private = &first_error;
  ctxt->sax->serror = KeepFirstError;
  xmlParseDocument(ctxt.get());
  XmlDocPtr doc(ctxt->myDoc);
  ctxt->myDoc = nullptr;
  if (!ctxt->wellFormed || doc == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a feed: malformed XML: ",
                     first_error.empty() ? "no document" : first_error));
  }
  const std::string url(feed_url);
  if (!url.empty()) {
    xmlFree(const_cast<xmlChar*>(doc->URL));
    doc->URL = xmlStrdup(BAD_CAST url.c_str());
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr) return absl::InvalidArgumentError("not a feed: empty");
  if (Is(root, nullptr, "rss")) return ParseRss(root, nullptr);
  if (Is(root, kRdfNs, "RDF")) {
    for (const xmlNode* c = root->children; c != nullptr; c = c->next) {
      if (Is(c, kRss09Ns, "channel")) return ParseRss(root, kRss09Ns);
    }
    return ParseRss(root, kRss1Ns);
  }
  if (Is(root, kAtomNs, "feed")) return ParseAtom(root);
  return absl::InvalidArgumentError(
      absl::StrCat("not a feed: root element <", Str(root->name), "> (line ",
                   xmlGetLineNo(root), ") is not rss, rdf:RDF or Atom feed"));
}

std::string JsonString(const rapidjson::Value& obj, const char* name) {
  if (!obj.IsObject()) return "";
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return "";
  if (it->value.IsString()) {
    return std::string(it->value.GetString(), it->value.GetStringLength());
  }
  if (it->value.IsInt64()) return absl::StrCat(it->value.GetInt64());
  return "";
}

// JSON Feed 1.1 "authors": [{name}], 1.0 "author": {name}.
std::vector<std::string> JsonAuthors(const rapidjson::Value& obj) {
  std::vector<std::string> out;
  auto it = obj.FindMember("authors");
  if (it != obj.MemberEnd() && it->value.IsArray()) {
    for (const auto& a : it->value.GetArray()) {
      Add(CollapseWhitespace(JsonString(a, "name")), &out);
    }
  }
  EraseEmptyAndDuplicates(&out);
  it = obj.FindMember("author");
  if (out.empty() && it != obj.MemberEnd()) {
    Add(CollapseWhitespace(JsonString(it->value, "name")), &out);
  }
  return out;
}

std::string ResolveUrl(absl::string_view href, absl::string_view base) {
  return markup::ResolveUrl(href, BAD_CAST std::string(base).c_str());
}

FeedItem ParseJsonItem(const rapidjson::Value& item, absl::string_view base,
                       const std::vector<std::string>& feed_authors) {
  FeedItem out;
  out.id = JsonString(item, "id");
  out.url = ResolveUrl(JsonString(item, "url"), base);
  if (out.url.empty()) {
    out.url = ResolveUrl(JsonString(item, "external_url"), base);
  }
  out.title = CollapseWhitespace(JsonString(item, "title"));
  out.summary = CollapseWhitespace(JsonString(item, "summary"));
  if (out.summary.empty()) {
    out.summary = CollapseWhitespace(JsonString(item, "content_text"));
  }
  if (out.summary.empty()) {
    out.summary = HtmlToText(JsonString(item, "content_html"));
  }
  out.published = ParseFeedDate(JsonString(item, "date_published"));
  out.updated = ParseFeedDate(JsonString(item, "date_modified"));
  out.authors = JsonAuthors(item);
  if (out.authors.empty()) out.authors = feed_authors;
  auto tags = item.FindMember("tags");
  if (tags != item.MemberEnd() && tags->value.IsArray()) {
    for (const auto& tag : tags->value.GetArray()) {
      if (tag.IsString())
        Add(CollapseWhitespace(tag.GetString()), &out.categories);
    }
  }
  EraseEmptyAndDuplicates(&out.categories);
  return out;
}

absl::StatusOr<Feed> ParseJsonFeed(absl::string_view body,
                                   absl::string_view feed_url) {
  rapidjson::Document json;
  // Iterative: deep nesting in a hostile body cannot overflow the stack.
  json.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (json.HasParseError()) {
    const size_t offset = std::min(json.GetErrorOffset(), body.size());
    const size_t line =
        1 + std::count(body.begin(), body.begin() + offset, '\n');
    return absl::InvalidArgumentError(
        absl::StrCat("not a feed: bad JSON: line ", line, ": ",
                     rapidjson::GetParseError_En(json.GetParseError())));
  }
  if (!json.IsObject() || !absl::StartsWith(JsonString(json, "version"),
                                            "https://jsonfeed.org/version/1")) {
    return absl::InvalidArgumentError(
        "not a feed: JSON without a JSON Feed version "
        "(https://jsonfeed.org/version/1.1)");
  }
  Feed feed;
  feed.format = Feed::Format::kJsonFeed;
  feed.title = CollapseWhitespace(JsonString(json, "title"));
  feed.site_url = ResolveUrl(JsonString(json, "home_page_url"), feed_url);
  feed.language = PrimaryLanguage(JsonString(json, "language"));
  const std::vector<std::string> authors = JsonAuthors(json);
  auto items = json.FindMember("items");
  if (items != json.MemberEnd() && items->value.IsArray()) {
    for (const auto& item : items->value.GetArray()) {
      if (item.IsObject()) {
        feed.items.push_back(ParseJsonItem(item, feed_url, authors));
      }
    }
  }
  return feed;
}

}  // namespace

absl::StatusOr<Feed> ParseFeed(absl::string_view body,
                               absl::string_view content_type,
                               absl::string_view feed_url) {
  markup::InitLibxml();
  absl::string_view start = body;
  absl::ConsumePrefix(&start, "\xEF\xBB\xBF");  // a UTF-8 byte order mark
  start = absl::StripLeadingAsciiWhitespace(start);
  if (start.empty()) return absl::InvalidArgumentError("not a feed: empty");
  if (absl::StartsWithIgnoreCase(start, "<!doctype html") ||
      absl::StartsWithIgnoreCase(start, "<html")) {
    return absl::InvalidArgumentError(
        "not a feed: the body is an HTML page (line 1)");
  }
  // The content decides; the type only picks the parser for the error
  // message when the body starts with neither '<' nor '{'.
  const bool json =
      start[0] == '{' ||
      (start[0] != '<' && absl::StrContains(content_type, "json"));
  if (json) return ParseJsonFeed(start, feed_url);
  return ParseXmlFeed(start, feed_url);
}

}  // namespace newsearch
