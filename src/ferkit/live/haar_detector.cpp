// OpenCV's Haar cascade face detector (face detection method "haar"), the fallback that needs
// nothing beyond opencv-data.
#include <filesystem>

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "ferkit/error.h"
#include "ferkit/live/face_detector.h"

namespace ferkit {
namespace {

class HaarDetector : public FaceDetector {
 public:
  explicit HaarDetector(const FaceDetectorOptions& o) : opt_(o) {
    if (!std::filesystem::exists(o.haar_cascade))
      throw Error(o.haar_cascade, "an OpenCV Haar cascade XML file (Debian package opencv-data)", "no such file");
    bool ok = false;
    try {
      ok = cascade_.load(o.haar_cascade);
    } catch (const cv::Exception&) {
      ok = false;
    }
    if (!ok || cascade_.empty()) throw Error(o.haar_cascade, "an OpenCV Haar cascade XML file", "a file OpenCV cannot load as one");
  }

  std::vector<Detection> detect(const cv::Mat& frame) override {
    FERKIT_CHECK(!frame.empty() && frame.depth() == CV_8U, "face detector: expected a non-empty 8-bit frame");
    cv::Mat gray;
    if (frame.channels() == 3) cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
    else if (frame.channels() == 4) cv::cvtColor(frame, gray, cv::COLOR_BGRA2GRAY);
    else gray = frame;
    double scale = 1.0;
    if (opt_.max_width > 0 && gray.cols > opt_.max_width) scale = static_cast<double>(opt_.max_width) / gray.cols;
    cv::Mat scanned;
    if (scale < 1.0) cv::resize(gray, scanned, cv::Size(), scale, scale, cv::INTER_AREA);
    else scanned = gray.clone();
    cv::equalizeHist(scanned, scanned);
    std::vector<cv::Rect> boxes;
    std::vector<int> neighbours;
    const int min_side = std::max(1, static_cast<int>(opt_.min_face_px * scale));
    cascade_.detectMultiScale(scanned, boxes, neighbours, 1.1, 5, 0, cv::Size(min_side, min_side));
    std::vector<Detection> raw;
    for (size_t i = 0; i < boxes.size(); ++i) {
      const cv::Rect2f b(boxes[i]);
      const float inv = static_cast<float>(1.0 / scale);
      raw.push_back({cv::Rect2f(b.x * inv, b.y * inv, b.width * inv, b.height * inv),
                     i < neighbours.size() ? static_cast<float>(neighbours[i]) : 0.f});
    }
    return finish(std::move(raw), frame.size(), opt_.min_face_px);
  }

  std::string name() const override { return "haar"; }

 private:
  FaceDetectorOptions opt_;
  cv::CascadeClassifier cascade_;
};

}  // namespace

std::unique_ptr<FaceDetector> make_haar_detector(const FaceDetectorOptions& options) {
  return std::make_unique<HaarDetector>(options);
}

}  // namespace ferkit
