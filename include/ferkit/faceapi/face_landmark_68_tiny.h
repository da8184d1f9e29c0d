// face-api.js's FaceLandmark68TinyNet run by LibTorch: 68 face landmarks (the iBUG layout dlib's
// predictor uses) from a face crop.
//
//   ferkit::faceapi::FaceLandmark68Tiny net("models/faceapi/face_landmark_68_tiny.pt");
//   std::vector<cv::Point2f> p = net.landmarks(crop_bgr);   // 68 points in crop pixels
//
// The crop goes through face-api's input preparation (centred zero-padded square, TF1 resize to
// 112, (x - (122.782, 117.001, 104.298)) / 255); the network's 136 outputs are (x, y) pairs
// relative to the padded square, turned into crop pixels as face-api's postProcess does:
// x = (out_x * 112 - pad_x) / w' * w with w' = w * 112 / max(w, h) and pad_x = (h' - w') / 2 when
// the crop is taller than wide (likewise for y). Note face-api's own half-pixel inconsistency,
// kept for parity: for an odd size difference the input padding is floor/ceil, this shift is
// exactly half. Crops are 8-bit BGR, BGRA or gray; a missing model is an Error naming the file.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include <opencv2/core/types.hpp>

namespace cv { class Mat; }

namespace ferkit::faceapi {

class FaceLandmark68Tiny {
 public:
  // model: an imported checkpoint or face-api's face_landmark_68_tiny_model-weights_manifest.json.
  explicit FaceLandmark68Tiny(const std::filesystem::path& model);
  ~FaceLandmark68Tiny();
  std::vector<cv::Point2f> landmarks(const cv::Mat& crop);
  // One batched forward for several crops.
  std::vector<std::vector<cv::Point2f>> landmarks(const std::vector<cv::Mat>& crops);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferkit::faceapi
