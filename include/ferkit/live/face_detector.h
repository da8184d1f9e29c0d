// Face detection stage: boxes of the faces in one frame.
//
//   ferkit::FaceDetectorOptions o;          // dlib HOG by default
//   o.upsample = 1;                         // find faces down to ~40 px
//   auto det = ferkit::make_face_detector(o);
//   std::vector<ferkit::Detection> faces = det->detect(frame_bgr);
//
// Methods (FaceDetectorOptions::method), an explicit table in face_detector_registry.cpp:
// - "dlib_hog": dlib::get_frontal_face_detector(). upsample n enlarges the image by 2^n first
//   (OpenCV bilinear resize, cheaper than dlib's pyramid_up) so faces of ~80/2^n px are found;
//   score_threshold is dlib's adjust_threshold (0 = dlib's default operating point).
// - "haar": OpenCV's Haar cascade (haar_cascade, opencv-data's frontal face cascade by default).
//   Its score is the number of neighbouring detections; score_threshold is not applied.
// - "yunet": cv::FaceDetectorYN with the YuNet .onnx file in yunet_model; score_threshold is its
//   confidence threshold (0.6 when left at 0). Chosen automatically when yunet_model is set and
//   method is "auto".
// - "tinyface": face-api.js's TinyFaceDetector (ferkit/faceapi/tiny_face_detector.h) from
//   tinyface_model (`ferkit import faceapi` writes it; face-api's weights manifest works too) at
//   tinyface_input_size; score_threshold is its score threshold (0.5 when left at 0).
// dlib_hog and haar scan a copy of the frame scaled down to max_width (640 px by default; HOG's
// cost grows with the pixel count and faces in a live view are rarely small), then scale the boxes
// back; upsample applies after that, min_face_px before it (in frame pixels).
// Contract: boxes are in frame pixels, clipped to the frame, at least min_face_px on their shorter
// side (smaller ones are dropped and counted in dropped_small()), sorted by score (highest first).
// Input frames are 8-bit BGR or grayscale. A missing model/cascade file, or a file of the wrong
// kind, throws ferkit::Error naming the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

namespace cv { class Mat; }

namespace ferkit {

struct Detection {
  cv::Rect2f box;      // frame pixels
  float score = 0.f;   // detector confidence (method-specific scale)
};

struct FaceDetectorOptions {
  std::string method = "auto";  // auto, dlib_hog, haar, yunet, tinyface (auto: yunet when yunet_model is set, else dlib_hog)
  int upsample = 1;             // dlib_hog: enlarge the image 2^upsample times before scanning
  double score_threshold = 0.0; // dlib_hog: adjust_threshold; yunet: confidence (0 -> 0.6); tinyface: score (0 -> 0.5)
  int min_face_px = 40;         // drop faces whose shorter side is smaller (frame pixels)
  int max_width = 640;          // dlib_hog, haar: scan a copy scaled down to this width (0 = full size)
  std::string haar_cascade = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";  // haar: cascade XML
  std::string yunet_model;      // yunet: face_detection_yunet_*.onnx
  std::string tinyface_model = "models/faceapi/tiny_face_detector.pt";  // tinyface: checkpoint or weights manifest
  int tinyface_input_size = 416;  // tinyface: network input side (multiple of 32)
  template <class V> void visit(V& v) {
    v("method", method, "auto, dlib_hog, haar, yunet or tinyface (auto: yunet when yunet_model is set, else dlib_hog)");
    v("upsample", upsample, "dlib_hog: enlarge the image 2^upsample times before scanning");
    v("score_threshold", score_threshold, "dlib_hog: adjust_threshold; yunet: confidence (0 -> 0.6); tinyface: score (0 -> 0.5)");
    v("min_face_px", min_face_px, "drop faces whose shorter side is smaller than this (pixels)");
    v("max_width", max_width, "dlib_hog, haar: scan a copy scaled down to this width (0 = full size)");
    v("haar_cascade", haar_cascade, "haar: cascade XML file");
    v("yunet_model", yunet_model, "yunet: the YuNet .onnx model file");
    v("tinyface_model", tinyface_model, "tinyface: face-api tiny face detector checkpoint or weights manifest");
    v("tinyface_input_size", tinyface_input_size, "tinyface: network input side (multiple of 32)");
  }
};

class FaceDetector {
 public:
  virtual ~FaceDetector() = default;
  virtual std::vector<Detection> detect(const cv::Mat& frame) = 0;
  virtual std::string name() const = 0;
  int64_t dropped_small() const { return dropped_small_; }

 protected:
  // Clips to the frame, drops (and counts) boxes below min_face_px, sorts by score.
  std::vector<Detection> finish(std::vector<Detection> raw, cv::Size frame_size, int min_face_px);
  int64_t dropped_small_ = 0;
};

std::unique_ptr<FaceDetector> make_face_detector(const FaceDetectorOptions& options);
std::vector<std::string> face_detector_methods();

// Intersection over union of two boxes (0 when either is empty).
double box_iou(const cv::Rect2f& a, const cv::Rect2f& b);

}  // namespace ferkit
