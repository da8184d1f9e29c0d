// A picture of what the corruptions do: one face at every corruption (rows) and severity 0..5
// (columns), labelled. `ferkit robust sheet` writes it; `ferkit robust` puts one in its output.
//
//   cv::Mat face = cv::imread("face.png", cv::IMREAD_GRAYSCALE);   // gray for a gray model
//   ferkit::SheetOptions o;  o.tile = 96;
//   ferkit::write_corruption_sheet("sheet.png", face, o);
//
// Each row uses the generator the benchmark would use for image 0 (corruption_rng(seed, name, 0)),
// fresh at every severity, so a row shows one occluder, one blur direction... growing in strength.
// Tiles are enlarged with nearest-neighbour interpolation (pixels, noise and JPEG blocks are shown as
// the model gets them) and shrunk with area interpolation. A gray face gives a gray sheet, where
// colour_grey shows what a gray model meets (a cast, back to gray); a BGR face shows desaturation.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cv { class Mat; }

namespace ferkit {

struct SheetOptions {
  std::vector<std::string> corruptions;  // rows, in order (empty = all registered corruptions)
  int64_t seed = 0;                      // as ferkit robust --seed
  int tile = 96;                         // side of a face tile in pixels
};

// An 8-bit BGR image; ferkit::Error for an unknown corruption, an unusable face or tile < 16.
cv::Mat corruption_sheet(const cv::Mat& face, const SheetOptions& options);
// Writes corruption_sheet as PNG (ferkit::Error naming the file when it cannot be written).
void write_corruption_sheet(const std::filesystem::path& png, const cv::Mat& face, const SheetOptions& options);

}  // namespace ferkit
