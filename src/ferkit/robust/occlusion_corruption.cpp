// Partial occlusion (ferkit/corruptions.h): a band across the eyes or the mouth, or a hand. The
// occluder is an alpha mask with anti-aliased edges (cv::ellipse LINE_AA, fractional band rows)
// blended over the crop, so that its area, and the damage, grow smoothly with severity.
#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "corruption_levels.h"

namespace ferkit::corruption {
namespace {

using corruption_detail::level;
using corruption_detail::uniform;

// Alpha of a horizontal band covering rows [top, bottom) (fractional rows partly covered).
cv::Mat band_alpha(cv::Size size, double top, double bottom) {
  cv::Mat alpha = cv::Mat::zeros(size, CV_32F);
  for (int y = 0; y < size.height; ++y) {
    const double cover = std::clamp(std::min<double>(y + 1, bottom) - std::max<double>(y, top), 0.0, 1.0);
    alpha.row(y).setTo(cover);
  }
  return alpha;
}

}  // namespace

cv::Mat occlusion(const cv::Mat& face, int severity, CorruptionRng& rng) {
  if (corruption_detail::is_identity("occlusion", face, severity)) return face.clone();
  // Every draw happens at every severity, in this order (common random numbers).
  const int kind = std::min(2, static_cast<int>(uniform(rng, 0.0, 3.0)));  // 0 eyes, 1 mouth, 2 hand
  const double shift = uniform(rng, -0.03, 0.03);
  const double shade = uniform(rng, 0.0, 1.0);
  const double hand_x = uniform(rng, 0.30, 0.70), hand_y = uniform(rng, 0.60, 0.85);
  const double hand_angle = uniform(rng, -30.0, 30.0);
  const double w = face.cols, h = face.rows;

  cv::Mat alpha;
  cv::Scalar fill;
  if (kind < 2) {
    // Eyes at about 39 % of a FER crop's height, the mouth at about 76 %.
    const double centre = ((kind == 0 ? 0.39 : 0.76) + shift) * h;
    const double height = level({0.10, 0.14, 0.18, 0.23, 0.28}, severity) * h;
    alpha = band_alpha(face.size(), centre - height / 2, centre + height / 2);
    // Eyes: dark glasses or hair; mouth: a mask or a sleeve, dark to light.
    fill = cv::Scalar::all(kind == 0 ? 15 + 35 * shade : 60 + 170 * shade);
  } else {
    const double width = level({0.22, 0.28, 0.34, 0.40, 0.46}, severity) * w;
    // Drawn at 16x sub-pixel precision so that small hands still grow smoothly.
    constexpr int kShift = 4;
    cv::Mat mask = cv::Mat::zeros(face.size(), CV_8U);
    const cv::Point centre(static_cast<int>(std::lround(hand_x * w * 16)), static_cast<int>(std::lround(hand_y * h * 16)));
    const cv::Size axes(static_cast<int>(std::lround(width / 2 * 16)), static_cast<int>(std::lround(width * 0.675 * 16)));
    cv::ellipse(mask, centre, axes, hand_angle, 0, 360, cv::Scalar(255), cv::FILLED, cv::LINE_AA, kShift);
    mask.convertTo(alpha, CV_32F, 1.0 / 255);
    // Skin: the face's own mean colour, a little lighter or darker.
    fill = cv::mean(face) * (0.85 + 0.3 * shade);
  }
  cv::Mat src, occluder(face.size(), CV_32FC(face.channels()), fill), out;
  face.convertTo(src, CV_32F);
  std::vector<cv::Mat> a(static_cast<size_t>(face.channels()), alpha);
  cv::Mat alpha_c;
  cv::merge(a, alpha_c);
  // Scalar::all: a bare 1.0 would be Scalar(1, 0, 0, 0) and darken every channel but the first.
  cv::Mat blended = src.mul(cv::Scalar::all(1.0) - alpha_c) + occluder.mul(alpha_c);
  blended.convertTo(out, face.type());
  return out;
}

}  // namespace ferkit::corruption
