// rafdb: RAF-DB basic emotions. <root>/EmoLabel/list_patition_label.txt (the release's spelling)
// holds lines "train_00001.jpg 5" (1 surprise, 2 fear, 3 disgust, 4 happiness, 5 sadness,
// 6 anger, 7 neutral: the "rafdb" label mapping); the aligned 100x100 faces are
// <root>/Image/aligned/<stem>_aligned.jpg. The split comes from the name prefix (train_, test_).
#include <fstream>
#include <sstream>

#include "ferkit/csv.h"
#include "ferkit/error.h"
#include "ferkit/readers.h"

namespace ferkit {

Dataset read_rafdb(const ReadOptions& o) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(o.path))
    throw Error(o.path.string(), "a RAF-DB root directory (holding EmoLabel/ and Image/aligned/)",
                fs::exists(o.path) ? "not a directory" : "no such directory");
  const fs::path list = o.path / "EmoLabel" / "list_patition_label.txt";
  std::ifstream in(list);
  if (!in) throw Error(list.string(), "the RAF-DB label list", fs::exists(list) ? "cannot open it" : "no such file");
  const LabelMapping& mapping = label_mapping("rafdb");
  const Split wanted = parse_split(o.split);
  Dataset d;
  d.format = "rafdb";
  d.root = o.path;
  std::string line;
  int64_t n = 0, rows = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ++rows;
    const std::string where = "list_patition_label.txt:" + std::to_string(n);
    std::istringstream ss(line);
    std::string name, label_text, extra;
    if (!(ss >> name >> label_text) || (ss >> extra))
      throw Error(where, "two fields (image name, label 1..7)", "'" + line + "'");
    const int64_t label = parse_int(label_text, where, "label");
    if (!mapping.in_range(static_cast<int>(label)) || label != static_cast<int>(label))
      throw Error(where, "label 1..7 (1 surprise, 2 fear, 3 disgust, 4 happiness, 5 sadness, 6 anger, 7 neutral)",
                  label_text);
    Split split;
    if (name.rfind("train_", 0) == 0) split = Split::kTrain;
    else if (name.rfind("test_", 0) == 0) split = Split::kTest;
    else throw Error(where, "an image name starting with train_ or test_", "'" + name + "'");
    const auto dot = name.rfind('.');
    const std::string rel = "Image/aligned/" + name.substr(0, dot) + "_aligned.jpg";
    if (wanted != Split::kUnspecified && split != wanted) {
      d.skipped_paths.push_back(rel);
      continue;
    }
    Sample s;
    s.image.path = rel;
    s.label = mapping.to_canonical(static_cast<int>(label));
    s.target = one_hot(s.label);
    s.split = split;
    s.source = "rafdb";
    s.provenance = where;
    d.samples.push_back(std::move(s));
  }
  if (rows == 0) throw Error(list.string(), "at least one label line", "an empty file");
  return d;
}

}  // namespace ferkit
