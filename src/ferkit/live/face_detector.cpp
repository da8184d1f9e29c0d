// Shared parts of the face detection stage (ferkit/live/face_detector.h): post-processing and IoU.
#include "ferkit/live/face_detector.h"

#include <algorithm>

namespace ferkit {

std::vector<Detection> FaceDetector::finish(std::vector<Detection> raw, cv::Size frame_size, int min_face_px) {
  const cv::Rect2f frame(0.f, 0.f, static_cast<float>(frame_size.width), static_cast<float>(frame_size.height));
  std::vector<Detection> out;
  out.reserve(raw.size());
  for (auto& d : raw) {
    d.box &= frame;
    if (d.box.width <= 0 || d.box.height <= 0 || std::min(d.box.width, d.box.height) < static_cast<float>(min_face_px)) {
      ++dropped_small_;
      continue;
    }
    out.push_back(d);
  }
  std::stable_sort(out.begin(), out.end(), [](const Detection& a, const Detection& b) { return a.score > b.score; });
  return out;
}

double box_iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const double inter = (a & b).area();
  const double uni = static_cast<double>(a.area()) + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0;
}

}  // namespace ferkit
