#include "ferkit/data/fer2013_csv.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "ferkit/error.h"

namespace ferkit {

Fer2013Csv::Fer2013Csv(const std::filesystem::path& file)
    : reader_(file), columns_(reader_), name_(file.filename().string()) {
  pixels_ = columns_.require({"pixels"}, "the FER2013 pixel column");
  emotion_ = columns_.find({"emotion"});
  usage_ = columns_.find({"Usage"});
}

bool Fer2013Csv::next(Row& row) {
  std::vector<std::string> f;
  if (!reader_.next(f)) return false;
  row.where = name_ + ":" + std::to_string(reader_.line());
  columns_.check_width(f, row.where);
  row.index = index_++;
  row.emotion = -1;
  if (emotion_) row.emotion = static_cast<int>(parse_int(f[*emotion_], row.where, "emotion"));
  row.usage = usage_ ? f[*usage_] : std::string();
  row.pixels = std::move(f[pixels_]);
  return true;
}

void Fer2013Csv::read_pixels(const Row& row, uint8_t* dst) {
  const char* p = row.pixels.c_str();
  int n = 0;
  while (true) {
    while (*p == ' ' || *p == '\t') ++p;
    if (*p == '\0') break;
    char* end = nullptr;
    long v = std::strtol(p, &end, 10);
    if (end == p || (*end != ' ' && *end != '\t' && *end != '\0'))
      throw Error(row.where, "space-separated integer pixel values", "'" + std::string(p, std::min<size_t>(12, std::strlen(p))) + "'");
    if (v < 0 || v > 255) throw Error(row.where, "pixel values in 0..255", std::to_string(v) + " at position " + std::to_string(n + 1));
    if (n < kPixels) dst[n] = static_cast<uint8_t>(v);
    ++n;
    p = end;
  }
  if (n != kPixels)
    throw Error(row.where, std::to_string(kPixels) + " pixel values (48x48)", std::to_string(n) + " values");
}

Split Fer2013Csv::usage_split(const Row& row) {
  if (row.usage == "Training") return Split::kTrain;
  if (row.usage == "PublicTest") return Split::kValid;
  if (row.usage == "PrivateTest") return Split::kTest;
  throw Error(row.where, "Usage Training, PublicTest or PrivateTest", "'" + row.usage + "'");
}

}  // namespace ferkit
