#include "searcher/query_builder.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "newsearch/dates.h"
#include "newsearch/folding.h"
#include "newsearch/schema.h"
#include "newsearch/searcher.h"
#include "newsearch/status_macros.h"
#include "newsearch/text.h"
#include "newsearch/xapian_status.h"
#include "searcher/query_limits.h"

namespace newsearch {
namespace {

Xapian::Query ValueQuery(Xapian::Query::op op, absl::Time t) {
  return Xapian::Query(
      op, schema::kSlotPublished,
      Xapian::sortable_serialise(static_cast<double>(absl::ToUnixSeconds(t))));
}

Xapian::Query SpanQuery(absl::Time lower, absl::Time upper);

// The published-time spans that the date filters of one parse produced, in
// whole seconds as the value queries hold them: for QueryDateBounds.
struct DateLog {
  struct Span {
    absl::Time from = absl::InfinitePast();
    absl::Time until = absl::InfiniteFuture();
  };
  std::vector<Span> spans;
  // Each span's query, by Query::get_description(), which names the slot
  // and bounds: how a value query found in the parsed tree is matched to
  // its span (1.4 has no accessor for them).
  std::vector<std::string> descriptions;
};

absl::Time WholeSeconds(absl::Time t) {
  return absl::FromUnixSeconds(absl::ToUnixSeconds(t));
}

// `query` (a value query on kSlotPublished), noted in `log` when there is one.
Xapian::Query Logged(DateLog* log, Xapian::Query::op op, absl::Time lower,
                     absl::Time upper) {
  Xapian::Query query = op == Xapian::Query::OP_VALUE_GE
                            ? ValueQuery(op, lower)
                        : op == Xapian::Query::OP_VALUE_LE
                            ? ValueQuery(op, upper)
                            : SpanQuery(lower, upper);
  if (log != nullptr) {
    DateLog::Span span;
    if (op != Xapian::Query::OP_VALUE_LE) span.from = WholeSeconds(lower);
    if (op != Xapian::Query::OP_VALUE_GE) span.until = WholeSeconds(upper);
    log->spans.push_back(span);
    log->descriptions.push_back(query.get_description());
  }
  return query;
}

DateSpan SpanOrThrow(const std::string& text, const QueryOptions& options) {
  absl::StatusOr<DateSpan> span =
      ParseDateSpec(text, options.zone, options.now);
  if (!span.ok()) {
    throw Xapian::QueryParserError(std::string(span.status().message()));
  }
  return *span;
}

Xapian::Query SpanQuery(absl::Time lower, absl::Time upper) {
  return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotPublished,
                       Xapian::sortable_serialise(
                           static_cast<double>(absl::ToUnixSeconds(lower))),
                       Xapian::sortable_serialise(
                           static_cast<double>(absl::ToUnixSeconds(upper))));
}

// date:2025-12-01..2025-12-21, date:..2025-12-21, date:7d..yesterday
class DateRangeProcessor : public Xapian::RangeProcessor {
 public:
  DateRangeProcessor(const QueryOptions& options, DateLog* log)
      : Xapian::RangeProcessor(schema::kSlotPublished, "date:"),
        options_(options),
        log_(log) {}

  Xapian::Query operator()(const std::string& begin,
                           const std::string& end) override {
    if (begin.empty() && end.empty()) {
      throw Xapian::QueryParserError("date range needs at least one end");
    }
    if (begin.empty()) {
      const absl::Time upper = SpanOrThrow(end, options_).upper;
      return Logged(log_, Xapian::Query::OP_VALUE_LE, upper, upper);
    }
    const absl::Time lower = SpanOrThrow(begin, options_).lower;
    if (end.empty()) {
      return Logged(log_, Xapian::Query::OP_VALUE_GE, lower, lower);
    }
    const absl::Time upper = SpanOrThrow(end, options_).upper;
    // A local hour that daylight saving skips is an empty span (its upper
    // bound one second before its lower): a range over it matches nothing
    // rather than being reversed. Xapian gives MatchNothing for it.
    if (upper + absl::Seconds(1) < lower) {
      throw Xapian::QueryParserError(absl::StrCat(
          "date range ", begin, "..", end, " ends before it starts"));
    }
    return Logged(log_, Xapian::Query::OP_VALUE_RANGE, lower, upper);
  }

 private:
  QueryOptions options_;
  DateLog* log_;  // may be null
};

// date:X (the span X names), since:X (from its start), until:X (to its end).
class DateFieldProcessor : public Xapian::FieldProcessor {
 public:
  enum class Mode { kWithin, kSince, kUntil };
  DateFieldProcessor(const QueryOptions& options, Mode mode, DateLog* log)
      : options_(options), mode_(mode), log_(log) {}

