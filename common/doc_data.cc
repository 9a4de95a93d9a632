#include "newsearch/doc_data.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "absl/strings/str_cat.h"
#include "newsearch/dates.h"

namespace newsearch {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void PutString(Writer& w, const char* key, const std::string& value) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void PutList(Writer& w, const char* key, const std::vector<std::string>& v) {
  if (v.empty()) return;
  w.Key(key);
  w.StartArray();
  for (const std::string& s : v) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  }
  w.EndArray();
}

void PutTime(Writer& w, const char* key, const std::optional<Timestamp>& t) {
  if (!t) return;
  const std::string text = FormatTimestamp(*t);
  PutString(w, key, text);
}

std::string GetString(const rapidjson::Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::vector<std::string> GetList(const rapidjson::Value& obj, const char* key) {
  std::vector<std::string> out;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& item : it->value.GetArray()) {
    if (item.IsString())
      out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

std::optional<Timestamp> GetTime(const rapidjson::Value& obj, const char* key) {
  const std::string text = GetString(obj, key);
  if (text.empty()) return std::nullopt;
  absl::StatusOr<Timestamp> t = ParseTimestamp(text);
  if (!t.ok()) return std::nullopt;
  return *t;
}

// The fields as one JSON object; the body only if `with_body`.
std::string EncodeObject(const NewsDocument& doc, bool with_body) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  PutString(w, "id", doc.id);
  w.Key("kind");
  w.String(KindName(doc.kind).data());
  PutString(w, "title", doc.title);
  PutString(w, "summary", doc.summary);
  if (with_body) PutString(w, "body", doc.body);
  PutString(w, "url", doc.url);
  PutTime(w, "published", doc.published);
  PutTime(w, "updated", doc.updated);
  PutList(w, "topics", doc.topics);
  PutList(w, "inferred_topics", doc.inferred_topics);
  PutList(w, "authors", doc.authors);
  PutList(w, "places", doc.places);
  PutString(w, "section", doc.section);
  PutString(w, "source", doc.source);
  PutString(w, "language", doc.language);
  PutString(w, "story", doc.story_key);
  if (doc.reading_minutes > 0) {
    w.Key("reading_minutes");
    w.Int(doc.reading_minutes);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string EncodeDocData(const NewsDocument& doc) {
  std::string data = EncodeObject(doc, /*with_body=*/false);
  if (!doc.body.empty()) absl::StrAppend(&data, "\n", doc.body);
  return data;
}

std::string EncodeJsonRecord(const NewsDocument& doc) {
  return EncodeObject(doc, /*with_body=*/true);
}

absl::StatusOr<NewsDocument> DecodeDocData(absl::string_view data) {
  const size_t newline = data.find('\n');
  const absl::string_view object = data.substr(0, newline);
  rapidjson::Document json;
  // Iterative: the data may come from a remote shard; deep nesting must
  // not overflow the stack.
  json.Parse<rapidjson::kParseIterativeFlag>(object.data(), object.size());
  if (json.HasParseError() || !json.IsObject()) {
    return absl::DataLossError("document data is not a JSON object");
  }
  NewsDocument doc;
  doc.id = GetString(json, "id");
  doc.kind = ParseKind(GetString(json, "kind")).value_or(Kind::kArticle);
  doc.title = GetString(json, "title");
  doc.summary = GetString(json, "summary");
  doc.body = newline == absl::string_view::npos
                 ? GetString(json, "body")  // the old layout
                 : std::string(data.substr(newline + 1));
  doc.url = GetString(json, "url");
  doc.published = GetTime(json, "published");
  doc.updated = GetTime(json, "updated");
  doc.topics = GetList(json, "topics");
  doc.inferred_topics = GetList(json, "inferred_topics");
  doc.authors = GetList(json, "authors");
  doc.places = GetList(json, "places");
  doc.section = GetString(json, "section");
  doc.source = GetString(json, "source");
  doc.language = GetString(json, "language");
  doc.story_key = GetString(json, "story");
  auto it = json.FindMember("reading_minutes");
  if (it != json.MemberEnd() && it->value.IsInt()) {
    doc.reading_minutes = it->value.GetInt();
  }
  return doc;
}

}  // namespace newsearch
