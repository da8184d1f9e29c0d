// fer2013: the original FER2013 release, fer2013.csv alone (emotion, pixels, Usage). Seven
// classes mapped through the "fer2013" label mapping (no contempt); one-hot targets; the images
// go into Dataset::memory (48x48x1). A file without a Usage column gives unspecified splits.
#include "ferkit/data/fer2013_csv.h"
#include "ferkit/error.h"
#include "ferkit/readers.h"

namespace ferkit {

Dataset read_fer2013(const ReadOptions& o) {
  std::filesystem::path file = o.path;
  if (std::filesystem::is_directory(file)) file /= "fer2013.csv";
  if (!std::filesystem::is_regular_file(file))
    throw Error(file.string(), "fer2013.csv (or a directory holding it)",
                std::filesystem::exists(file) ? "not a regular file" : "no such file");
  const Split wanted = parse_split(o.split);
  const LabelMapping& mapping = label_mapping("fer2013");
  Fer2013Csv csv(file);
  if (!csv.has_emotion()) throw Error(file.string() + ":1", "an 'emotion' column", "a file without labels");
  if (wanted != Split::kUnspecified && !csv.has_usage())
    throw Error(file.string() + ":1", std::string("a Usage column to select split '") + o.split + "'", "no Usage column");

  Dataset d;
  d.format = "fer2013";
  d.root = file.parent_path();
  d.memory.height = d.memory.width = Fer2013Csv::kSide;
  d.memory.channels = 1;
  const std::string name = file.filename().string();
  Fer2013Csv::Row row;
  int64_t rows = 0;
  while (csv.next(row)) {
    ++rows;
    if (!mapping.in_range(row.emotion))
      throw Error(row.where, "emotion 0..6 (angry, disgust, fear, happy, sad, surprise, neutral)", std::to_string(row.emotion));
    Sample s;
    s.split = csv.has_usage() ? Fer2013Csv::usage_split(row) : Split::kUnspecified;
    if (wanted != Split::kUnspecified && s.split != wanted) continue;  // in memory: no path to skip
    s.label = mapping.to_canonical(row.emotion);
    s.target = one_hot(s.label);
    s.source = "fer2013";
    s.provenance = row.where;
    s.image.path = name + "#" + std::to_string(row.index);
    s.image.memory_index = d.memory.count();
    d.memory.pixels.resize(d.memory.pixels.size() + Fer2013Csv::kPixels);
    Fer2013Csv::read_pixels(row, d.memory.pixels.data() + d.memory.pixels.size() - Fer2013Csv::kPixels);
    d.samples.push_back(std::move(s));
  }
  if (rows == 0) throw Error(file.string(), "at least one data row after the header", "none");
  return d;
}

}  // namespace ferkit
