// Extracts a news article from an HTML page, with libxml2's HTML parser
// (tolerant of real-world markup; no network access):
//   - title: JSON-LD NewsArticle headline, og:title, <h1>, <title> (in that
//     order; a " | Site" or " - Site" suffix of <title> is removed);
//   - url: <link rel=canonical>, og:url, else the page's final URL;
//   - published / updated: JSON-LD datePublished / dateModified,
//     article:published_time / article:modified_time meta tags, <time
//     datetime> in the article;
//   - authors (JSON-LD author names, meta author), section (JSON-LD
//     articleSection, article:section), topics (JSON-LD keywords,
//     article:tag), source (og:site_name, JSON-LD publisher, else the host),
//     language (<html lang>, og:locale, Content-Language), summary (meta
//     description / og:description);
//   - body: the main text as paragraphs separated by "\n\n": from <article>
//     (or the element holding most paragraph text), without <script>,
//     <style>, <nav>, <header>, <footer>, <aside>, <form>, <figure> captions,
//     ads and sponsor blocks (class/id naming ad, advert, sponsor, promo,
//     related, newsletter, share, comment), and short lines that are
//     sponsor or share boilerplate.
// A JSON-LD block that is not valid JSON is ignored, never fatal.
//
//   absl::StatusOr<NewsDocument> doc = ExtractArticle(html, final_url, {});
//
// Errors: kInvalidArgument when the body is not HTML, kFailedPrecondition
// ("no usable text") when the main text is shorter than
// `options.min_text_chars` and there is no description either. The document
// is not prepared (identity, topics, story key are PrepareDocument's job).
// Thread-safe; no state.
#ifndef NEWSEARCH_INDEXER_HTML_ARTICLE_H_
#define NEWSEARCH_INDEXER_HTML_ARTICLE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "newsearch/document.h"

namespace newsearch {

struct ExtractOptions {
  size_t min_text_chars = 200;  // less main text than this: no usable text
  std::string content_language;  // the Content-Language header, if any
};

absl::StatusOr<NewsDocument> ExtractArticle(absl::string_view html,
                                            absl::string_view url,
                                            const ExtractOptions& options);

}  // namespace newsearch

#endif  // NEWSEARCH_INDEXER_HTML_ARTICLE_H_
