// FERPlus release layout: <root>/FER2013Train|FER2013Valid|FER2013Test/label.csv + PNGs.
// label.csv has no header; each row: image name, quoted face box "(x, y, w, h)", 10 vote counts.
#include <sstream>

#include "ferkit/csv.h"
#include "ferkit/error.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

struct FerplusFolder {
  const char* name;
  Split split;
};
constexpr FerplusFolder kFolders[] = {
    {"FER2013Train", Split::kTrain}, {"FER2013Valid", Split::kValid}, {"FER2013Test", Split::kTest}};

Box parse_box(const std::string& text, const std::string& where) {
  std::string t;
  for (char c : text)
    if (c != '(' && c != ')' && c != ' ') t += c;
  std::stringstream ss(t);
  std::string part;
  std::vector<int64_t> v;
  while (std::getline(ss, part, ',')) v.push_back(parse_int(part, where, "face box coordinate"));
  if (v.size() != 4) throw Error(where, "a face box \"(x, y, w, h)\" with 4 numbers", "'" + text + "'");
  Box b{static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]), static_cast<int>(v[3])};
  if (b.x < 0 || b.y < 0 || b.width <= 0 || b.height <= 0)
    throw Error(where, "a face box with x, y >= 0 and positive size", "'" + text + "'");
  return b;
}

void read_folder(const ReadOptions& o, const FerplusFolder& f, FerplusLabelMode mode, Dataset& d) {
  const auto csv_path = o.path / f.name / "label.csv";
  CsvReader r(csv_path);
  std::vector<std::string> row;
  const std::string reason = std::string("ferplus ") + split_name(f.split) + ": unknown or not-a-face under the " +
                             ferplus_label_mode_name(mode) + " rule";
  int64_t rows = 0;
  while (r.next(row)) {
    ++rows;
    const std::string where = std::string(f.name) + "/label.csv:" + std::to_string(r.line());
    if (row.size() != 12)
      throw Error(where, "12 fields (name, box, 10 counts)", std::to_string(row.size()) + " fields");
    if (row[0].empty()) throw Error(where, "an image name in the first field", "an empty field");
    std::array<float, 10> votes{};
    for (int i = 0; i < 10; ++i) {
      double v = parse_double(row[2 + i], where, "vote count " + std::to_string(i + 1));
      if (v < 0) throw Error(where, "vote counts >= 0", row[2 + i] + " in field " + std::to_string(3 + i));
      votes[i] = static_cast<float>(v);
    }
    Sample s;
    if (!ferplus_votes_to_target(votes, mode, s.target)) {
      ++d.dropped[reason];
      d.skipped_paths.push_back(std::string(f.name) + "/" + row[0]);
      continue;
    }
    Box box = parse_box(row[1], where);
    s.image.path = std::string(f.name) + "/" + row[0];
    // FERPlus boxes cover the whole 48x48 image; keep a crop only when it says otherwise.
    if (!(box.x == 0 && box.y == 0 && box.width == 48 && box.height == 48)) s.image.crop = box;
    s.label = argmax(s.target);
    s.split = f.split;
    s.source = "ferplus";
    s.provenance = where;
    s.votes.assign(votes.begin(), votes.end());
    d.samples.push_back(std::move(s));
  }
  if (rows == 0) throw Error(csv_path.string(), "at least one label row", "an empty file");
}

}  // namespace

Dataset read_ferplus(const ReadOptions& o) {
  if (!std::filesystem::is_directory(o.path))
    throw Error(o.path.string(), "a FERPlus root directory (holding FER2013Train/, FER2013Valid/, ...)",
                std::filesystem::exists(o.path) ? "not a directory" : "no such directory");
  const FerplusLabelMode mode = parse_ferplus_label_mode(o.label_mode);
  const Split wanted = parse_split(o.split);
  Dataset d;
  d.format = "ferplus";
  d.root = o.path;
  int found = 0;
  for (const auto& f : kFolders) {
    if (wanted != Split::kUnspecified && wanted != f.split) continue;
    if (!std::filesystem::exists(o.path / f.name / "label.csv")) {
      if (wanted == f.split)
        throw Error((o.path / f.name / "label.csv").string(), "the label file of the requested split", "no such file");
      continue;
    }
    ++found;
    read_folder(o, f, mode, d);
  }
  if (found == 0)
    throw Error(o.path.string(), "at least one of FER2013Train/label.csv, FER2013Valid/label.csv, FER2013Test/label.csv",
                "none of them");
  return d;
}

}  // namespace ferkit
