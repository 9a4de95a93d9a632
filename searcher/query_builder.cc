#include "searcher/query_builder.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "newsearch/dates.h"
#include "newsearch/schema.h"
#include "newsearch/text.h"
#include "newsearch/xapian_status.h"

namespace newsearch {
namespace {

Xapian::Query ValueQuery(Xapian::Query::op op, absl::Time t) {
  return Xapian::Query(
      op, schema::kSlotPublished,
      Xapian::sortable_serialise(static_cast<double>(absl::ToUnixSeconds(t))));
}

absl::Time BoundOrThrow(const std::string& text, absl::TimeZone zone,
                        Bound bound) {
  absl::StatusOr<absl::Time> t = ParseRangeBound(text, zone, bound);
  if (!t.ok())
    throw Xapian::QueryParserError(std::string(t.status().message()));
  return *t;
}

// date:2025-12-01..2025-12-21, date:..2025-12-21, date:2025-12-01..
class DateRangeProcessor : public Xapian::RangeProcessor {
 public:
  explicit DateRangeProcessor(absl::TimeZone zone)
      : Xapian::RangeProcessor(schema::kSlotPublished, "date:"), zone_(zone) {}

  Xapian::Query operator()(const std::string& begin,
                           const std::string& end) override {
    if (begin.empty() && end.empty()) {
      throw Xapian::QueryParserError("date range needs at least one end");
    }
    if (begin.empty()) {
      return ValueQuery(Xapian::Query::OP_VALUE_LE,
                        BoundOrThrow(end, zone_, Bound::kUpper));
    }
    const absl::Time lower = BoundOrThrow(begin, zone_, Bound::kLower);
    if (end.empty()) return ValueQuery(Xapian::Query::OP_VALUE_GE, lower);
    const absl::Time upper = BoundOrThrow(end, zone_, Bound::kUpper);
    if (upper < lower) {
      throw Xapian::QueryParserError(absl::StrCat(
          "date range ", begin, "..", end, " ends before it starts"));
    }
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotPublished,
                         Xapian::sortable_serialise(
                             static_cast<double>(absl::ToUnixSeconds(lower))),
                         Xapian::sortable_serialise(
                             static_cast<double>(absl::ToUnixSeconds(upper))));
  }

 private:
  absl::TimeZone zone_;
};

// date:2025-12-21 (the whole day), date:2025-12-21T10 (that hour).
class DateFieldProcessor : public Xapian::FieldProcessor {
 public:
  explicit DateFieldProcessor(absl::TimeZone zone) : zone_(zone) {}

  Xapian::Query operator()(const std::string& text) override {
    return Xapian::Query(
        Xapian::Query::OP_VALUE_RANGE, schema::kSlotPublished,
        Xapian::sortable_serialise(static_cast<double>(
            absl::ToUnixSeconds(BoundOrThrow(text, zone_, Bound::kLower)))),
        Xapian::sortable_serialise(static_cast<double>(
            absl::ToUnixSeconds(BoundOrThrow(text, zone_, Bound::kUpper)))));
  }

 private:
  absl::TimeZone zone_;
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

void Configure(Xapian::QueryParser& parser, const Xapian::Database& db,
               const QueryOptions& options) {
  parser.set_database(db);
  parser.set_stemmer(Xapian::Stem(StemmerLanguage(options.language)));
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.set_default_op(Xapian::Query::OP_AND);
  // Bounded wildcard expansion: a* over a large vocabulary must not hang.
  parser.set_max_expansion(500, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
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
  parser.add_rangeprocessor((new DateRangeProcessor(options.zone))->release());
  parser.add_boolean_prefix("date",
                            (new DateFieldProcessor(options.zone))->release());
}

}  // namespace

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
  try {
    Xapian::QueryParser parser;
    Configure(parser, db, options);
    constexpr unsigned kFlags =
        Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD;
    Xapian::Query parsed = parser.parse_query(query, kFlags);
    if (parsed.empty() && !query.empty() &&
        query.find_first_not_of(" \t\r\n") != std::string::npos) {
      // Nothing searchable was left (only punctuation, say): say so rather
      // than return an empty success.
      return absl::InvalidArgumentError(
          absl::StrCat("query '", query, "' has no searchable words"));
    }
    return parsed;
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "bad query");
  }
}

}  // namespace newsearch
