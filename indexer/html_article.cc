#include "indexer/html_article.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <climits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "indexer/html_text.h"
#include "newsearch/dates.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

struct XmlUriFree {
  void operator()(xmlURI* uri) const { xmlFreeURI(uri); }
};
using XmlUriPtr = std::unique_ptr<xmlURI, XmlUriFree>;
using markup::Attr;
using markup::CollapseWhitespace;
using markup::OneOf;
using markup::Str;
using markup::XmlCharPtr;
using markup::XmlDocPtr;

std::string Tag(const xmlNode* n) {
  return absl::AsciiStrToLower(Str(n->name));
}

// True if a class/id token names an ad, sponsor, promo, related, newsletter,
// share or comment block ("ad-slot", "article__related", "share_tools").
bool IsBoilerplateToken(absl::string_view token) {
  static constexpr absl::string_view kTokens[] = {
      "ad",          "ads",         "advert",   "adverts",   "advertisement",
      "advertising", "adsbygoogle", "sponsor",  "sponsored", "sponsors",
      "promo",       "promos",      "promoted", "related",   "newsletter",
      "newsletters", "share",       "shares",   "sharing",   "sharebar",
      "social",      "comment",     "comments", "outbrain",  "taboola"};
  return OneOf(token, kTokens);
}

// Subtrees that are never article text: by tag, or by class/id tokens
// (except on the page's outer structure, where they describe the layout).
bool IsBoilerplate(const xmlNode* n) {
  static constexpr absl::string_view kTags[] = {
      "script", "style",    "noscript", "nav",        "header", "footer",
      "aside",  "form",     "figure",   "figcaption", "iframe", "button",
      "svg",    "template", "select",   "textarea",   "object", "video"};
  const std::string tag = Tag(n);
  if (OneOf(tag, kTags)) return true;
  if (tag == "html" || tag == "body" || tag == "main") return false;
  for (const char* attr : {"class", "id"}) {
    const std::string value = absl::AsciiStrToLower(Attr(n, attr));
    for (absl::string_view token :
         absl::StrSplit(value, absl::ByAnyChar(" \t\n-_"), absl::SkipEmpty())) {
      if (IsBoilerplateToken(token)) return true;
    }
  }
  return false;
}

// The text under `n` without boilerplate subtrees, whitespace collapsed.
std::string Text(const xmlNode* n) {
  std::string text;
  markup::AppendText(n, IsBoilerplate, &text);
  return CollapseWhitespace(text);
}

// Everything read from the page outside the article text.
struct PageInfo {
  std::string lang, title, h1, canonical;
  std::map<std::string, std::vector<std::string>> meta;  // name -> contents
  std::vector<std::string> json_ld;
  const xmlNode* first_time = nullptr;  // first <time datetime>
};

void ScanElement(const xmlNode* n, PageInfo* info) {
  const std::string tag = Tag(n);
  if (tag == "html" && info->lang.empty()) {
    info->lang = Attr(n, "lang");
  } else if (tag == "title" && info->title.empty()) {
    info->title = Text(n);
  } else if (tag == "h1" && info->h1.empty()) {
    info->h1 = Text(n);
  } else if (tag == "meta") {
    std::string key = Attr(n, "property");
    if (key.empty()) key = Attr(n, "name");
    if (key.empty()) key = Attr(n, "http-equiv");
    const std::string content = CollapseWhitespace(Attr(n, "content"));
    if (!key.empty() && !content.empty()) {
      info->meta[absl::AsciiStrToLower(key)].push_back(content);
    }
  } else if (tag == "link" && info->canonical.empty()) {
    const std::string rel = absl::AsciiStrToLower(Attr(n, "rel"));
    if (absl::StrContains(rel, "canonical")) info->canonical = Attr(n, "href");
  } else if (tag == "script") {
    if (absl::StrContains(absl::AsciiStrToLower(Attr(n, "type")), "ld+json")) {
      XmlCharPtr raw(xmlNodeGetContent(n));
      if (raw != nullptr) info->json_ld.emplace_back(Str(raw.get()));
    }
  } else if (tag == "time" && info->first_time == nullptr &&
             !Attr(n, "datetime").empty()) {
    info->first_time = n;
  }
}

