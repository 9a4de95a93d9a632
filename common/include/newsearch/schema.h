// The index schema: every term prefix, value slot and the document data, in
// one table. Indexer and searcher both read it; nothing else names a prefix.
//
// Document layout (one Xapian document per article or timeline entry)
// ---------------------------------------------------------------------
// Terms follow omega's conventions so that xapian-delve and quest make sense
// of the database:
//   * Free text: title, summary and body go through Xapian::TermGenerator with
//     positions, so phrases and NEAR work. The title is indexed unprefixed
//     with a larger wdf increment (kTitleWeight) and once more under `S`, so a
//     title match weighs more and `title:` can search titles alone. Stemmed
//     forms ("Z" + stem) use the document's own language and are accent-
//     folded (folding.h: Erdoğan and Erdogan share `Zerdogan`); unstemmed,
//     positional terms keep the exact word, for quoted queries.
//   * Boolean filters: exact, lower-cased values under the prefixes below
//     (`XSRCreuters`); topics by their slug (`XTinterest-rates`, topics.h),
//     explicit and inferred alike. Values longer than Xapian's term limit are
//     cut and suffixed with a hash so distinct values stay distinct.
//   * Dates: `D`/`M`/`Y` + UTC day, month and year keys for cheap exact
//     filters; ranges use the published value slot instead.
//   * Identity: `Q` + id, unique per document, used by replace_document so
//     re-indexing replaces rather than duplicates.
// Values (slots never change meaning once released):
//   * kSlotPublished: sortable_serialise(UTC epoch seconds): range filters,
//     date sorting and recency.
//   * kSlotDayKey / kSlotHourKey: "YYYYMMDD" / "YYYYMMDDHH" in UTC, so built-in
//     ValueCountMatchSpy can count exact date histograms in any zone with
//     whole-hour offsets (also remotely), and ValueMapPostingSource can map
//     them to recency boosts.
//   A date without a time (day precision) is stored at 12:00 UTC of that
//   date, so that it stays on its own calendar day in every zone from UTC-12
//   to UTC+11 when ranges and histograms are read in a local zone.
//   * kSlotStoryKey: the story key, for collapsing duplicate reports.
//   * kSlotStoryFeatures: the hashed features story similarity compares;
//     candidates are found per day through the `D` terms, or kTermUndated
//     (indexer/story_keys.h).
//   * kSlotKind, kSlotSource, kSlotSection, kSlotLanguage: the normalised
//     filter value, for facet counts.
//   * kSlotTopics: all of a document's topics, explicit and inferred, as one
//     string (EncodeTopicSet in topics.h): ValueCountMatchSpy counts each
//     distinct combination and the searcher adds them up per topic, so topic
//     counts are exact however many topics a document has, with a built-in
//     spy that remote shards know.
//   * kSlotStoryFacets: the story key, the published value and the facet
//     values (kind, source, section, topic set) in one string
//     (EncodeStoryFacets): one built-in ValueCountMatchSpy on it sees which
//     stories have which facet values, so facets can count distinct stories
//     exactly (the searcher's "count stories"), also on remote shards.
// Database-wide tables: Xapian's spelling table holds the words of titles,
// summaries and bodies (did-you-mean); its synonym table holds the name
// variants (indexer/name_variants.h); metadata holds the story-feature
// frequencies, the variants list's hash and the time of the last commit.
// Document data: compact JSON of what a result shows (see doc_data.h).
// Constants and pure functions: thread-safe.
#ifndef NEWSEARCH_SCHEMA_H_
#define NEWSEARCH_SCHEMA_H_

#include <xapian.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace newsearch {
namespace schema {

// Term prefixes.
inline constexpr char kPrefixId[] = "Q";
inline constexpr char kPrefixTitle[] = "S";
inline constexpr char kPrefixKind[] = "XK";
inline constexpr char kPrefixSource[] = "XSRC";
inline constexpr char kPrefixTopic[] = "XT";
inline constexpr char kPrefixSection[] = "XSEC";
inline constexpr char kPrefixLanguage[] = "L";
inline constexpr char kPrefixAuthor[] = "A";
inline constexpr char kPrefixPlace[] = "XP";
inline constexpr char kPrefixStory[] = "XSTORY";
// On documents without a published time, so story keys can list them.
inline constexpr char kTermUndated[] = "XUNDATED";
inline constexpr char kPrefixDay[] = "D";
inline constexpr char kPrefixMonth[] = "M";
inline constexpr char kPrefixYear[] = "Y";

// Value slots.
inline constexpr Xapian::valueno kSlotPublished = 0;
inline constexpr Xapian::valueno kSlotDayKey = 1;
inline constexpr Xapian::valueno kSlotHourKey = 2;
inline constexpr Xapian::valueno kSlotStoryKey = 3;
inline constexpr Xapian::valueno kSlotKind = 4;
inline constexpr Xapian::valueno kSlotSource = 5;
inline constexpr Xapian::valueno kSlotSection = 6;
inline constexpr Xapian::valueno kSlotLanguage = 7;
inline constexpr Xapian::valueno kSlotTopics = 8;
inline constexpr Xapian::valueno kSlotStoryFeatures = 9;
inline constexpr Xapian::valueno kSlotStoryFacets = 10;

// Metadata: when the indexer last committed (RFC 3339, UTC).
inline constexpr char kLastCommitKey[] = "newsearch:last-commit";

// wdf increment of title words relative to summary and body words.
inline constexpr Xapian::termcount kTitleWeight = 3;

// Xapian rejects terms longer than 245 bytes.
inline constexpr size_t kMaxTermBytes = 245;

enum class FieldType {
  kText,     // free text, positional, under a query prefix
  kBoolean,  // exact filter term
};

// One row of the schema table: how a field is stored and queried.
struct FieldSpec {
  absl::string_view field;         // news.jsonl field name
  absl::string_view query_prefix;  // user-facing "title:" prefix, "" if none
  absl::string_view term_prefix;   // Xapian term prefix
  FieldType type;
};

// The table itself, in a fixed order.
const std::vector<FieldSpec>& Fields();

// Lower-cases (Unicode) and trims a filter value, the same way for indexing
// and querying, and bounds the resulting term to kMaxTermBytes.
std::string BooleanTerm(absl::string_view prefix, absl::string_view value);

// The topic filter term: kPrefixTopic + TopicSlug(name), bounded.
std::string TopicTerm(absl::string_view name);
// The same from a slug already computed (the indexer's hot path).
std::string TopicSlugTerm(absl::string_view slug);

// The unique id term; ids too long for a term are hashed.
std::string IdTerm(absl::string_view id);

// What kSlotStoryFacets holds: the other slots' values, verbatim.
struct StoryFacets {
  std::string story;      // kSlotStoryKey
  std::string published;  // kSlotPublished ("" when undated)
  std::string kind;       // kSlotKind
  std::string source;     // kSlotSource
  std::string section;    // kSlotSection
  std::string topics;     // kSlotTopics (EncodeTopicSet)
};

// Each field as its decimal length, ':', and its bytes.
std::string EncodeStoryFacets(const StoryFacets& facets);
// False when `value` is not an encoding of StoryFacets.
bool DecodeStoryFacets(absl::string_view value, StoryFacets* facets);

}  // namespace schema
}  // namespace newsearch

#endif  // NEWSEARCH_SCHEMA_H_
