// TF1 bilinear resize (ferkit/faceapi/tf1_resize.h). Hand-written on purpose: OpenCV and torch only
// offer centred (half-pixel) or corner-aligned sample grids, not TF1's top-left-anchored one that
// face-api's weights expect. Float arithmetic mirrors TensorFlow.js (scale and source positions in
// float32) so that results agree with face-api's to float rounding.
#include "ferkit/faceapi/tf1_resize.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/core.hpp>

#include "ferkit/error.h"

namespace ferkit::faceapi {
namespace {

struct Tap {
  int lo = 0, hi = 0;   // source indices (floor, clamped floor + 1)
  float frac = 0.f;     // weight of hi
};

std::vector<Tap> taps(int in, int out) {
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  std::vector<Tap> t(static_cast<size_t>(out));
  for (int i = 0; i < out; ++i) {
    const float src = static_cast<float>(i) * scale;
    const int lo = std::max(0, static_cast<int>(std::floor(src)));
    t[i].lo = lo;
    t[i].hi = std::min(in - 1, static_cast<int>(std::ceil(src)));
    t[i].frac = src - static_cast<float>(lo);
  }
  return t;
}

}  // namespace

cv::Mat tf1_resize_bilinear(const cv::Mat& image, int out_h, int out_w) {
  FERKIT_CHECK(!image.empty() && image.depth() == CV_32F,
               "tf1_resize_bilinear: expected a non-empty CV_32F image, got depth " << image.depth() << " size " << image.size());
  FERKIT_CHECK(out_h > 0 && out_w > 0, "tf1_resize_bilinear: expected a positive output size, got " << out_w << "x" << out_h);
  const int c = image.channels();
  const std::vector<Tap> ty = taps(image.rows, out_h), tx = taps(image.cols, out_w);
  cv::Mat out(out_h, out_w, CV_32FC(c));
  for (int y = 0; y < out_h; ++y) {
    const float* r0 = image.ptr<float>(ty[y].lo);
    const float* r1 = image.ptr<float>(ty[y].hi);
    const float dy = ty[y].frac;
    float* o = out.ptr<float>(y);
    for (int x = 0; x < out_w; ++x) {
      const float dx = tx[x].frac;
      const int a = tx[x].lo * c, b = tx[x].hi * c;
      for (int k = 0; k < c; ++k) {
        const float top = r0[a + k] + (r0[b + k] - r0[a + k]) * dx;
        const float bottom = r1[a + k] + (r1[b + k] - r1[a + k]) * dx;
        o[x * c + k] = top + (bottom - top) * dy;
      }
    }
  }
  return out;
}

}  // namespace ferkit::faceapi