  Xapian::Query operator()(const std::string& text) override {
    const DateSpan span = SpanOrThrow(text, options_);
    switch (mode_) {
      case Mode::kSince:
        return Logged(log_, Xapian::Query::OP_VALUE_GE, span.lower,
                      span.upper);
      case Mode::kUntil:
        return Logged(log_, Xapian::Query::OP_VALUE_LE, span.lower,
                      span.upper);
      case Mode::kWithin:
        break;
    }
    return Logged(log_, Xapian::Query::OP_VALUE_RANGE, span.lower,
                  span.upper);
  }

 private:
  QueryOptions options_;
  Mode mode_;
  DateLog* log_;  // may be null
};

// topic:Grain -> XTgrain: values are normalised exactly as at index time.
class FilterFieldProcessor : public Xapian::FieldProcessor {
 public:
  explicit FilterFieldProcessor(std::string prefix)
      : prefix_(std::move(prefix)) {}

  Xapian::Query operator()(const std::string& value) override {
    if (prefix_ == schema::kPrefixId)
      return Xapian::Query(schema::IdTerm(value));
    if (prefix_ == schema::kPrefixTopic) {
      return Xapian::Query(schema::TopicTerm(value));
    }
    return Xapian::Query(schema::BooleanTerm(prefix_, value));
  }

