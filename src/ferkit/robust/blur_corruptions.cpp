// Blur and resolution corruptions (ferkit/corruptions.h). OpenCV does the filtering (filter2D) and
// resampling (resize); the kernels are built here because OpenCV has no motion or disk kernel:
// both are rasterised with sub-pixel accuracy so that small strengths on a 48-px crop still grow
// smoothly with severity.
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "corruption_levels.h"

namespace ferkit::corruption {
namespace {

using corruption_detail::is_identity;
using corruption_detail::level;

// A line of `length` px through the kernel centre at `angle` radians, as bilinear splats of
// closely spaced points; sums to 1.
cv::Mat line_kernel(double length, double angle) {
  const int half = static_cast<int>(std::ceil(length / 2.0)) + 1;
  cv::Mat k = cv::Mat::zeros(2 * half + 1, 2 * half + 1, CV_32F);
  const int points = std::max(2, static_cast<int>(std::ceil(length * 4.0)) + 1);
  for (int i = 0; i < points; ++i) {
    const double t = -length / 2.0 + length * i / (points - 1);
    const double x = half + t * std::cos(angle), y = half + t * std::sin(angle);
    const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
    const double fx = x - x0, fy = y - y0;
    k.at<float>(y0, x0) += static_cast<float>((1 - fx) * (1 - fy));
    k.at<float>(y0, x0 + 1) += static_cast<float>(fx * (1 - fy));
    k.at<float>(y0 + 1, x0) += static_cast<float>((1 - fx) * fy);
    k.at<float>(y0 + 1, x0 + 1) += static_cast<float>(fx * fy);
  }
  return k / cv::sum(k)[0];
}

// A disk of `radius` px: each cell weighs the share of its 8 x 8 sub-samples inside; sums to 1.
cv::Mat disk_kernel(double radius) {
  const int half = static_cast<int>(std::ceil(radius + 0.5));
  cv::Mat k = cv::Mat::zeros(2 * half + 1, 2 * half + 1, CV_32F);
  constexpr int kSub = 8;
  for (int y = -half; y <= half; ++y)
    for (int x = -half; x <= half; ++x) {
      int inside = 0;
      for (int sy = 0; sy < kSub; ++sy)
        for (int sx = 0; sx < kSub; ++sx) {
          const double px = x - 0.5 + (sx + 0.5) / kSub, py = y - 0.5 + (sy + 0.5) / kSub;
          inside += px * px + py * py <= radius * radius;
        }
      k.at<float>(y + half, x + half) = static_cast<float>(inside);
    }
  k.at<float>(half, half) = std::max(k.at<float>(half, half), 1.0f);  // never an empty kernel
  return k / cv::sum(k)[0];
}

cv::Mat filtered(const cv::Mat& face, const cv::Mat& kernel) {
  cv::Mat out;
  cv::filter2D(face, out, -1, kernel, cv::Point(-1, -1), 0, cv::BORDER_REPLICATE);
  return out;
}

}  // namespace

cv::Mat motion_blur(const cv::Mat& face, int severity, CorruptionRng& rng) {
  if (is_identity("motion_blur", face, severity)) return face.clone();
  const double angle = corruption_detail::uniform(rng, 0.0, CV_PI);
  const double length = std::max(1.0, level({0.04, 0.07, 0.10, 0.13, 0.17}, severity) * face.cols);
  return filtered(face, line_kernel(length, angle));
}

cv::Mat defocus_blur(const cv::Mat& face, int severity, CorruptionRng&) {
  if (is_identity("defocus_blur", face, severity)) return face.clone();
  const double radius = level({0.015, 0.025, 0.035, 0.047, 0.06}, severity) * face.cols;
  return filtered(face, disk_kernel(radius));
}

cv::Mat downscale(const cv::Mat& face, int severity, CorruptionRng&) {
  if (is_identity("downscale", face, severity)) return face.clone();
  const double width = std::min(level({40, 32, 26, 21, 17}, severity), level({0.85, 0.70, 0.55, 0.45, 0.36}, severity) * face.cols);
  const double s = width / face.cols;
  const cv::Size small(std::max(1, static_cast<int>(std::lround(face.cols * s))), std::max(1, static_cast<int>(std::lround(face.rows * s))));
  cv::Mat tiny, out;
  cv::resize(face, tiny, small, 0, 0, cv::INTER_AREA);
  cv::resize(tiny, out, face.size(), 0, 0, cv::INTER_LINEAR);
  return out;
}

}  // namespace ferkit::corruption
