#include "indexer/document_builder.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "newsearch/dates.h"
#include "newsearch/doc_data.h"
#include "newsearch/folding.h"
#include "newsearch/schema.h"
#include "newsearch/text.h"
#include "newsearch/topics.h"

namespace newsearch {
namespace {

// Keeps phrases from matching across the end of one field and the start of
// the next.
constexpr Xapian::termpos kFieldGap = 100;

void AddFilter(Xapian::Document& xdoc, absl::string_view prefix,
               absl::string_view value, Xapian::valueno slot) {
  if (value.empty()) return;
  const std::string term = schema::BooleanTerm(prefix, value);
  xdoc.add_boolean_term(term);
  if (slot != Xapian::BAD_VALUENO)
    xdoc.add_value(slot, term.substr(prefix.size()));
}

void AddFilters(Xapian::Document& xdoc, const NewsDocument& doc) {
  AddFilter(xdoc, schema::kPrefixKind, KindName(doc.kind), schema::kSlotKind);
  AddFilter(xdoc, schema::kPrefixSource, doc.source, schema::kSlotSource);
  AddFilter(xdoc, schema::kPrefixSection, doc.section, schema::kSlotSection);
  AddFilter(xdoc, schema::kPrefixLanguage, doc.language, schema::kSlotLanguage);
  std::vector<TopicEntry> topics;
  for (const auto* list : {&doc.topics, &doc.inferred_topics}) {
    for (const std::string& name : *list) {
      std::string slug = TopicSlug(name);  // ICU: once per topic
      if (slug.empty()) continue;
      xdoc.add_boolean_term(schema::TopicSlugTerm(slug));
      topics.push_back({std::move(slug), name});
    }
  }
  if (!topics.empty())
    xdoc.add_value(schema::kSlotTopics, EncodeTopicSet(topics));
  for (const std::string& author : doc.authors) {
    AddFilter(xdoc, schema::kPrefixAuthor, author, Xapian::BAD_VALUENO);
  }
  for (const std::string& place : doc.places) {
    AddFilter(xdoc, schema::kPrefixPlace, place, Xapian::BAD_VALUENO);
  }
}

void AddDates(Xapian::Document& xdoc, const NewsDocument& doc) {
  if (!doc.published) return;
  const absl::Time t = StoredInstant(*doc.published);
  xdoc.add_value(
      schema::kSlotPublished,
      Xapian::sortable_serialise(static_cast<double>(absl::ToUnixSeconds(t))));
  const std::string day = DayKey(t);
  xdoc.add_value(schema::kSlotDayKey, day);
  xdoc.add_value(schema::kSlotHourKey, HourKey(t));
  xdoc.add_boolean_term(absl::StrCat(schema::kPrefixDay, day));
  xdoc.add_boolean_term(absl::StrCat(schema::kPrefixMonth, MonthKey(t)));
  xdoc.add_boolean_term(absl::StrCat(schema::kPrefixYear, YearKey(t)));
}

}  // namespace

DocumentBuilder::DocumentBuilder() {
  term_generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
}

const Xapian::Stem& DocumentBuilder::StemmerFor(const std::string& language) {
  auto it = stemmers_.find(language);
  if (it == stemmers_.end()) {
    it = stemmers_.emplace(language, FoldingStemmer(language)).first;
  }
  return it->second;
}

Xapian::Document DocumentBuilder::Build(const NewsDocument& doc) {
  Xapian::Document xdoc;
  term_generator_.set_document(xdoc);
  term_generator_.set_stemmer(StemmerFor(doc.language));
  term_generator_.index_text(doc.title, schema::kTitleWeight);
  term_generator_.increase_termpos(kFieldGap);
  term_generator_.index_text(doc.title, 1, schema::kPrefixTitle);
  term_generator_.increase_termpos(kFieldGap);
  term_generator_.index_text(doc.summary);
  term_generator_.increase_termpos(kFieldGap);
  term_generator_.index_text(doc.body);

  xdoc.add_boolean_term(schema::IdTerm(doc.id));
  AddFilters(xdoc, doc);
  AddDates(xdoc, doc);
  // The TermGenerator keeps a handle on the document it last indexed.
  // Xapian's handles count references without atomics, and the document
  // goes to a shard thread next: drop ours now, not at the next Build()
  // while that thread may drop its own (ThreadSanitizer found the race).
  term_generator_.set_document(Xapian::Document());
  return xdoc;
}

void FinishDocument(const NewsDocument& doc, Xapian::Document* xdoc) {
  AddFilter(*xdoc, schema::kPrefixStory, doc.story_key, schema::kSlotStoryKey);
  xdoc->add_value(
      schema::kSlotStoryFacets,
      schema::EncodeStoryFacets({xdoc->get_value(schema::kSlotStoryKey),
                                 xdoc->get_value(schema::kSlotPublished),
                                 xdoc->get_value(schema::kSlotKind),
                                 xdoc->get_value(schema::kSlotSource),
                                 xdoc->get_value(schema::kSlotSection),
                                 xdoc->get_value(schema::kSlotTopics)}));
  xdoc->set_data(EncodeDocData(doc));
}

std::vector<std::pair<std::string, Xapian::termcount>> SpellingWords(
    const Xapian::Document& xdoc) {
  std::vector<std::pair<std::string, Xapian::termcount>> words;
  for (Xapian::TermIterator t = xdoc.termlist_begin(); t != xdoc.termlist_end();
       ++t) {
    const std::string& term = *t;
    // Prefixes are upper-case ASCII; TermGenerator spells only bare words.
    if (term.empty() || (term[0] >= 'A' && term[0] <= 'Z')) continue;
    // Numbers, dates and codes ("1987", "q3", "3.5") are no words to
    // suggest, nor to correct a query's into. They were 37% of Reuters'
    // spelling vocabulary, and each word new to the table costs Xapian
    // updates of its fragment lists at commit.
    if (std::any_of(term.begin(), term.end(), absl::ascii_isdigit)) continue;
    words.emplace_back(term, t.positionlist_count());
  }
  return words;
}

void AddSpelling(const Xapian::Document& xdoc, Xapian::WritableDatabase* db) {
  for (const auto& [word, count] : SpellingWords(xdoc)) {
    db->add_spelling(word, count);
  }
}

}  // namespace newsearch
