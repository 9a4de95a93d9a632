#include "common/facet_column_data.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "newsearch/schema.h"
#include "newsearch/topics.h"
#include "newsearch/xapian_status.h"

namespace newsearch {
namespace {

namespace fs = std::filesystem;

// The format: this line, a header, the rows and topic ids as this machine
// lays them out (the header's row size and byte-order mark refuse a file
// of another layout), the dictionaries, and kEnd.
constexpr char kMagic[] = "newsearch facet column 1\n";
constexpr char kEnd[] = "end\n";
constexpr uint32_t kByteOrder = 0x01020304;

// Interns strings while building: story keys, each field's values, and
// whole topic sets (few distinct ones, shared by many documents).
struct Interners {
  absl::flat_hash_map<std::string, uint32_t> stories;
  std::array<absl::flat_hash_map<std::string, uint32_t>,
             FacetColumnData::kFieldCount>
      values;
  absl::flat_hash_map<std::string, std::pair<uint32_t, uint16_t>> topic_sets;
};

void AddRow(Xapian::docid did, const std::string& value, Interners* interners,
            FacetColumnData* data) {
  schema::StoryFacets facets;
  if (did >= data->rows.size() || !schema::DecodeStoryFacets(value, &facets)) {
    return;
  }
  FacetColumnData::Row& row = data->rows[did];
  auto [story, added] =
      interners->stories.emplace(facets.story, data->stories + 1);
  if (added) ++data->stories;
  row.story = story->second;
  if (!facets.published.empty()) {
    row.dated = true;
    row.published =
        static_cast<int64_t>(Xapian::sortable_unserialise(facets.published));
  }
  const std::string* single[] = {&facets.source, &facets.kind, &facets.section};
  for (int f = FacetColumnData::kSource; f <= FacetColumnData::kSection; ++f) {
    const std::string& v = *single[f - FacetColumnData::kSource];
    if (v.empty()) continue;
    auto [it, fresh] = interners->values[f].emplace(
        v, static_cast<uint32_t>(data->dictionary[f].size() + 1));
    if (fresh) data->dictionary[f].push_back({v, v});
    row.values[f - FacetColumnData::kSource] = it->second;
  }
  auto set = interners->topic_sets.find(facets.topics);
  if (set == interners->topic_sets.end()) {
    const auto offset = static_cast<uint32_t>(data->topic_ids.size());
    auto& topics = data->dictionary[FacetColumnData::kTopic];
    for (TopicEntry& topic : DecodeTopicSet(facets.topics)) {
      auto [it, fresh] = interners->values[FacetColumnData::kTopic].emplace(
          topic.slug, static_cast<uint32_t>(topics.size() + 1));
      if (fresh) topics.push_back({std::move(topic.slug), std::move(topic.name)});
      data->topic_ids.push_back(it->second);
    }
    const auto count = static_cast<uint16_t>(
        std::min<size_t>(data->topic_ids.size() - offset, UINT16_MAX));
    set = interners->topic_sets
              .emplace(facets.topics, std::make_pair(offset, count))
              .first;
  }
  row.topics = set->second.first;
  row.topic_count = set->second.second;
}

template <typename T>
void Put(std::ostream& out, const T& value) {
  out.write(reinterpret_cast<const char*>(&value), sizeof(value));
}
void PutString(std::ostream& out, const std::string& s) {
  Put(out, static_cast<uint32_t>(s.size()));
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}
template <typename T>
void PutVector(std::ostream& out, const std::vector<T>& v) {
  Put(out, static_cast<uint64_t>(v.size()));
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(T)));
}

template <typename T>
bool Get(std::istream& in, T* value) {
  return static_cast<bool>(
      in.read(reinterpret_cast<char*>(value), sizeof(*value)));
}
bool GetString(std::istream& in, std::string* s) {
  uint32_t size = 0;
  if (!Get(in, &size) || size > (1u << 20)) return false;
  s->resize(size);
  return static_cast<bool>(in.read(s->data(), size));
}
// `limit` bounds the size a damaged header could ask to allocate.
template <typename T>
bool GetVector(std::istream& in, uint64_t limit, std::vector<T>* v) {
  uint64_t size = 0;
  if (!Get(in, &size) || size > limit) return false;
  v->resize(size);
  return static_cast<bool>(in.read(reinterpret_cast<char*>(v->data()),
                                   static_cast<std::streamsize>(size * sizeof(T))));
}

bool GetMark(std::istream& in, const char* mark) {
  std::string read(std::char_traits<char>::length(mark), '\0');
  return in.read(read.data(), static_cast<std::streamsize>(read.size())) &&
         read == mark;
}