 private:
  std::string prefix_;
};

// One stopper for every parser: building its set of words was a tenth of
// a search's instructions. Immutable once built, so threads share it.
const Xapian::SimpleStopper& Stopper() {
  static const Xapian::SimpleStopper* const kStopper = [] {
    const std::vector<std::string>& stopwords = EnglishStopwords();
    return new Xapian::SimpleStopper(stopwords.begin(), stopwords.end());
  }();
  return *kStopper;
}

// `log`, when not null, must outlive the parser's use.
void Configure(Xapian::QueryParser& parser, const Xapian::Database& db,
               const QueryOptions& options, DateLog* log = nullptr) {
  parser.set_database(db);
  parser.set_stemmer(FoldingStemmer(options.language));
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.set_stopper(&Stopper());
  parser.set_default_op(Xapian::Query::OP_AND);
  // Bounded wildcard expansion (every wildcard, title:a* too): must not hang.
  parser.set_max_expansion(kMaxWildcardExpansion,
                           Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
  for (const schema::FieldSpec& field : schema::Fields()) {
    if (field.query_prefix.empty()) continue;
    const std::string name(field.query_prefix);
    if (field.type == schema::FieldType::kText) {
      parser.add_prefix(name, std::string(field.term_prefix));
    } else {
      parser.add_boolean_prefix(
          name, (new FilterFieldProcessor(std::string(field.term_prefix)))
                    ->release());
    }
  }
  using Mode = DateFieldProcessor::Mode;
  parser.add_rangeprocessor(
      (new DateRangeProcessor(options, log))->release());
  for (const auto& [prefix, mode] :
       {std::pair<const char*, Mode>{"date", Mode::kWithin},
        {"since", Mode::kSince},
        {"until", Mode::kUntil}}) {
    parser.add_boolean_prefix(
        prefix, (new DateFieldProcessor(options, mode, log))->release());
  }
}

// The word of a free-text term ("Zstrike" or "strike" -> "strike"), or ""
// for a prefixed one: stemmed terms start with 'Z', filters with other
// capitals.
std::string FreeTextWord(const std::string& term) {
  if (term.empty()) return "";
  if (term[0] == 'Z' && term.size() > 1 &&
      !absl::ascii_isupper(static_cast<unsigned char>(term[1]))) {
    return term.substr(1);
  }
  if (absl::ascii_isupper(static_cast<unsigned char>(term[0]))) return "";
  return term;
}

// Words of free text in a parsed query.
int CountWords(const Xapian::Query& query) {
  std::set<std::string> words;
  for (auto it = query.get_unique_terms_begin();
       it != query.get_unique_terms_end(); ++it) {
    std::string word = FreeTextWord(*it);
    if (!word.empty()) words.insert(std::move(word));
  }
  return static_cast<int>(words.size());
}

// Whether a free word of the query is in no document: only then is a
// spelling correction looked for (Xapian's spelling search is costly, and
// would otherwise "correct" rare names into common words).
bool HasUnknownWord(const Xapian::Database& db, const Xapian::Query& query) {
  for (auto it = query.get_unique_terms_begin();
       it != query.get_unique_terms_end(); ++it) {
    if (!FreeTextWord(*it).empty() && !db.term_exists(*it)) return true;
  }
  return false;
}

// QueryParser's flags for every parse of a user's query.
constexpr unsigned kParseFlags =
    Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD;

// One drill-down filter term.
absl::StatusOr<Xapian::Query> FilterTerm(const std::string& facet,
                                         const std::string& value) {
  if (facet == "topic") return Xapian::Query(schema::TopicTerm(value));
  for (const schema::FieldSpec& field : schema::Fields()) {
    if (field.type == schema::FieldType::kBoolean &&
        field.query_prefix == facet && facet != "id" && facet != "story") {
      return Xapian::Query(schema::BooleanTerm(field.term_prefix, value));
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("cannot filter on '", facet,
                   "' (topic, source, kind, section, lang, author, place)"));
}

bool IsQuote(absl::string_view text, size_t i) {
  return text[i] == '"' || absl::StartsWith(text.substr(i), "\u201c") ||
         absl::StartsWith(text.substr(i), "\u201d");
}

size_t QuoteSize(absl::string_view text, size_t i) {
  return text[i] == '"' ? 1 : 3;  // U+201C and U+201D are 3 bytes in UTF-8
}

// Xapian's boolean operators, which must stay in capitals.
bool IsOperator(absl::string_view word) {
  for (absl::string_view op : {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"}) {
    if (word == op || (absl::StartsWith(word, op) && word.size() > op.size() &&
                       word[op.size()] == '/')) {
      return true;
    }
  }
  return false;
}

// A filter such as topic:Grain or date:7d, whose value is exact.
bool IsFilter(absl::string_view word) {
  word = word.substr(std::min(word.find_first_not_of("(+-"), word.size()));
  const size_t colon = word.find(':');
  if (colon == absl::string_view::npos) return false;
  const absl::string_view name = word.substr(0, colon);
  if (name == "date" || name == "since" || name == "until") return true;
  for (const schema::FieldSpec& field : schema::Fields()) {
    if (field.type == schema::FieldType::kBoolean && field.query_prefix == name)
      return true;
  }
  return false;
}

// The parse of a user's query that BuildQuery returns.
Xapian::Query ParseUserQuery(Xapian::QueryParser& parser,
                             const std::string& query) {
  const std::string text = NormalizeQueryText(query);
  const Xapian::Query plain = parser.parse_query(text, kParseFlags);
  ThrowIfOverLimits(plain);  // before anything walks or runs the tree
  // Words are counted before synonyms multiply the terms.
  if (CountWords(plain) >= kLongQueryWords) {
    parser.set_default_op(Xapian::Query::OP_OR);
  }
  return parser.parse_query(
      text, kParseFlags | Xapian::QueryParser::FLAG_AUTO_SYNONYMS);
}

using Span = DateLog::Span;

bool HasWildcard(const Xapian::Query& query) {
  if (query.get_type() == Xapian::Query::OP_WILDCARD) return true;
  for (size_t i = 0; i < query.get_num_subqueries(); ++i) {
    if (HasWildcard(query.get_subquery(i))) return true;
  }
  return false;
}

// The span every match of `query` is published in, when its date filters
// restrict all of it. A value query (BuildQuery makes them of dates only)
// stands for its own span, found in `log`; failing that, for `hull`, the
// span of all the parse's date filters.
std::optional<Span> RequiredSpan(const Xapian::Query& query, const DateLog& log,
                                 const Span& hull) {
  const size_t n = query.get_num_subqueries();
  switch (query.get_type()) {
    case Xapian::Query::OP_VALUE_RANGE:
    case Xapian::Query::OP_VALUE_GE:
    case Xapian::Query::OP_VALUE_LE: {
      const std::string description = query.get_description();
      for (size_t i = 0; i < log.descriptions.size(); ++i) {
        if (log.descriptions[i] == description) return log.spans[i];
      }
      return hull;
    }
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_NEAR:
    case Xapian::Query::OP_PHRASE: {
      std::optional<Span> all;  // the intersection
      for (size_t i = 0; i < n; ++i) {
        const std::optional<Span> sub =
            RequiredSpan(query.get_subquery(i), log, hull);
        if (!sub) continue;
        if (!all) all = sub;
        all->from = std::max(all->from, sub->from);
        all->until = std::min(all->until, sub->until);
      }
      return all;
    }
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_SCALE_WEIGHT:
      if (n == 0) return std::nullopt;
      return RequiredSpan(query.get_subquery(0), log, hull);
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_ELITE_SET:
    case Xapian::Query::OP_MAX: {
      std::optional<Span> any;  // the union, when every part is bounded
      for (size_t i = 0; i < n; ++i) {
        const std::optional<Span> sub =
            RequiredSpan(query.get_subquery(i), log, hull);
        if (!sub) return std::nullopt;
        if (!any) any = sub;
        any->from = std::min(any->from, sub->from);
        any->until = std::max(any->until, sub->until);
      }
      return any;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

absl::StatusOr<ShardQueryInfo> AnalyzeForShards(const std::string& query,
                                                const QueryOptions& options) {
  if (query.size() > kMaxQueryBytes || !IsValidUtf8(query)) return ShardQueryInfo{};
  DateLog log;
  try {
    Xapian::QueryParser parser;
    Configure(parser, Xapian::Database(), options, &log);
    const Xapian::Query parsed = ParseUserQuery(parser, query);
    ShardQueryInfo info;
    info.wildcard = HasWildcard(parsed);
    if (log.spans.empty()) return info;
    Span hull = log.spans.front();
    for (const Span& span : log.spans) {
      hull.from = std::min(hull.from, span.from);
      hull.until = std::max(hull.until, span.until);
    }
    const std::optional<Span> required = RequiredSpan(parsed, log, hull);
    if (required && required->from != absl::InfinitePast()) {
      info.from = required->from;
    }
    if (required && required->until != absl::InfiniteFuture()) {
      info.until = required->until;
    }
    return info;
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "bad query");
  }
}

std::string NormalizeQueryText(absl::string_view query) {
  std::string out;
  size_t i = 0;
  while (i < query.size()) {
    if (IsQuote(query, i)) {  // a phrase: copied as it is, up to its end
      size_t end = i + QuoteSize(query, i);
      while (end < query.size() && !IsQuote(query, end)) ++end;
      if (end < query.size()) end += QuoteSize(query, end);
      absl::StrAppend(&out, query.substr(i, end - i));
      i = end;
      continue;
    }
    if (absl::ascii_isspace(static_cast<unsigned char>(query[i]))) {
      out.push_back(query[i++]);
      continue;
    }
    size_t end = i;
    while (end < query.size() &&
           !absl::ascii_isspace(static_cast<unsigned char>(query[end])) &&
           !IsQuote(query, end)) {
      ++end;
    }
    const absl::string_view word = query.substr(i, end - i);
    if (IsOperator(word) || IsFilter(word)) {
      absl::StrAppend(&out, word);
    } else {
      out += NormalizeFilterValue(FoldAccents(word));  // lower-cased
    }
    i = end;
  }
  return out;
}

absl::StatusOr<Xapian::Query> BuildQuery(const Xapian::Database& db,
                                         const std::string& query,
                                         const QueryOptions& options) {
  if (query.size() > kMaxQueryBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query is ", query.size(), " bytes; the limit is ", kMaxQueryBytes));
  }
  if (!IsValidUtf8(query)) {
    return absl::InvalidArgumentError("query is not valid UTF-8");
  }
  if (query.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Xapian::Query::MatchAll;
  }
  try {
    Xapian::QueryParser parser;
    DateLog log;
    Configure(parser, db, options, &log);
    Xapian::Query parsed = ParseUserQuery(parser, query);
    const bool empty_span = std::any_of(
        log.spans.begin(), log.spans.end(),
        [](const DateLog::Span& span) { return span.until < span.from; });
    if (parsed.empty() && !empty_span) {
      // Nothing searchable was left (only punctuation, say): say so rather
      // than return an empty success. A date span that holds no second (a
      // local hour skipped by daylight saving) is a valid filter that
      // matches nothing.
      return absl::InvalidArgumentError(
          absl::StrCat("query '", query, "' has no searchable words"));
    }
    return parsed;
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "bad query");
  }
}

absl::StatusOr<std::string> SuggestCorrection(const Xapian::Database& db,
                                              const std::string& query,
                                              const QueryOptions& options) {
  if (query.size() > kMaxQueryBytes || !IsValidUtf8(query)) return "";
  try {
    Xapian::QueryParser parser;
    Configure(parser, db, options);
    const std::string text = NormalizeQueryText(query);
    if (!HasUnknownWord(db, parser.parse_query(text, kParseFlags))) return "";
    parser.parse_query(
        text, kParseFlags | Xapian::QueryParser::FLAG_SPELLING_CORRECTION);
    return parser.get_corrected_query_string();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "bad query");
  }
}

absl::StatusOr<Xapian::Query> ApplyFilters(
    const Xapian::Query& query,
    const std::vector<std::pair<std::string, std::string>>& filters) {
  if (filters.empty()) return query;
  std::map<std::string, std::vector<Xapian::Query>> by_facet;
  for (const auto& [facet, value] : filters) {
    ASSIGN_OR_RETURN(Xapian::Query term, FilterTerm(facet, value));
    by_facet[facet].push_back(term);
  }
  std::vector<Xapian::Query> facets;
  facets.reserve(by_facet.size());
  for (const auto& [facet, terms] : by_facet) {
    facets.emplace_back(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }
  return Xapian::Query(
      Xapian::Query::OP_FILTER, query,
      Xapian::Query(Xapian::Query::OP_AND, facets.begin(), facets.end()));
}

}  // namespace newsearch