void ScanPage(const xmlNode* n, PageInfo* info) {
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    ScanElement(c, info);
    ScanPage(c, info);
  }
}

std::string Meta(const PageInfo& info, const std::string& key) {
  auto it = info.meta.find(key);
  return it == info.meta.end() ? "" : it->second.front();
}

// The JSON-LD fields of the first NewsArticle-like object on the page.
struct LdArticle {
  std::string headline, description, section, publisher;
  std::string published, modified;
  std::vector<std::string> authors, keywords;
};

std::string LdString(const rapidjson::Value& v) {
  if (v.IsString()) return CollapseWhitespace(v.GetString());
  if (v.IsArray() && !v.Empty()) return LdString(v[0]);
  return "";
}

std::string LdMember(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? "" : LdString(it->value);
}

// Lists are collected whole, then EraseEmptyAndDuplicates: a linear search
// per item made a page of 200,000 keywords take a minute.
void Add(std::string value, std::vector<std::string>* out) {
  if (!value.empty()) out->push_back(std::move(value));
}

// A person or organisation: "Name", {"name": ...}, or an array of either.
// Arrays in arrays are read 4 levels deep: the JSON parse is iterative, and
// this recursion must stay bounded too (3,000,000 levels, a 6 MB page,
// overflowed the stack).
void LdNames(const rapidjson::Value& v, std::vector<std::string>* out,
             int depth = 0) {
  if (v.IsArray()) {
    if (depth >= 4) return;
    for (const auto& e : v.GetArray()) LdNames(e, out, depth + 1);
    return;
  }
  Add(v.IsObject() ? LdMember(v, "name") : LdString(v), out);
}

bool IsArticleType(const rapidjson::Value& obj) {
  static constexpr absl::string_view kTypes[] = {
      "NewsArticle",           "Article",
      "ReportageNewsArticle",  "BlogPosting",
      "AnalysisNewsArticle",   "OpinionNewsArticle",
      "BackgroundNewsArticle", "ReviewNewsArticle"};
  auto it = obj.FindMember("@type");
  if (it == obj.MemberEnd()) return false;
  if (it->value.IsString()) return OneOf(it->value.GetString(), kTypes);
  if (!it->value.IsArray()) return false;
  for (const auto& t : it->value.GetArray()) {
    if (t.IsString() && OneOf(t.GetString(), kTypes)) return true;
  }
  return false;
}

// Searches a top-level object, an array, and "@graph" lists.
const rapidjson::Value* FindLdArticle(const rapidjson::Value& v, int depth) {
  if (depth > 8) return nullptr;
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) {
      if (const auto* found = FindLdArticle(e, depth + 1)) return found;
    }
    return nullptr;
  }
  if (!v.IsObject()) return nullptr;
  if (IsArticleType(v)) return &v;
  auto graph = v.FindMember("@graph");
  if (graph == v.MemberEnd()) return nullptr;
  return FindLdArticle(graph->value, depth + 1);
}

void ReadLdArticle(const rapidjson::Value& a, LdArticle* out) {
  out->headline = LdMember(a, "headline");
  if (out->headline.empty()) out->headline = LdMember(a, "name");
  out->description = LdMember(a, "description");
  out->section = LdMember(a, "articleSection");
  out->published = LdMember(a, "datePublished");
  out->modified = LdMember(a, "dateModified");
  if (auto it = a.FindMember("author"); it != a.MemberEnd()) {
    LdNames(it->value, &out->authors);
  }
  std::vector<std::string> publishers;
  if (auto it = a.FindMember("publisher"); it != a.MemberEnd()) {
    LdNames(it->value, &publishers);
  }
  if (!publishers.empty()) out->publisher = publishers.front();
  auto kw = a.FindMember("keywords");
  if (kw == a.MemberEnd()) return;
  if (kw->value.IsString()) {  // "Storms, Harbours"
    for (absl::string_view k : absl::StrSplit(kw->value.GetString(), ',')) {
      Add(CollapseWhitespace(k), &out->keywords);
    }
  } else {
    LdNames(kw->value, &out->keywords);
  }
}

