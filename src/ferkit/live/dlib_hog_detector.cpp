// dlib's HOG frontal face detector (face detection method "dlib_hog").
//
// Upsampling is done with cv::resize (bilinear, x2 per step) rather than dlib::pyramid_up: the
// result is the same scale change for the detector and OpenCV's resize is several times faster.
#include <cmath>

#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>
#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/live/face_detector.h"

namespace ferkit {
namespace {

class DlibHogDetector : public FaceDetector {
 public:
  explicit DlibHogDetector(const FaceDetectorOptions& o) : opt_(o), detector_(dlib::get_frontal_face_detector()) {
    FERKIT_CHECK(o.upsample >= 0 && o.upsample <= 3, "detect.upsample must be in [0, 3], got " << o.upsample);
  }

  std::vector<Detection> detect(const cv::Mat& frame) override {
    FERKIT_CHECK(!frame.empty() && frame.depth() == CV_8U, "face detector: expected a non-empty 8-bit frame");
    cv::Mat gray;
    if (frame.channels() == 3) cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
    else if (frame.channels() == 4) cv::cvtColor(frame, gray, cv::COLOR_BGRA2GRAY);
    else gray = frame;
    // scale: scanned pixels per frame pixel (shrink to max_width, then upsample).
    double shrink = 1.0;
    if (opt_.max_width > 0 && gray.cols > opt_.max_width) shrink = static_cast<double>(opt_.max_width) / gray.cols;
    const double scale = shrink * std::ldexp(1.0, opt_.upsample);
    cv::Mat scanned = gray;
    if (scale != 1.0) cv::resize(gray, scanned, cv::Size(), scale, scale, scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
    if (!scanned.isContinuous()) scanned = scanned.clone();
    dlib::cv_image<unsigned char> img(scanned);
    std::vector<dlib::rect_detection> found;
    detector_(img, found, opt_.score_threshold);
    std::vector<Detection> raw;
    raw.reserve(found.size());
    for (const auto& f : found) {
      Detection d;
      d.box = cv::Rect2f(static_cast<float>(f.rect.left() / scale), static_cast<float>(f.rect.top() / scale),
                         static_cast<float>(f.rect.width() / scale), static_cast<float>(f.rect.height() / scale));
      d.score = static_cast<float>(f.detection_confidence);
      raw.push_back(d);
    }
    return finish(std::move(raw), frame.size(), opt_.min_face_px);
  }

  std::string name() const override { return "dlib_hog"; }

 private:
  FaceDetectorOptions opt_;
  dlib::frontal_face_detector detector_;
};

}  // namespace

std::unique_ptr<FaceDetector> make_dlib_hog_detector(const FaceDetectorOptions& options) {
  return std::make_unique<DlibHogDetector>(options);
}

}  // namespace ferkit
