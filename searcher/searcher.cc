#include "newsearch/searcher.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "newsearch/dates.h"
#include "newsearch/doc_data.h"
#include "newsearch/schema.h"
#include "newsearch/status_macros.h"
#include "newsearch/text.h"
#include "newsearch/xapian_status.h"
#include "searcher/query_builder.h"

namespace newsearch {
namespace {

absl::Status ValidateRequest(const SearchRequest& request) {
  if (request.limit < 0 || request.limit > kMaxLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit must be between 0 and ", kMaxLimit));
  }
  if (request.offset < 0 || request.offset > kMaxOffset) {
    return absl::InvalidArgumentError(
        absl::StrCat("offset must be between 0 and ", kMaxOffset));
  }
  return absl::OkStatus();
}

void ApplySort(Xapian::Enquire& enquire, SortOrder sort) {
  switch (sort) {
    case SortOrder::kRelevance:
      break;
    case SortOrder::kNewest:
      enquire.set_sort_by_value_then_relevance(schema::kSlotPublished, true);
      break;
    case SortOrder::kOldest:
      enquire.set_sort_by_value_then_relevance(schema::kSlotPublished, false);
      break;
  }
}

// The snippet of the field that matches best: MSet::snippet() highlights
// matches (stemmed forms too) and cuts at word boundaries. A field where
// something was highlighted wins; otherwise the first non-empty one.
std::string BestSnippet(const Xapian::MSet& mset, const NewsDocument& doc,
                        const SearchRequest& request,
                        const Xapian::Stem& stem) {
  std::string fallback;
  for (const std::string* text : {&doc.body, &doc.summary, &doc.title}) {
    if (text->empty()) continue;
    std::string snippet = mset.snippet(
        *text, request.snippet_length, stem, Xapian::MSet::SNIPPET_EXHAUSTIVE,
        request.highlight_start, request.highlight_end, "...");
    if (!request.highlight_start.empty() &&
        snippet.find(request.highlight_start) != std::string::npos) {
      return snippet;
    }
    if (fallback.empty()) fallback = std::move(snippet);
  }
  return fallback;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::Open(
    const std::string& path) {
  try {
    Xapian::Database db(path);
    return std::unique_ptr<Searcher>(new Searcher(std::move(db), path));
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(
        e, absl::StrCat("cannot open database '", path, "'"));
  }
}

Searcher::Searcher(Xapian::Database db, std::string path)
    : db_(std::move(db)), path_(std::move(path)) {}

absl::Status Searcher::Reopen() {
  try {
    db_.reopen();
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("cannot reopen '", path_, "'"));
  }
}

absl::StatusOr<SearchResponse> Searcher::Search(const SearchRequest& request) {
  RETURN_IF_ERROR(ValidateRequest(request));
  absl::StatusOr<SearchResponse> response = SearchOnce(request);
  if (response.status().code() == absl::StatusCode::kAborted) {
    // DatabaseModifiedError: the indexer committed twice while we read.
    RETURN_IF_ERROR(Reopen());
    response = SearchOnce(request);
  }
  return response;
}

absl::StatusOr<SearchResponse> Searcher::SearchOnce(
    const SearchRequest& request) {
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(request.time_zone));
  ASSIGN_OR_RETURN(Xapian::Query query,
                   BuildQuery(db_, request.query, {zone, request.language}));
  if (query.empty()) query = Xapian::Query::MatchAll;
  SearchResponse response;
  response.query = request.query;
  response.offset = request.offset;
  response.limit = request.limit;
  try {
    Xapian::Enquire enquire(db_);
    enquire.set_query(query);
    ApplySort(enquire, request.sort);
    // Checking every document makes the total exact, not an estimate.
    const Xapian::MSet mset =
        enquire.get_mset(request.offset, request.limit, db_.get_doccount());
    response.total = mset.get_matches_estimated();
    response.total_exact =
        mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    const Xapian::Stem stem(StemmerLanguage(request.language));
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      ASSIGN_OR_RETURN(NewsDocument doc,
                       DecodeDocData(it.get_document().get_data()));
      SearchResult result;
      result.rank = static_cast<int>(it.get_rank()) + 1;
      result.score = it.get_weight();
      if (request.snippet_length > 0) {
        result.snippet = BestSnippet(mset, doc, request, stem);
      }
      result.document = std::move(doc);
      response.results.push_back(std::move(result));
    }
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e,
                               absl::StrCat("search in '", path_, "' failed"));
  }
  response.took_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  return response;
}

}  // namespace newsearch
