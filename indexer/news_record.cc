#include "indexer/news_record.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "absl/strings/str_cat.h"
#include "newsearch/dates.h"
#include "newsearch/status_macros.h"
#include "newsearch/text.h"

namespace newsearch {
namespace {

const char* TypeName(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "?";
}

// Where invalid UTF-8 or a NUL byte (raw, or the JSON escape \u0000) in a
// field rejects the record and where it is repaired: identity and
// machine-read fields (id, url, kind, language, dates) name or find
// something, and a guessed repair would silently make it another thing, so
// they are rejected; prose and labels (title, body, topics, source ...) are
// what a reader searches, and losing an article for one bad byte in an
// author's name is worse than showing U+FFFD where the byte was.
struct Utf8Policy {
  std::vector<std::string>* warnings = nullptr;  // null: reject
};

absl::Status CheckUtf8(const char* field, std::string* value,
                       const Utf8Policy& policy) {
  const size_t bad = FirstInvalidUtf8(*value);
  if (bad == absl::string_view::npos) return absl::OkStatus();
  if (policy.warnings == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field '", field, "' has invalid UTF-8 or a NUL byte at byte ", bad));
  }
  size_t replaced = 0;
  *value = RepairUtf8(*value, &replaced);
  policy.warnings->push_back(
      absl::StrCat("field '", field, "': replaced ", replaced,
                   " invalid UTF-8 sequence(s) or NUL byte(s) with U+FFFD"));
  return absl::OkStatus();
}

// Reads an optional string field into *out; absent and null leave it empty.
absl::Status GetString(const rapidjson::Value& obj, const char* field,
                       std::string* out, const Utf8Policy& policy = {}) {
  auto it = obj.FindMember(field);
  if (it == obj.MemberEnd() || it->value.IsNull()) return absl::OkStatus();
  if (!it->value.IsString()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field '", field, "' must be a string, not ", TypeName(it->value)));
  }
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return CheckUtf8(field, out, policy);
}

absl::Status GetList(const rapidjson::Value& obj, const char* field,
                     std::vector<std::string>* out, const Utf8Policy& policy) {
  auto it = obj.FindMember(field);
  if (it == obj.MemberEnd() || it->value.IsNull()) return absl::OkStatus();
  if (!it->value.IsArray()) {
    return absl::InvalidArgumentError(
        absl::StrCat("field '", field, "' must be an array of strings, not ",
                     TypeName(it->value)));
  }
  for (const auto& item : it->value.GetArray()) {
    if (!item.IsString()) {
      return absl::InvalidArgumentError(
          absl::StrCat("field '", field, "' must be an array of strings, ",
                       "but has ", TypeName(item), " in it"));
    }
    std::string value(item.GetString(), item.GetStringLength());
    RETURN_IF_ERROR(CheckUtf8(field, &value, policy));
    if (!value.empty()) out->push_back(std::move(value));
  }
  return absl::OkStatus();
}

absl::Status GetTime(const rapidjson::Value& obj, const char* field,
                     std::optional<Timestamp>* out) {
  std::string text;
  RETURN_IF_ERROR(GetString(obj, field, &text));
  if (text.empty()) return absl::OkStatus();
  absl::StatusOr<Timestamp> t = ParseTimestamp(text);
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("field '", field, "': ", t.status().message()));
  }
  *out = *t;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<NewsDocument> ParseNewsRecord(absl::string_view line) {
  std::vector<std::string> warnings;
  return ParseNewsRecord(line, &warnings);
}

absl::StatusOr<NewsDocument> ParseNewsRecord(
    absl::string_view line, std::vector<std::string>* warnings) {
  const Utf8Policy repair{warnings};
  rapidjson::Document json;
  // Iterative parsing: deeply nested input must not exhaust the stack.
  json.Parse<rapidjson::kParseIterativeFlag>(line.data(), line.size());
  if (json.HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid JSON: ", rapidjson::GetParseError_En(json.GetParseError()),
        " (at byte ", json.GetErrorOffset(), ")"));
  }
  if (!json.IsObject()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a record must be a JSON object, not ", TypeName(json)));
  }
  NewsDocument doc;
  RETURN_IF_ERROR(GetString(json, "id", &doc.id));
  std::string kind;
  RETURN_IF_ERROR(GetString(json, "kind", &kind));
  if (!kind.empty()) {
    std::optional<Kind> k = ParseKind(kind);
    if (!k) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field 'kind' must be \"article\" or \"timeline\", not \"", kind,
          "\""));
    }
    doc.kind = *k;
  }
  RETURN_IF_ERROR(GetString(json, "title", &doc.title, repair));
  RETURN_IF_ERROR(GetString(json, "summary", &doc.summary, repair));
  RETURN_IF_ERROR(GetString(json, "body", &doc.body, repair));
  RETURN_IF_ERROR(GetString(json, "url", &doc.url));
  RETURN_IF_ERROR(GetTime(json, "published", &doc.published));
  RETURN_IF_ERROR(GetTime(json, "updated", &doc.updated));
  RETURN_IF_ERROR(GetList(json, "topics", &doc.topics, repair));
  RETURN_IF_ERROR(GetList(json, "authors", &doc.authors, repair));
  RETURN_IF_ERROR(GetList(json, "places", &doc.places, repair));
  RETURN_IF_ERROR(GetString(json, "section", &doc.section, repair));
  RETURN_IF_ERROR(GetString(json, "source", &doc.source, repair));
  RETURN_IF_ERROR(GetString(json, "language", &doc.language));
  return doc;
}

}  // namespace newsearch
