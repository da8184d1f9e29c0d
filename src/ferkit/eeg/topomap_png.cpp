// PNG grids of topomaps (OpenCV drawing): one row per map, one panel per band, viridis colours over
// each band's range, the head outline with nose and ears, and the electrodes as dots.
#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/eeg_topomap.h"
#include "ferkit/error.h"

namespace ferkit {

int64_t write_topomap_png(const TopomapSet& t, const std::filesystem::path& file, int64_t rows, int panel) {
  FERKIT_CHECK(panel >= 48, "topomap PNG panel must be >= 48 px, got " << panel);
  rows = std::min(rows, t.count);
  if (rows <= 0) throw Error(file.string(), "at least one map to draw", "none");
  const int label_w = 120, header_h = 24, margin = panel / 10, inner = panel - 2 * margin;
  const int64_t px = t.grid * t.grid;
  // Outside-head pixels take the value of the nearest in-head pixel before upscaling, so that the
  // zeros outside do not bleed into the rim of the drawn head.
  cv::Mat outside(static_cast<int>(t.grid), static_cast<int>(t.grid), CV_8U), distance, nearest;
  for (int64_t k = 0; k < px; ++k) outside.data[k] = t.mask[static_cast<size_t>(k)] ? 0 : 255;
  cv::distanceTransform(outside, distance, nearest, cv::DIST_L2, cv::DIST_MASK_5, cv::DIST_LABEL_PIXEL);
  std::vector<int> source_of_label(static_cast<size_t>(px) + 1, 0);
  for (int64_t k = 0; k < px; ++k)
    if (t.mask[static_cast<size_t>(k)])
      source_of_label[static_cast<size_t>(nearest.at<int>(static_cast<int>(k)))] = static_cast<int>(k);
  cv::Mat canvas(header_h + static_cast<int>(rows) * panel, label_w + static_cast<int>(t.bands) * panel, CV_8UC3,
                 cv::Scalar(255, 255, 255));
  const cv::Scalar black(0, 0, 0);

  for (int64_t b = 0; b < t.bands; ++b) {
    cv::putText(canvas, t.band_names[static_cast<size_t>(b)],
                cv::Point(label_w + static_cast<int>(b) * panel + margin, 16), cv::FONT_HERSHEY_SIMPLEX, 0.45, black, 1,
                cv::LINE_AA);
    // Colour range of this band over the drawn rows.
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t k = 0; k < px; ++k)
        if (t.mask[static_cast<size_t>(k)]) {
          double v = t.maps[static_cast<size_t>((r * t.bands + b) * px + k)];
          lo = std::min(lo, v), hi = std::max(hi, v);
        }
    for (int64_t r = 0; r < rows; ++r) {
      cv::Mat map(static_cast<int>(t.grid), static_cast<int>(t.grid), CV_32F);
      const float* values = t.maps.data() + (r * t.bands + b) * px;
      for (int64_t k = 0; k < px; ++k)
        map.at<float>(static_cast<int>(k)) =
            values[t.mask[static_cast<size_t>(k)]
                       ? k
                       : source_of_label[static_cast<size_t>(nearest.at<int>(static_cast<int>(k)))]];
      cv::Mat scaled, big, colour;
      map.convertTo(scaled, CV_32F, hi > lo ? 255.0 / (hi - lo) : 0.0, hi > lo ? -255.0 * lo / (hi - lo) : 128.0);
      cv::resize(scaled, big, cv::Size(inner, inner), 0, 0, cv::INTER_LINEAR);
      big.convertTo(big, CV_8U);
      cv::applyColorMap(big, colour, cv::COLORMAP_VIRIDIS);
      const cv::Point origin(label_w + static_cast<int>(b) * panel + margin,
                             header_h + static_cast<int>(r) * panel + margin);
      const cv::Point centre(origin.x + inner / 2, origin.y + inner / 2);
      const double radius = inner / 2.0;
      for (int y = 0; y < inner; ++y)
        for (int x = 0; x < inner; ++x)
          if (std::hypot(x + 0.5 - radius, y + 0.5 - radius) <= radius)
            canvas.at<cv::Vec3b>(origin.y + y, origin.x + x) = colour.at<cv::Vec3b>(y, x);
      // Head outline, nose (towards +y, drawn up) and ears.
      cv::circle(canvas, centre, static_cast<int>(radius), black, 1, cv::LINE_AA);
      std::vector<cv::Point> nose = {
          {centre.x - static_cast<int>(radius * 0.18), centre.y - static_cast<int>(radius * 0.98)},
          {centre.x, centre.y - static_cast<int>(radius * 1.12)},
          {centre.x + static_cast<int>(radius * 0.18), centre.y - static_cast<int>(radius * 0.98)}};
      cv::polylines(canvas, nose, false, black, 1, cv::LINE_AA);
      for (int side : {-1, 1})
        cv::ellipse(canvas, cv::Point(centre.x + side * static_cast<int>(radius * 1.03), centre.y),
                    cv::Size(static_cast<int>(radius * 0.06) + 1, static_cast<int>(radius * 0.2)), 0, 0, 360, black, 1,
                    cv::LINE_AA);
      for (const auto& p : t.positions) {
        cv::Point dot(origin.x + static_cast<int>((p.x + t.extent) / (2 * t.extent) * inner),
                      origin.y + static_cast<int>((t.extent - p.y) / (2 * t.extent) * inner));
        cv::circle(canvas, dot, 2, black, cv::FILLED, cv::LINE_AA);
      }
      if (b == 0) {
        std::string label = "s" + std::to_string(t.subject[static_cast<size_t>(r)]) + " t" +
                            std::to_string(t.trial[static_cast<size_t>(r)]) + " w" +
                            std::to_string(t.window[static_cast<size_t>(r)]);
        cv::putText(canvas, label, cv::Point(6, header_h + static_cast<int>(r) * panel + panel / 2),
                    cv::FONT_HERSHEY_SIMPLEX, 0.4, black, 1, cv::LINE_AA);
        if (!std::isnan(t.valence[static_cast<size_t>(r)])) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "v%+.2f a%+.2f", t.valence[static_cast<size_t>(r)],
                        t.arousal[static_cast<size_t>(r)]);
          cv::putText(canvas, buf, cv::Point(6, header_h + static_cast<int>(r) * panel + panel / 2 + 16),
                      cv::FONT_HERSHEY_SIMPLEX, 0.4, black, 1, cv::LINE_AA);
        }
      }
    }
  }
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  if (!cv::imwrite(file.string(), canvas)) throw Error(file.string(), "a writable PNG", "OpenCV could not write it");
  return rows;
}

}  // namespace ferkit
