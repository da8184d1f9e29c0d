// Box stabilisation stage (ferkit/live/box_stabilizer.h).
#include "ferkit/live/box_stabilizer.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "ferkit/error.h"

namespace ferkit {
namespace {

float median_of(std::vector<float> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5f * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

BoxStabilizer::BoxStabilizer(const BoxStabilizerOptions& options) : opt_(options) {
  FERKIT_CHECK(opt_.window >= 1, "stabilize.window must be >= 1, got " << opt_.window);
  FERKIT_CHECK(opt_.margin >= 0, "stabilize.margin must be >= 0, got " << opt_.margin);
}

cv::Rect2f BoxStabilizer::update(int track_id, const cv::Rect2f& box) {
  auto& h = history_[track_id];
  h.push_back(box);
  while (static_cast<int>(h.size()) > opt_.window) h.pop_front();
  std::vector<float> cx, cy, w, hh;
  for (const auto& b : h) {
    cx.push_back(b.x + 0.5f * b.width);
    cy.push_back(b.y + 0.5f * b.height);
    w.push_back(b.width);
    hh.push_back(b.height);
  }
  const float mw = median_of(w), mh = median_of(hh);
  return cv::Rect2f(median_of(cx) - 0.5f * mw, median_of(cy) - 0.5f * mh, mw, mh);
}

void BoxStabilizer::forget(int track_id) { history_.erase(track_id); }

cv::Rect square_roi(const cv::Rect2f& box, double margin, cv::Size frame_size) {
  const double side = (1.0 + margin) * std::max(box.width, box.height);
  const double cx = box.x + 0.5 * box.width, cy = box.y + 0.5 * box.height;
  const int x0 = static_cast<int>(std::lround(cx - 0.5 * side));
  const int y0 = static_cast<int>(std::lround(cy - 0.5 * side));
  const int s = static_cast<int>(std::lround(side));
  return cv::Rect(x0, y0, s, s) & cv::Rect(0, 0, frame_size.width, frame_size.height);
}

}  // namespace ferkit
