// affectnet-mini: the small AffectNet re-packs found on dataset hubs.
//   <root>/labels_train.csv, labels_valid.csv, labels_test.csv (any present; labels.csv gives
//   unspecified splits), each with a header holding a path column (pth, path, image, file,
//   filepath or subDirectory_filePath; relative to <root>) and a label column (label,
//   expression, emotion or class);
//   <root>/class_map.json (optional) mapping label values to class names, either
//   {"0": "neutral", "1": "happy", ...} or {"neutral": 0, "happy": 1, ...}.
// Labels that are class names or synonyms ("happy", "anger") work without the map. A label the map
// sends to a name outside the taxonomy ("uncertain") is dropped and counted by name.
#include <fstream>

#include <nlohmann/json.hpp>

#include "ferkit/csv.h"
#include "ferkit/data/csv_columns.h"
#include "ferkit/error.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

struct LabelFile {
  const char* name;
  Split split;
};
constexpr LabelFile kFiles[] = {{"labels_train.csv", Split::kTrain},
                                {"labels_valid.csv", Split::kValid},
                                {"labels_val.csv", Split::kValid},
                                {"labels_test.csv", Split::kTest},
                                {"labels.csv", Split::kUnspecified}};

// Integer-looking label text in one canonical form ("3", "3.0", " 3" -> "3").
std::string label_key(const std::string& text) {
  try {
    return std::to_string(parse_int(text, "", ""));
  } catch (const Error&) {
    return text;
  }
}

// label value -> class name, from class_map.json in either direction.
std::map<std::string, std::string> read_class_map(const fs::path& file) {
  std::map<std::string, std::string> m;
  if (!fs::exists(file)) return m;
  std::ifstream in(file);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(file.string(), "valid JSON", e.what());
  }
  if (!j.is_object()) throw Error(file.string(), "a JSON object mapping label values to class names", j.type_name());
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& v = it.value();
    if (v.is_string()) {
      m[label_key(it.key())] = v.get<std::string>();  // {"0": "neutral"}
    } else if (v.is_number_integer()) {
      m[std::to_string(v.get<int64_t>())] = it.key();  // {"neutral": 0}
    } else {
      throw Error(file.string() + " entry '" + it.key() + "'", "a class name or an integer label", v.dump());
    }
  }
  return m;
}

std::string map_keys(const std::map<std::string, std::string>& m) {
  std::string s;
  for (const auto& kv : m) s += (s.empty() ? "" : ", ") + kv.first + " -> " + kv.second;
  return s;
}

}  // namespace

Dataset read_affectnet_mini(const ReadOptions& o) {
  if (!fs::is_directory(o.path))
    throw Error(o.path.string(), "a directory holding labels_train.csv, labels_valid.csv and/or labels_test.csv",
                fs::exists(o.path) ? "not a directory" : "no such directory");
  const Split wanted = parse_split(o.split);
  const auto class_map = read_class_map(o.path / "class_map.json");
  Dataset d;
  d.format = "affectnet-mini";
  d.root = o.path;
  int found = 0;
  bool wanted_found = wanted == Split::kUnspecified;
  for (const auto& lf : kFiles) {
    const fs::path file = o.path / lf.name;
    if (!fs::exists(file)) continue;
    ++found;
    wanted_found = wanted_found || lf.split == wanted;
    const bool keep = wanted == Split::kUnspecified || lf.split == wanted;
    CsvReader r(file);
    CsvColumns cols(r);
    const size_t path_col = cols.require({"pth", "path", "image", "file", "filepath", "subDirectory_filePath"}, "an image path column");
    const size_t label_col = cols.require({"label", "expression", "emotion", "class"}, "a label column");
    std::vector<std::string> f;
    int64_t rows = 0;
    while (r.next(f)) {
      ++rows;
      const std::string where = std::string(lf.name) + ":" + std::to_string(r.line());
      cols.check_width(f, where);
      const std::string& rel = f[path_col];
      if (rel.empty()) throw Error(where, "an image path", "an empty field");
      const std::string& value = f[label_col];
      std::string cls;
      auto it = class_map.find(label_key(value));
      if (it != class_map.end()) {
        cls = it->second;
      } else if (try_class_index(value) != kDropped) {
        cls = value;
      } else {
        throw Error(where, class_map.empty() ? "a class name as label (or a class_map.json for numeric labels)"
                                             : "a label listed in class_map.json (" + map_keys(class_map) + ") or a class name",
                    "'" + value + "'");
      }
      const int label = try_class_index(cls);
      if (label == kDropped || !keep) {
        if (label == kDropped) ++d.dropped["affectnet-mini: label '" + value + "' (" + cls + ") has no canonical class"];
        d.skipped_paths.push_back(rel);
        continue;
      }
      Sample s;
      s.image.path = rel;
      s.label = label;
      s.target = one_hot(label);
      s.split = lf.split;
      s.source = "affectnet";
      s.provenance = where;
      d.samples.push_back(std::move(s));
    }
    if (rows == 0) throw Error(file.string(), "at least one data row after the header", "none");
  }
  if (found == 0)
    throw Error(o.path.string(), "labels_train.csv, labels_valid.csv, labels_test.csv or labels.csv", "none of them");
  if (!wanted_found)
    throw Error(o.path.string(), std::string("the label file of split '") + o.split + "'", "no such file");
  return d;
}

}  // namespace ferkit
