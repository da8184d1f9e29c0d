// face-api's TinyFaceDetector as a face detection method of the live pipeline ("tinyface",
// ferkit/live/face_detector.h).
#include "ferkit/faceapi/tiny_face_detector.h"
#include "ferkit/live/face_detector.h"

#include <opencv2/core.hpp>

#include "ferkit/error.h"

namespace ferkit {
namespace {

faceapi::TinyFaceDetectorOptions tinyface_options(const FaceDetectorOptions& o) {
  faceapi::TinyFaceDetectorOptions t;
  t.model = o.tinyface_model;
  t.input_size = o.tinyface_input_size;
  if (o.score_threshold > 0) t.score_threshold = o.score_threshold;
  return t;
}

class TinyfaceFaceDetector : public FaceDetector {
 public:
  explicit TinyfaceFaceDetector(const FaceDetectorOptions& o) : opt_(o), det_(tinyface_options(o)) {}

  std::vector<Detection> detect(const cv::Mat& frame) override {
    FERKIT_CHECK(!frame.empty() && frame.depth() == CV_8U, "face detector: expected a non-empty 8-bit frame");
    std::vector<Detection> raw;
    for (const auto& f : det_.detect(frame)) raw.push_back({cv::Rect2f(f.box), static_cast<float>(f.score)});
    return finish(std::move(raw), frame.size(), opt_.min_face_px);
  }

  std::string name() const override { return "tinyface"; }

 private:
  FaceDetectorOptions opt_;
  faceapi::TinyFaceDetector det_;
};

}  // namespace

std::unique_ptr<FaceDetector> make_tinyface_detector(const FaceDetectorOptions& options) {
  return std::make_unique<TinyfaceFaceDetector>(options);
}

}  // namespace ferkit
