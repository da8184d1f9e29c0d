// face-api.js's TinyFaceDetector run by LibTorch: face boxes in image pixels, decoded and
// suppressed exactly as face-api 1.7.15 does (TinyYolov2Base.detect).
//
//   ferkit::faceapi::TinyFaceDetectorOptions o;          // models/faceapi/tiny_face_detector.pt
//   ferkit::faceapi::TinyFaceDetector det(o);
//   std::vector<ferkit::faceapi::FaceBox> faces = det.detect(image_bgr);   // highest score first
//   ferkit::faceapi::RawDetectorOutput raw = det.raw_output(image_bgr);   // [13, 13, 25] at 416
//
// Input: the image zero-padded at the bottom/right to a square, TF1-resized to input_size
// (a multiple of 32), (x - (117.001, 114.697, 97.404)) / 255. Output cell (row, col) holds for
// each of 5 anchors (tx, ty, tw, th, objectness). Decoding: score = sigmoid(objectness), kept when
// score > score_threshold; centre = ((col, row) + sigmoid(tx, ty)) / grid, size = exp(tw, th) *
// anchor / grid, both times input_size / the image's extent inside the input (face-api's
// correction for the padding); then greedy non-maximum suppression at IoU > iou_threshold
// (boxes in input pixels), highest score first. Anchors (1.603231, 2.094468), (6.041143, 7.080126),
// (2.882459, 3.518061), (4.266906, 5.178857), (9.041765, 10.66308). Boxes are not clipped.
// Images are 8-bit BGR, BGRA or gray. A missing or wrong model file is an Error naming it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

namespace cv { class Mat; }

namespace ferkit::faceapi {

struct TinyFaceDetectorOptions {
  std::string model = "models/faceapi/tiny_face_detector.pt";  // checkpoint, or face-api's tiny_face_detector_model-weights_manifest.json
  int input_size = 416;          // network input side (multiple of 32); face-api's default
  double score_threshold = 0.5;  // keep boxes with sigmoid(objectness) above this
  double iou_threshold = 0.4;    // suppress boxes overlapping a better one by more than this
  template <class V>
  void visit(V& v) {
    v("model", model, "tiny face detector checkpoint or face-api weights manifest");
    v("input_size", input_size, "network input side (multiple of 32)");
    v("score_threshold", score_threshold, "keep boxes whose score is above this");
    v("iou_threshold", iou_threshold, "non-maximum suppression IoU threshold");
  }
};

struct FaceBox {
  cv::Rect2d box;      // image pixels (may extend past the image)
  double score = 0.0;  // sigmoid(objectness)
};

// The network's output in face-api's layout: [grid, grid, 25] row-major.
struct RawDetectorOutput {
  int grid = 0;
  std::vector<float> values;
  float at(int row, int col, int channel) const { return values[(static_cast<size_t>(row) * grid + col) * 25 + channel]; }
};

class TinyFaceDetector {
 public:
  explicit TinyFaceDetector(const TinyFaceDetectorOptions& options);
  ~TinyFaceDetector();
  RawDetectorOutput raw_output(const cv::Mat& image);
  std::vector<FaceBox> detect(const cv::Mat& image);
  const TinyFaceDetectorOptions& options() const { return opt_; }

  // Decoding and suppression only, for an image of image_h x image_w pixels.
  static std::vector<FaceBox> decode(const RawDetectorOutput& raw, int image_h, int image_w, int input_size,
                                     double score_threshold, double iou_threshold);

 private:
  struct Impl;
  TinyFaceDetectorOptions opt_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferkit::faceapi
