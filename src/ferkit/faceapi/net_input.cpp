// face-api's input preparation (ferkit/faceapi/net_input.h).
#include "ferkit/faceapi/net_input.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/faceapi/tf1_resize.h"

namespace ferkit::faceapi {

SquarePadding square_padding(int height, int width, bool centred) {
  SquarePadding p;
  const int diff = std::abs(height - width);
  if (diff == 0) return p;
  // JavaScript's Math.round(diff * 0.5) (halves round up) is appended, the rest prepended.
  const int append = centred ? static_cast<int>(std::floor(diff * 0.5 + 0.5)) : diff;
  const int prepend = diff - append;
  if (height > width) {
    p.left = prepend;
    p.right = append;
  } else {
    p.top = prepend;
    p.bottom = append;
  }
  return p;
}

cv::Mat padded_square_rgb(const cv::Mat& image, bool centred) {
  FERKIT_CHECK(!image.empty() && image.depth() == CV_8U,
               "face-api input: expected a non-empty 8-bit image, got depth " << image.depth() << " size " << image.size());
  cv::Mat rgb;
  switch (image.channels()) {
    case 1: cv::cvtColor(image, rgb, cv::COLOR_GRAY2RGB); break;
    case 3: cv::cvtColor(image, rgb, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(image, rgb, cv::COLOR_BGRA2RGB); break;
    default: throw Error("face-api input", "1, 3 or 4 channels", std::to_string(image.channels()) + " channels");
  }
  cv::Mat f;
  rgb.convertTo(f, CV_32F);
  const SquarePadding p = square_padding(image.rows, image.cols, centred);
  if (p.top + p.bottom + p.left + p.right == 0) return f;
  cv::Mat out;
  cv::copyMakeBorder(f, out, p.top, p.bottom, p.left, p.right, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return out;
}

void net_input_into(const cv::Mat& image, const NetInputSpec& spec, float* out) {
  FERKIT_CHECK(spec.size > 0, "face-api input: size must be > 0, got " << spec.size);
  cv::Mat sq = padded_square_rgb(image, spec.centred);
  if (sq.rows != spec.size || sq.cols != spec.size) sq = tf1_resize_bilinear(sq, spec.size, spec.size);
  const int n = spec.size * spec.size;
  for (int y = 0; y < spec.size; ++y) {
    const float* row = sq.ptr<float>(y);
    for (int x = 0; x < spec.size; ++x)
      for (int c = 0; c < 3; ++c) out[c * n + y * spec.size + x] = (row[3 * x + c] - spec.mean_rgb[c]) / 255.f;
  }
}

Extent reshaped_extent(int height, int width, int size) {
  const double s = static_cast<double>(size) / std::max(height, width);
  return {static_cast<int>(std::floor(width * s + 0.5)), static_cast<int>(std::floor(height * s + 0.5))};
}

}  // namespace ferkit::faceapi
