// Turning a face crop into model input: the one preprocessing used by training (evaluation mode),
// every inference backend, export checks and the live pipeline, so that they cannot drift apart.
//
//   ferkit::InputSpec in{48, 1, {0.5}, {0.5}};
//   std::vector<float> chw = ferkit::preprocess_face(face_bgr, in);   // [C * 48 * 48]
//
// Steps: colour conversion (BGR/gray -> the model's channels, RGB order for 3 channels), resize to
// size x size (area interpolation when shrinking, bilinear when enlarging), x/255, (x - mean) / std,
// HWC -> CHW.
#pragma once

#include <vector>

namespace cv { class Mat; }

namespace ferkit {

struct InputSpec {
  int size = 48;                     // square input side
  int channels = 1;                  // 1 = grayscale, 3 = RGB
  std::vector<double> mean = {0.5};  // per channel, on x/255
  std::vector<double> std = {0.5};
};

// face: 8-bit BGR (3 channels) or grayscale (1 channel), any size.
std::vector<float> preprocess_face(const cv::Mat& face, const InputSpec& spec);
// Writes into out (must hold channels * size * size floats); for batching without copies.
void preprocess_face_into(const cv::Mat& face, const InputSpec& spec, float* out);
// Converts and resizes only (8-bit result with the model's channels: gray, or RGB).
cv::Mat resize_for_model(const cv::Mat& face, const InputSpec& spec);

}  // namespace ferkit
