// face-api's FaceLandmark68TinyNet as a landmark provider of the alignment stage ("faceapi68tiny",
// ferkit/live/landmark_provider.h).
#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>

#include "ferkit/faceapi/face_landmark_68_tiny.h"
#include "ferkit/live/landmark_provider.h"

namespace ferkit {
namespace {

class FaceapiLandmarks : public LandmarkProvider {
 public:
  explicit FaceapiLandmarks(const AlignerOptions& o) : net_(o.faceapi_landmarks_model) {}

  std::vector<cv::Point2f> landmarks(const cv::Mat& frame, const cv::Rect2f& face_box) override {
    // face-api's Box.clipAtImageBorders: clip to the frame, then floor every coordinate.
    const double x = std::max<double>(face_box.x, 0.0), y = std::max<double>(face_box.y, 0.0);
    const double w = std::min<double>(face_box.x + face_box.width - x, frame.cols - x);
    const double h = std::min<double>(face_box.y + face_box.height - y, frame.rows - y);
    const cv::Rect crop(static_cast<int>(std::floor(x)), static_cast<int>(std::floor(y)), static_cast<int>(std::floor(w)),
                        static_cast<int>(std::floor(h)));
    if (crop.width <= 0 || crop.height <= 0 || (crop & cv::Rect(0, 0, frame.cols, frame.rows)) != crop) return {};
    std::vector<cv::Point2f> pts = net_.landmarks(frame(crop));
    for (auto& p : pts) p += cv::Point2f(static_cast<float>(crop.x), static_cast<float>(crop.y));
    return pts;
  }

  std::string name() const override { return "faceapi68tiny"; }

 private:
  faceapi::FaceLandmark68Tiny net_;
};

}  // namespace

std::unique_ptr<LandmarkProvider> make_faceapi68tiny_landmarks(const AlignerOptions& options) {
  return std::make_unique<FaceapiLandmarks>(options);
}

}  // namespace ferkit
