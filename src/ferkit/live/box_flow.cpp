// Carrying a face box between detections with pyramidal Lucas-Kanade optical flow
// (ferkit/live/face_tracker.h explains why flow and not opencv_contrib's KCF/CSRT).
#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include "ferkit/live/face_tracker.h"

namespace ferkit {
namespace {

double median(std::vector<double> v) {
  const size_t n = v.size();
  std::nth_element(v.begin(), v.begin() + n / 2, v.end());
  double hi = v[n / 2];
  if (n % 2 == 1) return hi;
  double lo = *std::max_element(v.begin(), v.begin() + n / 2);
  return 0.5 * (lo + hi);
}

}  // namespace

bool carry_box_by_flow(const cv::Mat& prev_gray, const cv::Mat& next_gray, cv::Rect2f& box, const TrackerOptions& o) {
  if (prev_gray.empty() || next_gray.empty() || prev_gray.size() != next_gray.size()) return false;
  const cv::Rect frame(0, 0, prev_gray.cols, prev_gray.rows);
  // Features from the inner 80% of the box: the border is often background that moves differently.
  const cv::Rect2f inner(box.x + 0.1f * box.width, box.y + 0.1f * box.height, 0.8f * box.width, 0.8f * box.height);
  const cv::Rect search = cv::Rect(inner) & frame;
  if (search.width < 8 || search.height < 8) return false;
  std::vector<cv::Point2f> p0;
  cv::goodFeaturesToTrack(prev_gray(search), p0, o.flow_max_points, 0.01, std::max(2.0, search.width / 12.0));
  if (static_cast<int>(p0.size()) < o.flow_min_points) return false;
  for (auto& p : p0) p += cv::Point2f(static_cast<float>(search.x), static_cast<float>(search.y));
  std::vector<cv::Point2f> p1, back;
  std::vector<uchar> st1, st2;
  std::vector<float> err;
  const cv::Size window(21, 21);
  cv::calcOpticalFlowPyrLK(prev_gray, next_gray, p0, p1, st1, err, window, 3);
  cv::calcOpticalFlowPyrLK(next_gray, prev_gray, p1, back, st2, err, window, 3);
  std::vector<cv::Point2f> a, b;
  for (size_t i = 0; i < p0.size(); ++i) {
    if (!st1[i] || !st2[i]) continue;
    if (cv::norm(back[i] - p0[i]) > o.flow_max_fb_error) continue;
    a.push_back(p0[i]);
    b.push_back(p1[i]);
  }
  if (static_cast<int>(a.size()) < o.flow_min_points) return false;
  std::vector<double> dx, dy, ratios;
  for (size_t i = 0; i < a.size(); ++i) {
    dx.push_back(b[i].x - a[i].x);
    dy.push_back(b[i].y - a[i].y);
  }
  // Scale: median ratio of pairwise distances after/before (pairs closer than 2 px are too noisy).
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = i + 1; j < a.size(); ++j) {
      const double d0 = cv::norm(a[i] - a[j]);
      if (d0 > 2.0) ratios.push_back(cv::norm(b[i] - b[j]) / d0);
    }
  const double s = ratios.empty() ? 1.0 : std::clamp(median(ratios), 0.8, 1.25);
  const double cx = box.x + 0.5 * box.width + median(dx);
  const double cy = box.y + 0.5 * box.height + median(dy);
  const double w = box.width * s, h = box.height * s;
  box = cv::Rect2f(static_cast<float>(cx - 0.5 * w), static_cast<float>(cy - 0.5 * h), static_cast<float>(w), static_cast<float>(h));
  return true;
}

}  // namespace ferkit
