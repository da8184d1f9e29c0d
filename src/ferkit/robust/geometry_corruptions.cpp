// Geometric corruptions (ferkit/corruptions.h): head roll and a detector box that is off. Both are
// one cv::warpAffine with the border replicated (the crop has no surroundings to show).
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "corruption_levels.h"

namespace ferkit::corruption {

using corruption_detail::is_identity;
using corruption_detail::level;
using corruption_detail::uniform;

cv::Mat rotation(const cv::Mat& face, int severity, CorruptionRng& rng) {
  if (is_identity("rotation", face, severity)) return face.clone();
  const double sign = uniform(rng, 0.0, 1.0) < 0.5 ? -1.0 : 1.0;
  const double angle = sign * level({5, 10, 15, 22, 30}, severity);
  const cv::Point2f centre((face.cols - 1) * 0.5f, (face.rows - 1) * 0.5f);
  cv::Mat out;
  cv::warpAffine(face, out, cv::getRotationMatrix2D(centre, angle, 1.0), face.size(), cv::INTER_LINEAR,
                 cv::BORDER_REPLICATE);
  return out;
}

cv::Mat box_jitter(const cv::Mat& face, int severity, CorruptionRng& rng) {
  if (is_identity("box_jitter", face, severity)) return face.clone();
  const double direction = uniform(rng, 0.0, 2.0 * CV_PI);
  const double grow = uniform(rng, 0.0, 1.0) < 0.5 ? -1.0 : 1.0;
  const double f = level({0.10, 0.15, 0.20, 0.25, 0.30}, severity);
  // The detector's box: centre moved by f x side, sides scaled by (1 +- f). Output pixel u samples
  // the source at box_centre + (u - centre) * a.
  const double a = 1.0 + grow * f;
  const double cx = (face.cols - 1) * 0.5, cy = (face.rows - 1) * 0.5;
  const double bx = cx + f * face.cols * std::cos(direction), by = cy + f * face.rows * std::sin(direction);
  const cv::Mat m = (cv::Mat_<double>(2, 3) << a, 0, bx - a * cx, 0, a, by - a * cy);
  cv::Mat out;
  cv::warpAffine(face, out, m, face.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
  return out;
}

}  // namespace ferkit::corruption
