#include "newsearch/schema.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "newsearch/text.h"
#include "newsearch/topics.h"

namespace newsearch {
namespace schema {
namespace {

// Keeps a term under Xapian's limit while keeping distinct values distinct.
std::string BoundTerm(std::string term) {
  if (term.size() <= kMaxTermBytes) return term;
  const std::string hash = HexHash(term);
  size_t keep = kMaxTermBytes - hash.size() - 1;
  // Do not cut a UTF-8 sequence in half.
  while (keep > 0 && (static_cast<unsigned char>(term[keep]) & 0xC0) == 0x80) {
    --keep;
  }
  term.resize(keep);
  return absl::StrCat(term, "#", hash);
}

}  // namespace

const std::vector<FieldSpec>& Fields() {
  static const auto* const kFields = new std::vector<FieldSpec>{
      {"title", "title", kPrefixTitle, FieldType::kText},
      {"kind", "kind", kPrefixKind, FieldType::kBoolean},
      {"source", "source", kPrefixSource, FieldType::kBoolean},
      {"topics", "topic", kPrefixTopic, FieldType::kBoolean},
      {"section", "section", kPrefixSection, FieldType::kBoolean},
      {"language", "lang", kPrefixLanguage, FieldType::kBoolean},
      {"authors", "author", kPrefixAuthor, FieldType::kBoolean},
      {"places", "place", kPrefixPlace, FieldType::kBoolean},
      {"story_key", "story", kPrefixStory, FieldType::kBoolean},
      {"id", "id", kPrefixId, FieldType::kBoolean},
  };
  return *kFields;
}

std::string BooleanTerm(absl::string_view prefix, absl::string_view value) {
  return BoundTerm(absl::StrCat(prefix, NormalizeFilterValue(value)));
}

std::string TopicTerm(absl::string_view name) {
  return TopicSlugTerm(TopicSlug(name));
}

std::string TopicSlugTerm(absl::string_view slug) {
  return BoundTerm(absl::StrCat(kPrefixTopic, slug));
}

std::string IdTerm(absl::string_view id) {
  return BoundTerm(absl::StrCat(kPrefixId, id));
}

std::string EncodeStoryFacets(const StoryFacets& facets) {
  std::string out;
  for (const std::string* field :
       {&facets.story, &facets.published, &facets.kind, &facets.source,
        &facets.section, &facets.topics}) {
    absl::StrAppend(&out, field->size(), ":", *field);
  }
  return out;
}

bool DecodeStoryFacets(absl::string_view value, StoryFacets* facets) {
  for (std::string* field :
       {&facets->story, &facets->published, &facets->kind, &facets->source,
        &facets->section, &facets->topics}) {
    const size_t colon = value.find(':');
    size_t size = 0;
    if (colon == absl::string_view::npos ||
        !absl::SimpleAtoi(value.substr(0, colon), &size) ||
        size > value.size() - colon - 1) {
      return false;
    }
    field->assign(value.data() + colon + 1, size);
    value.remove_prefix(colon + 1 + size);
  }
  return value.empty();
}

}  // namespace schema
}  // namespace newsearch
