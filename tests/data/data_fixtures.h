// Small datasets written by the data tests themselves (in a TempDir), one writer per layout.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "ferkit/error.h"
#include "support/test_support.h"

namespace ferkit::test {

// One FERPlus label.csv row: image name and 10 vote counts (the box is always the full image).
struct FerplusRow {
  std::string name;
  std::array<int, 10> votes;
};

// <root>/<folder>/label.csv with the rows, and a distinct PNG per row (seed = seed0 + row index).
inline void write_ferplus_folder(const std::filesystem::path& root, const std::string& folder,
                                 const std::vector<FerplusRow>& rows, int seed0 = 0) {
  std::string csv;
  for (size_t i = 0; i < rows.size(); ++i) {
    csv += rows[i].name + ",\"(0, 0, 48, 48)\"";
    for (int v : rows[i].votes) csv += "," + std::to_string(v);
    csv += "\n";
    write_png(root / folder / rows[i].name, seed0 + static_cast<int>(i));
  }
  write_text(root / folder / "label.csv", csv);
}

// 2304 space-separated pixel values of a 48x48 image whose pixel i is (seed * 7 + i) % 256.
inline std::string fer2013_pixels(int seed) {
  std::string s;
  for (int i = 0; i < 48 * 48; ++i) s += (i ? " " : "") + std::to_string((seed * 7 + i) % 256);
  return s;
}

// Runs f and expects a ferkit::Error whose message contains every one of parts.
template <class F>
void expect_error(F&& f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "expected a ferkit::Error mentioning " << (parts.empty() ? "" : parts[0]);
  } catch (const ferkit::Error& e) {
    const std::string what = e.what();
    for (const auto& p : parts) EXPECT_NE(what.find(p), std::string::npos) << "'" << p << "' not in: " << what;
  }
}

}  // namespace ferkit::test