// The first block that holds an article wins; invalid JSON is skipped.
std::optional<LdArticle> ParseJsonLd(const std::vector<std::string>& blocks) {
  for (const std::string& block : blocks) {
    rapidjson::Document json;
    json.Parse<rapidjson::kParseIterativeFlag>(block.data(), block.size());
    if (json.HasParseError()) continue;
    if (const rapidjson::Value* article = FindLdArticle(json, 0)) {
      LdArticle out;
      ReadLdArticle(*article, &out);
      return out;
    }
  }
  return std::nullopt;
}

size_t ParagraphTextSize(const xmlNode* n) {
  size_t size = 0;
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || IsBoilerplate(c)) continue;
    size += Tag(c) == "p" ? Text(c).size() : ParagraphTextSize(c);
  }
  return size;
}

struct Candidates {
  const xmlNode* article = nullptr;
  size_t article_size = 0;
  const xmlNode* body_prop = nullptr;  // [itemprop=articleBody]
  const xmlNode* dense = nullptr;      // most text in direct <p> children
  size_t dense_size = 0;
};

void FindCandidates(const xmlNode* n, Candidates* c) {
  for (const xmlNode* e = n->children; e != nullptr; e = e->next) {
    if (e->type != XML_ELEMENT_NODE || IsBoilerplate(e)) continue;
    const std::string tag = Tag(e);
    if (tag == "article") {
      const size_t size = ParagraphTextSize(e);
      if (size > c->article_size) {
        c->article = e;
        c->article_size = size;
      }
    }
    if (c->body_prop == nullptr &&
        absl::StrContains(Attr(e, "itemprop"), "articleBody")) {
      c->body_prop = e;
    }
    size_t direct = 0;
    for (const xmlNode* p = e->children; p != nullptr; p = p->next) {
      if (p->type == XML_ELEMENT_NODE && Tag(p) == "p" && !IsBoilerplate(p)) {
        direct += Text(p).size();
      }
    }
    if (direct > c->dense_size) {
      c->dense = e;
      c->dense_size = direct;
    }
    FindCandidates(e, c);
  }
}

const xmlNode* MainContainer(const xmlNode* root) {
  Candidates c;
  FindCandidates(root, &c);
  if (c.article != nullptr) return c.article;
  if (c.body_prop != nullptr) return c.body_prop;
  return c.dense != nullptr ? c.dense : root;
}

// Short lines that sites put between paragraphs: ad labels, share and
// newsletter prompts.
bool IsBoilerplateLine(absl::string_view text) {
  if (text.size() > 100) return false;
  const std::string line = absl::AsciiStrToLower(
      absl::StripTrailingAsciiWhitespace(absl::StripSuffix(text, ":")));
  static constexpr absl::string_view kExact[] = {
      "advertisement", "advert", "ad", "sponsored", "sponsored content",
      "paid content", "promoted", "share", "read more", "related",
      // The same label in the languages of nearby outlets.
      "publicit\xC3\xA9", "anzeige", "publicidad", "pubblicit\xC3\xA0"};
  static constexpr absl::string_view kPrefixes[] = {
      "advertisement", "sponsored by", "paid for by",  "share this",
      "share on",      "sign up for",  "subscribe to", "follow us",
      "click here",    "read more:",   "related:",     "newsletter"};
  if (OneOf(line, kExact)) return true;
  for (absl::string_view prefix : kPrefixes) {
    if (absl::StartsWith(line, prefix)) return true;
  }
  return false;
}