// Whether every id a row holds is in its table, so that a damaged file
// cannot send a count out of bounds.
bool InBounds(const FacetColumnData& data) {
  for (const FacetColumnData::Row& row : data.rows) {
    if (row.story > data.stories ||
        uint64_t{row.topics} + row.topic_count > data.topic_ids.size()) {
      return false;
    }
    for (int f = FacetColumnData::kSource; f <= FacetColumnData::kSection;
         ++f) {
      if (row.values[f - FacetColumnData::kSource] >
          data.dictionary[f].size()) {
        return false;
      }
    }
  }
  const size_t topics = data.dictionary[FacetColumnData::kTopic].size();
  return std::all_of(data.topic_ids.begin(), data.topic_ids.end(),
                     [topics](uint32_t id) { return id >= 1 && id <= topics; });
}

}  // namespace

absl::StatusOr<FacetColumnData> BuildFacetColumnData(Xapian::Database& db) {
  FacetColumnData data;
  try {
    data.uuid = db.get_uuid();
    data.revision = db.get_revision();
    data.rows.resize(static_cast<size_t>(db.get_lastdocid()) + 1);
    Interners interners;
    for (Xapian::ValueIterator it =
             db.valuestream_begin(schema::kSlotStoryFacets);
         it != db.valuestream_end(schema::kSlotStoryFacets); ++it) {
      AddRow(it.get_docid(), *it, &interners, &data);
    }
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot read the facet values");
  }
  return data;
}

std::string FacetColumnPath(const std::string& dir) {
  return dir + "/newsearch.facets";
}

absl::Status WriteFacetColumnFile(const FacetColumnData& data,
                                  const std::string& dir) {
  const std::string path = FacetColumnPath(dir);
  const std::string temporary = absl::StrCat(path, ".", getpid(), ".tmp");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << kMagic;
    Put(out, static_cast<uint32_t>(sizeof(FacetColumnData::Row)));
    Put(out, kByteOrder);
    PutString(out, data.uuid);
    Put(out, static_cast<uint64_t>(data.revision));
    Put(out, data.stories);
    PutVector(out, data.rows);
    PutVector(out, data.topic_ids);
    for (const auto& field : data.dictionary) {
      Put(out, static_cast<uint64_t>(field.size()));
      for (const FacetColumnData::Entry& entry : field) {
        PutString(out, entry.value);
        PutString(out, entry.name);
      }
    }
    out << kEnd;
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(temporary, ec);
      return absl::UnavailableError("cannot write " + temporary);
    }
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    fs::remove(temporary, ec);
    return absl::UnavailableError("cannot write " + path);
  }
  return absl::OkStatus();
}

absl::Status WriteFacetColumnFile(const std::string& dir) {
  std::error_code ec;
  // Only a glass database directory: not a stub, nor a directory of shards.
  if (!fs::exists(dir + "/iamglass", ec)) return absl::OkStatus();
  try {
    Xapian::Database db(dir);
    absl::StatusOr<FacetColumnData> data = BuildFacetColumnData(db);
    if (!data.ok()) return data.status();
    return WriteFacetColumnFile(*data, dir);
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "cannot open " + dir);
  }
}

absl::StatusOr<FacetColumnData> ReadFacetColumnFile(const std::string& dir,
                                                    const std::string& uuid,
                                                    Xapian::rev revision) {
  const std::string path = FacetColumnPath(dir);
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("no " + path);
  FacetColumnData data;
  uint32_t row_size = 0, byte_order = 0;
  uint64_t file_revision = 0;
  if (!GetMark(in, kMagic) || !Get(in, &row_size) ||
      row_size != sizeof(FacetColumnData::Row) || !Get(in, &byte_order) ||
      byte_order != kByteOrder || !GetString(in, &data.uuid) ||
      !Get(in, &file_revision)) {
    return absl::DataLossError(path + ": not a facet column of this format");
  }
  data.revision = static_cast<Xapian::rev>(file_revision);
  if (data.uuid != uuid || data.revision != revision) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " is of revision ", file_revision, ", not ",
                     revision));
  }
  const uint64_t limit = 1ull << 32;
  bool whole = Get(in, &data.stories) && GetVector(in, limit, &data.rows) &&
               GetVector(in, limit, &data.topic_ids);
  for (auto& field : data.dictionary) {
    uint64_t size = 0;
    whole = whole && Get(in, &size) && size <= limit;
    for (uint64_t i = 0; whole && i < size; ++i) {
      FacetColumnData::Entry entry;
      whole = GetString(in, &entry.value) && GetString(in, &entry.name);
      field.push_back(std::move(entry));
    }
  }
  if (!whole || !GetMark(in, kEnd) || !InBounds(data)) {
    return absl::DataLossError(path + ": cut short or damaged");
  }
  return data;
}

}  // namespace newsearch
