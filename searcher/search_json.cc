#include "newsearch/search_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "newsearch/dates.h"

namespace newsearch {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void String(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void StringOrNull(Writer& w, const char* key, const std::string& s) {
  w.Key(key);
  if (s.empty()) {
    w.Null();
  } else {
    String(w, s);
  }
}

void WriteResult(Writer& w, const SearchResult& result) {
  const NewsDocument& doc = result.document;
  w.StartObject();
  w.Key("id");
  String(w, doc.id);
  w.Key("kind");
  w.String(KindName(doc.kind).data());
  w.Key("title");
  String(w, doc.title);
  StringOrNull(w, "url", doc.url);
  StringOrNull(w, "published",
               doc.published ? FormatTimestamp(*doc.published) : "");
  StringOrNull(w, "source", doc.source);
  w.Key("topics");
  w.StartArray();
  for (const std::string& topic : doc.topics) String(w, topic);
  w.EndArray();
  StringOrNull(w, "section", doc.section);
  StringOrNull(w, "language", doc.language);
  StringOrNull(w, "story", doc.story_key);
  StringOrNull(w, "summary", doc.summary);
  w.Key("reading_minutes");
  if (doc.reading_minutes > 0) {
    w.Int(doc.reading_minutes);
  } else {
    w.Null();
  }
  w.Key("score");
  w.Double(result.score);
  w.Key("snippet");
  String(w, result.snippet);
  w.EndObject();
}

}  // namespace

std::string SearchResponseToJson(const SearchResponse& response) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("query");
  String(w, response.query);
  w.Key("total");
  w.StartObject();
  w.Key("value");
  w.Int64(response.total);
  w.Key("exact");
  w.Bool(response.total_exact);
  w.EndObject();
  w.Key("offset");
  w.Int(response.offset);
  w.Key("limit");
  w.Int(response.limit);
  w.Key("results");
  w.StartArray();
  for (const SearchResult& result : response.results) WriteResult(w, result);
  w.EndArray();
  w.Key("suggestion");
  if (response.suggestion) {
    String(w, *response.suggestion);
  } else {
    w.Null();
  }
  w.Key("took_ms");
  w.Double(response.took_ms);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace newsearch