void CollectParagraphs(const xmlNode* n, std::vector<std::string>* out) {
  static constexpr absl::string_view kParagraphs[] = {
      "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "dd", "dt"};
  for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || IsBoilerplate(c)) continue;
    if (!OneOf(Tag(c), kParagraphs)) {
      CollectParagraphs(c, out);
      continue;
    }
    std::string text = Text(c);
    if (!text.empty() && !IsBoilerplateLine(text) &&
        (out->empty() || out->back() != text)) {
      out->push_back(std::move(text));
    }
  }
}

size_t Utf8Length(absl::string_view s) {
  return std::count_if(s.begin(), s.end(),
                       [](char ch) { return (ch & 0xC0) != 0x80; });
}

std::string Host(absl::string_view url) {
  XmlUriPtr uri(xmlParseURI(std::string(url).c_str()));
  if (uri == nullptr || uri->server == nullptr) return "";
  const std::string host = absl::AsciiStrToLower(uri->server);
  return std::string(absl::StripPrefix(host, "www."));
}

std::string Resolve(absl::string_view href, absl::string_view base) {
  return markup::ResolveUrl(href, BAD_CAST std::string(base).c_str());
}

// "Storm closes harbour | Vell Gazette" -> "Storm closes harbour". A dash
// separates a site name only when the suffix is the site (a dash is common
// inside headlines).
std::string StripSiteSuffix(const std::string& title, const std::string& site,
                            const std::string& host) {
  auto squash = [](absl::string_view s) {
    std::string out;
    for (char ch : s) {
      if (absl::ascii_isalnum(static_cast<unsigned char>(ch))) {
        out.push_back(absl::ascii_tolower(static_cast<unsigned char>(ch)));
      }
    }
    return out;
  };
  const std::string host_name = squash(host.substr(0, host.find('.')));
  for (const std::string sep :
       {" | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 "}) {
    const size_t pos = title.rfind(sep);
    if (pos == std::string::npos || pos == 0) continue;
    const std::string suffix = squash(title.substr(pos + sep.size()));
    if (sep == " | " || suffix == squash(site) || suffix == host_name ||
        suffix == squash(host)) {
      return title.substr(0, pos);
    }
  }
  return title;
}

std::optional<Timestamp> ParseDate(absl::string_view text) {
  if (text.empty()) return std::nullopt;
  absl::StatusOr<Timestamp> t = ParseTimestamp(text);
  if (!t.ok()) return std::nullopt;
  return *t;
}

std::string FirstNonEmpty(std::initializer_list<std::string> values) {
  for (const std::string& v : values) {
    if (!v.empty()) return v;
  }
  return "";
}

// Binary data and JSON are not pages, whatever the Content-Type said.
bool LooksLikeHtml(absl::string_view body) {
  absl::ConsumePrefix(&body, "\xEF\xBB\xBF");
  body = absl::StripLeadingAsciiWhitespace(body);
  const absl::string_view head = body.substr(0, 4096);
  if (head.empty() || head.find('\0') != absl::string_view::npos) return false;
  if (head[0] == '{' || head[0] == '[') return false;
  const size_t lt = head.find('<');
  return lt != absl::string_view::npos && lt + 1 < head.size() &&
         (absl::ascii_isalpha(static_cast<unsigned char>(head[lt + 1])) ||
          head[lt + 1] == '!');
}

