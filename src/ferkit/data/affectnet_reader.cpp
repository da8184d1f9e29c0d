// affectnet: the AffectNet annotation CSVs (training.csv, validation.csv). Columns are found by
// name in the header: subDirectory_filePath, face_x, face_y, face_width, face_height, expression;
// the others (facial_landmarks, valence, arousal) are ignored. Expression 0..7 maps through the
// "affectnet" label mapping; 8 none, 9 uncertain and 10 no-face are dropped and counted by name.
// The face box becomes the sample's crop. The split comes from the file name (training*.csv ->
// train, validation*.csv -> valid, otherwise unspecified).
#include <algorithm>
#include <cctype>

#include "ferkit/csv.h"
#include "ferkit/data/csv_columns.h"
#include "ferkit/error.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Split split_of_file(const fs::path& csv) {
  const std::string n = lower(csv.filename().string());
  if (n.rfind("training", 0) == 0) return Split::kTrain;
  if (n.rfind("validation", 0) == 0) return Split::kValid;
  return Split::kUnspecified;
}

std::vector<fs::path> csv_files(const fs::path& path) {
  if (fs::is_regular_file(path)) return {path};
  if (!fs::is_directory(path))
    throw Error(path.string(), "an AffectNet CSV file (or a directory holding training.csv / validation.csv)", "no such file");
  std::vector<fs::path> v;
  for (const auto& e : fs::directory_iterator(path))
    if (e.is_regular_file() && lower(e.path().extension().string()) == ".csv" &&
        split_of_file(e.path()) != Split::kUnspecified)
      v.push_back(e.path());
  std::sort(v.begin(), v.end());
  if (v.empty()) throw Error(path.string(), "training*.csv or validation*.csv in the directory", "neither");
  return v;
}

void read_csv(const fs::path& csv, Split wanted, Dataset& d) {
  const LabelMapping& mapping = label_mapping("affectnet");
  const Split split = split_of_file(csv);
  const bool keep = wanted == Split::kUnspecified || split == wanted;
  CsvReader r(csv);
  CsvColumns cols(r);
  const size_t path_col = cols.require({"subDirectory_filePath"}, "the image path column");
  const size_t box_col[4] = {cols.require({"face_x"}, "the face box column face_x"),
                             cols.require({"face_y"}, "the face box column face_y"),
                             cols.require({"face_width"}, "the face box column face_width"),
                             cols.require({"face_height"}, "the face box column face_height")};
  const size_t expr_col = cols.require({"expression"}, "the expression column");
  const std::string name = csv.filename().string();
  std::vector<std::string> f;
  int64_t rows = 0;
  while (r.next(f)) {
    ++rows;
    const std::string where = name + ":" + std::to_string(r.line());
    cols.check_width(f, where);
    const int64_t expr = parse_int(f[expr_col], where, "expression");
    if (!mapping.in_range(static_cast<int>(expr)) || expr != static_cast<int>(expr))
      throw Error(where, "expression 0..10 (0 neutral .. 7 contempt, 8 none, 9 uncertain, 10 no-face)", std::to_string(expr));
    const std::string& rel = f[path_col];
    if (rel.empty()) throw Error(where, "an image path in subDirectory_filePath", "an empty field");
    const int label = mapping.to_canonical(static_cast<int>(expr));
    if (label == kDropped || !keep) {
      if (label == kDropped)
        ++d.dropped["affectnet: expression " + std::to_string(expr) + " (" + mapping.source_names[expr] + ")"];
      d.skipped_paths.push_back(rel);
      continue;
    }
    int64_t box[4];
    for (int k = 0; k < 4; ++k) box[k] = parse_int(f[box_col[k]], where, cols.names()[box_col[k]]);
    if (box[0] < 0 || box[1] < 0 || box[2] <= 0 || box[3] <= 0)
      throw Error(where, "a face box with face_x, face_y >= 0 and positive width and height",
                  "(" + std::to_string(box[0]) + ", " + std::to_string(box[1]) + ", " + std::to_string(box[2]) + ", " +
                      std::to_string(box[3]) + ")");
    Sample s;
    s.image.path = rel;
    s.image.crop = Box{static_cast<int>(box[0]), static_cast<int>(box[1]), static_cast<int>(box[2]), static_cast<int>(box[3])};
    s.label = label;
    s.target = one_hot(label);
    s.split = split;
    s.source = "affectnet";
    s.provenance = where;
    d.samples.push_back(std::move(s));
  }
  if (rows == 0) throw Error(csv.string(), "at least one data row after the header", "none");
}

}  // namespace

Dataset read_affectnet(const ReadOptions& o) {
  const auto files = csv_files(o.path);
  const Split wanted = parse_split(o.split);
  if (wanted != Split::kUnspecified) {
    bool any = false;
    for (const auto& f : files) any = any || split_of_file(f) == wanted;
    if (!any)
      throw Error(o.path.string(), std::string("an AffectNet CSV of split '") + o.split +
                                       "' (training*.csv -> train, validation*.csv -> valid)",
                  "none among the files read");
  }
  Dataset d;
  d.format = "affectnet";
  d.root = o.image_root.empty() ? files.front().parent_path() : o.image_root;
  for (const auto& f : files) read_csv(f, wanted, d);
  return d;
}

}  // namespace ferkit
