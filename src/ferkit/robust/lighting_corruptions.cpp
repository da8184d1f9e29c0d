// Exposure and contrast corruptions (ferkit/corruptions.h): per-pixel curves, applied with cv::LUT.
#include <cmath>

#include <opencv2/core.hpp>

#include "corruption_levels.h"

namespace ferkit::corruption {
namespace {

using corruption_detail::is_identity;
using corruption_detail::level;

// 256-entry table of round(255 * clamp(curve(x / 255), 0, 1)).
template <class Curve>
cv::Mat curve_table(Curve curve) {
  cv::Mat lut(1, 256, CV_8UC1);
  for (int i = 0; i < 256; ++i) {
    const double v = 255.0 * curve(i / 255.0);
    lut.at<uint8_t>(0, i) = cv::saturate_cast<uint8_t>(std::lround(v));
  }
  return lut;
}

}  // namespace

cv::Mat low_light(const cv::Mat& face, int severity, CorruptionRng&) {
  if (is_identity("low_light", face, severity)) return face.clone();
  const double gain = level({0.72, 0.58, 0.46, 0.37, 0.30}, severity);
  const double gamma = level({1.15, 1.25, 1.40, 1.55, 1.70}, severity);
  cv::Mat out;
  cv::LUT(face, curve_table([&](double x) { return gain * std::pow(x, gamma); }), out);
  return out;
}

cv::Mat over_exposure(const cv::Mat& face, int severity, CorruptionRng&) {
  if (is_identity("over_exposure", face, severity)) return face.clone();
  const double gain = level({1.15, 1.28, 1.42, 1.56, 1.70}, severity);
  const double gamma = level({1.00, 1.05, 1.10, 1.15, 1.20}, severity);
  cv::Mat out;
  cv::LUT(face, curve_table([&](double x) { return std::min(1.0, gain * std::pow(x, 1.0 / gamma)); }), out);
  return out;
}

cv::Mat low_contrast(const cv::Mat& face, int severity, CorruptionRng&) {
  if (is_identity("low_contrast", face, severity)) return face.clone();
  const double c = level({0.65, 0.50, 0.38, 0.28, 0.20}, severity);
  const cv::Scalar channel_means = cv::mean(face);
  double m = 0;
  for (int k = 0; k < face.channels(); ++k) m += channel_means[k];
  m /= face.channels();
  cv::Mat out;
  face.convertTo(out, -1, c, m * (1.0 - c));
  return out;
}

}  // namespace ferkit::corruption
