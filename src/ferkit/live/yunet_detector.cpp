// OpenCV's YuNet face detector (cv::FaceDetectorYN, face detection method "yunet"), used when the
// user passes a YuNet .onnx model file.
#include <filesystem>

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect/face.hpp>

#include "ferkit/error.h"
#include "ferkit/live/face_detector.h"

namespace ferkit {
namespace {

class YunetDetector : public FaceDetector {
 public:
  explicit YunetDetector(const FaceDetectorOptions& o) : opt_(o) {
    if (o.yunet_model.empty()) throw Error("detect.yunet_model", "the path of a YuNet .onnx model file", "an empty path");
    if (!std::filesystem::exists(o.yunet_model)) throw Error(o.yunet_model, "a YuNet .onnx model file", "no such file");
    const float threshold = o.score_threshold > 0 ? static_cast<float>(o.score_threshold) : 0.6f;
    try {
      net_ = cv::FaceDetectorYN::create(o.yunet_model, "", cv::Size(320, 320), threshold, 0.3f, 5000);
    } catch (const cv::Exception& e) {
      throw Error(o.yunet_model, "a YuNet .onnx model file OpenCV DNN can load", "an OpenCV error: " + e.err);
    }
    if (!net_) throw Error(o.yunet_model, "a YuNet .onnx model file OpenCV DNN can load", "nothing was loaded");
  }

  std::vector<Detection> detect(const cv::Mat& frame) override {
    FERKIT_CHECK(!frame.empty() && frame.depth() == CV_8U, "face detector: expected a non-empty 8-bit frame");
    cv::Mat bgr;
    if (frame.channels() == 1) cv::cvtColor(frame, bgr, cv::COLOR_GRAY2BGR);
    else if (frame.channels() == 4) cv::cvtColor(frame, bgr, cv::COLOR_BGRA2BGR);
    else bgr = frame;
    if (bgr.size() != input_size_) {
      net_->setInputSize(bgr.size());
      input_size_ = bgr.size();
    }
    cv::Mat faces;  // N x 15: x, y, w, h, 5 landmarks (x, y), score
    try {
      net_->detect(bgr, faces);
    } catch (const cv::Exception& e) {
      throw Error(opt_.yunet_model, "a YuNet model that runs on a " + std::to_string(bgr.cols) + "x" +
                  std::to_string(bgr.rows) + " frame", "an OpenCV error: " + e.err);
    }
    std::vector<Detection> raw;
    for (int i = 0; i < faces.rows; ++i) {
      const float* r = faces.ptr<float>(i);
      raw.push_back({cv::Rect2f(r[0], r[1], r[2], r[3]), r[14]});
    }
    return finish(std::move(raw), frame.size(), opt_.min_face_px);
  }

  std::string name() const override { return "yunet"; }

 private:
  FaceDetectorOptions opt_;
  cv::Ptr<cv::FaceDetectorYN> net_;
  cv::Size input_size_{320, 320};
};

}  // namespace

std::unique_ptr<FaceDetector> make_yunet_detector(const FaceDetectorOptions& options) {
  return std::make_unique<YunetDetector>(options);
}

}  // namespace ferkit
