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

void WriteExplain(Writer& w, const SearchResult& result) {
  w.Key("explain");
  w.StartObject();
  w.Key("bm25");
  w.Double(result.relevance_score);
  w.Key("recency");
  w.Double(result.recency_score);
  w.EndObject();
}

void WriteFacetCounts(Writer& w, const FacetCounts& counts) {
  w.StartArray();
  for (const FacetValue& v : counts.values) {
    w.StartObject();
    w.Key("value");
    String(w, v.value);
    if (v.name != v.value) {
      w.Key("name");
      String(w, v.name);
    }
    w.Key("count");
    w.Int64(v.count);
    w.EndObject();
  }
  w.EndArray();
}

// "facets": {"date": {"interval", "tz", "buckets": [{"key", "count"}]},
//            "topic": [{"value", "name", "count"}], ...,
//            "other": {"topic": N, ...}}   (counts beyond the top N, summed)
void WriteFacets(Writer& w, const Facets& facets) {
  w.Key("facets");
  w.StartObject();
  if (facets.date) {
    w.Key("date");
    w.StartObject();
    w.Key("interval");
    w.String(DateIntervalName(facets.date->interval).data());
    w.Key("tz");
    String(w, facets.date->time_zone);
    w.Key("buckets");
    w.StartArray();
    for (const DateBucket& b : facets.date->buckets) {
      w.StartObject();
      w.Key("key");
      String(w, b.key);
      w.Key("count");
      w.Int64(b.count);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  for (const auto& [name, counts] : facets.fields) {
    w.Key(name.c_str());
    WriteFacetCounts(w, counts);
  }
  if (!facets.fields.empty()) {
    w.Key("other");
    w.StartObject();
    for (const auto& [name, counts] : facets.fields) {
      w.Key(name.c_str());
      w.Int64(counts.other);
    }
    w.EndObject();
  }
  w.EndObject();
}

void StringArray(Writer& w, const char* key,
                 const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const std::string& v : values) String(w, v);
  w.EndArray();
}

// The fields a result and a document share, inside an open object.
void WriteDocumentFields(Writer& w, const NewsDocument& doc) {
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
  // "topics" lists all, explicit first; "inferred_topics" marks ours.
  w.Key("topics");
  w.StartArray();
  for (const std::string& topic : doc.topics) String(w, topic);
  for (const std::string& topic : doc.inferred_topics) String(w, topic);
  w.EndArray();
  StringArray(w, "inferred_topics", doc.inferred_topics);
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
}

void WriteResult(Writer& w, const SearchResult& result, bool explain) {
  w.StartObject();
  WriteDocumentFields(w, result.document);
  w.Key("score");
  w.Double(result.score);
  w.Key("snippet");
  String(w, result.snippet);
  if (explain) WriteExplain(w, result);
  w.Key("more_reports");
  w.Int(result.more_reports);
  w.Key("outlets");
  w.StartArray();
  for (const std::string& outlet : result.outlets) String(w, outlet);
  w.EndArray();
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
  w.Key("reports");
  w.Int64(response.reports);
  w.Key("folded");
  w.Bool(response.folded);
  w.EndObject();
  w.Key("offset");
  w.Int(response.offset);
  w.Key("limit");
  w.Int(response.limit);
  w.Key("results");
  w.StartArray();
  for (const SearchResult& result : response.results) {
    WriteResult(w, result, response.explain);
  }
  w.EndArray();
  WriteFacets(w, response.facets);
  w.Key("facet_count");
  w.String(FacetCountName(response.facets.counted).data());
  w.Key("suggestion");
  if (response.suggestion) {
    String(w, *response.suggestion);
  } else {
    w.Null();
  }
  w.Key("took_ms");
  w.Double(response.took_ms);
  w.Key("partial");
  w.Bool(response.partial);
  StringArray(w, "missing_shards", response.missing_shards);
  w.Key("shards");
  w.StartObject();
  w.Key("searched");
  w.Int(response.shards_searched);
  w.Key("pruned");
  w.Int(response.shards_pruned);
  w.EndObject();
  StringArray(w, "warnings", response.warnings);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string DocumentToJson(const NewsDocument& doc) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  WriteDocumentFields(w, doc);
  StringArray(w, "authors", doc.authors);
  StringArray(w, "places", doc.places);
  StringOrNull(w, "updated", doc.updated ? FormatTimestamp(*doc.updated) : "");
  StringOrNull(w, "body", doc.body);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace newsearch