void FillMetadata(const PageInfo& info, const LdArticle& ld,
                  absl::string_view url, const ExtractOptions& options,
                  NewsDocument* doc) {
  const std::string host = Host(url);
  doc->source = FirstNonEmpty({Meta(info, "og:site_name"), ld.publisher, host});
  doc->url =
      FirstNonEmpty({Resolve(info.canonical, url),
                     Resolve(Meta(info, "og:url"), url), std::string(url)});
  doc->title = FirstNonEmpty({ld.headline, Meta(info, "og:title"), info.h1,
                              StripSiteSuffix(info.title, doc->source, host)});
  doc->summary = FirstNonEmpty({Meta(info, "description"),
                                Meta(info, "og:description"), ld.description});
  const std::string content_language(absl::StripAsciiWhitespace(
      options.content_language.substr(0, options.content_language.find(','))));
  doc->language = PrimaryLanguage(
      FirstNonEmpty({std::string(absl::StripAsciiWhitespace(info.lang)),
                     Meta(info, "og:locale"), content_language}));
  doc->published = ParseDate(ld.published);
  if (!doc->published)
    doc->published = ParseDate(Meta(info, "article:published_time"));
  doc->updated = ParseDate(ld.modified);
  if (!doc->updated)
    doc->updated = ParseDate(Meta(info, "article:modified_time"));
  doc->authors = ld.authors;
  if (doc->authors.empty() && !Meta(info, "author").empty()) {
    doc->authors.push_back(Meta(info, "author"));
  }
  doc->section = FirstNonEmpty({ld.section, Meta(info, "article:section")});
  doc->topics = ld.keywords;
  if (auto it = info.meta.find("article:tag"); it != info.meta.end()) {
    for (const std::string& tag : it->second) Add(tag, &doc->topics);
  }
  EraseEmptyAndDuplicates(&doc->authors);
  EraseEmptyAndDuplicates(&doc->topics);
}

// The first <time datetime> in the article, else anywhere on the page.
std::optional<Timestamp> TimeElement(const xmlNode* container,
                                     const PageInfo& info) {
  PageInfo in_article;
  ScanPage(container, &in_article);
  const xmlNode* time = in_article.first_time != nullptr ? in_article.first_time
                                                         : info.first_time;
  if (time == nullptr) return std::nullopt;
  return ParseDate(absl::StripAsciiWhitespace(Attr(time, "datetime")));
}

}  // namespace

absl::StatusOr<NewsDocument> ExtractArticle(absl::string_view html,
                                            absl::string_view url,
                                            const ExtractOptions& options) {
  markup::InitLibxml();
  if (!LooksLikeHtml(html)) {
    return absl::InvalidArgumentError(
        "not HTML: the body is binary, JSON or text without markup");
  }
  if (html.size() > INT_MAX) return absl::InvalidArgumentError("page too big");
  const std::string base(url);
  // No encoding given: libxml2 reads <meta charset>, else UTF-8.
  XmlDocPtr page(htmlReadMemory(html.data(), static_cast<int>(html.size()),
                                base.c_str(), nullptr,
                                HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                    HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER));
  const xmlNode* root =
      page == nullptr ? nullptr : xmlDocGetRootElement(page.get());
  if (root == nullptr) {
    return absl::InvalidArgumentError("not HTML: libxml2 found no document");
  }
  PageInfo info;
  ScanElement(root, &info);
  ScanPage(root, &info);
  const LdArticle ld = ParseJsonLd(info.json_ld).value_or(LdArticle{});
  NewsDocument doc;
  FillMetadata(info, ld, url, options, &doc);
  const xmlNode* container = MainContainer(root);
  if (!doc.published) doc.published = TimeElement(container, info);
  std::vector<std::string> paragraphs;
  CollectParagraphs(container, &paragraphs);
  // The headline repeated as the first heading is not body text.
  if (!paragraphs.empty() && paragraphs.front() == doc.title) {
    paragraphs.erase(paragraphs.begin());
  }
  doc.body = absl::StrJoin(paragraphs, "\n\n");
  const size_t chars = Utf8Length(doc.body);
  if (chars < options.min_text_chars && doc.summary.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no usable text: ", chars, " characters of main text (at least ",
        options.min_text_chars, " needed) and no description"));
  }
  return doc;
}

}  // namespace newsearch
