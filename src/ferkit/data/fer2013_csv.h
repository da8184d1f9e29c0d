// Row reader for the FER2013 release file fer2013.csv (header "emotion,pixels,Usage"; pixels are
// 2304 space-separated values of a 48x48 grayscale face), shared by the fer2013 and
// ferplus-original readers. Internal to the data readers.
//
//   Fer2013Csv csv(root / "fer2013.csv");
//   Fer2013Csv::Row row;
//   while (csv.next(row)) { csv.read_pixels(row, dst); ... row.where ... }
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ferkit/csv.h"
#include "ferkit/data/csv_columns.h"
#include "ferkit/dataset.h"

namespace ferkit {

class Fer2013Csv {
 public:
  static constexpr int kSide = 48;
  static constexpr int kPixels = kSide * kSide;

  struct Row {
    std::string where;   // "fer2013.csv:17"
    int64_t index = 0;   // 0-based data row
    int emotion = -1;    // -1 when the file has no emotion column
    std::string usage;   // "" when the file has no Usage column
    std::string pixels;
  };

  explicit Fer2013Csv(const std::filesystem::path& file);
  bool next(Row& row);
  bool has_usage() const { return usage_.has_value(); }
  bool has_emotion() const { return emotion_.has_value(); }
  // Parses the row's 2304 pixel values into dst; an Error names the row when there are not
  // exactly 2304 values in 0..255.
  static void read_pixels(const Row& row, uint8_t* dst);
  // Training -> train, PublicTest -> valid, PrivateTest -> test; anything else is an Error.
  static Split usage_split(const Row& row);

 private:
  CsvReader reader_;
  CsvColumns columns_;
  std::string name_;
  size_t pixels_ = 0;
  std::optional<size_t> emotion_, usage_;
  int64_t index_ = 0;
};

}  // namespace ferkit
