// The corruption sheet (ferkit/corruption_sheet.h), drawn with OpenCV like ferkit/plot.h.
#include "ferkit/corruption_sheet.h"

#include <algorithm>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/corruptions.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

constexpr int kGap = 4, kLabelWidth = 130, kHeader = 28;

// The face fitted into a tile x tile square (aspect kept, centred on white), as BGR.
cv::Mat tile_of(const cv::Mat& img, int tile) {
  const double s = std::min(static_cast<double>(tile) / img.cols, static_cast<double>(tile) / img.rows);
  const cv::Size size(std::max(1, static_cast<int>(img.cols * s)), std::max(1, static_cast<int>(img.rows * s)));
  cv::Mat resized, bgr;
  cv::resize(img, resized, size, 0, 0, s >= 1 ? cv::INTER_NEAREST : cv::INTER_AREA);
  if (resized.channels() == 1) cv::cvtColor(resized, bgr, cv::COLOR_GRAY2BGR);
  else bgr = resized;
  cv::Mat out(tile, tile, CV_8UC3, cv::Scalar::all(255));
  bgr.copyTo(out(cv::Rect((tile - size.width) / 2, (tile - size.height) / 2, size.width, size.height)));
  return out;
}

void text(cv::Mat& img, const std::string& s, cv::Point at, double scale = 0.45) {
  cv::putText(img, s, at, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar::all(20), 1, cv::LINE_AA);
}

}  // namespace

cv::Mat corruption_sheet(const cv::Mat& face, const SheetOptions& o) {
  FERKIT_CHECK(o.tile >= 16, "corruption sheet: tile must be >= 16 px, got " << o.tile);
  const std::vector<std::string> rows = o.corruptions.empty() ? corruption_names() : o.corruptions;
  for (const auto& name : rows) corruption_info(name);  // unknown names fail before drawing
  const int cols = kMaxSeverity + 1;
  const int width = kLabelWidth + cols * (o.tile + kGap) + kGap;
  const int height = kHeader + static_cast<int>(rows.size()) * (o.tile + kGap) + kGap;
  cv::Mat sheet(height, width, CV_8UC3, cv::Scalar::all(255));
  for (int s = 0; s < cols; ++s)
    text(sheet, s == 0 ? "0 (clean)" : "severity " + std::to_string(s), {kLabelWidth + s * (o.tile + kGap) + kGap, kHeader - 9});
  for (size_t r = 0; r < rows.size(); ++r) {
    const int y = kHeader + static_cast<int>(r) * (o.tile + kGap);
    text(sheet, rows[r], {6, y + o.tile / 2 + 5});
    for (int s = 0; s < cols; ++s) {
      CorruptionRng rng = corruption_rng(static_cast<uint64_t>(o.seed), rows[r], 0);
      cv::Mat img = apply_corruption(rows[r], face, s, rng);
      tile_of(img, o.tile).copyTo(sheet(cv::Rect(kLabelWidth + s * (o.tile + kGap) + kGap, y, o.tile, o.tile)));
    }
  }
  return sheet;
}

void write_corruption_sheet(const std::filesystem::path& png, const cv::Mat& face, const SheetOptions& o) {
  cv::Mat sheet = corruption_sheet(face, o);
  if (png.has_parent_path()) std::filesystem::create_directories(png.parent_path());
  if (!cv::imwrite(png.string(), sheet)) throw Error(png.string(), "a writable PNG file", "cv::imwrite failed");
}

}  // namespace ferkit
