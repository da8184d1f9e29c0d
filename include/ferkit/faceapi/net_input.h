// face-api.js's input preparation (NetInput.toBatchTensor + normalize), without torch: an 8-bit
// image becomes the float RGB planes a face-api network reads.
//
//   ferkit::faceapi::NetInputSpec spec{112, {122.782f, 117.001f, 104.298f}, true};  // expression net
//   std::vector<float> chw(3 * 112 * 112);
//   ferkit::faceapi::net_input_into(face_bgr, spec, chw.data());
//
// Steps, as face-api 1.7.15 does them for tensor inputs: BGR/gray/BGRA -> RGB floats (0..255);
// zero-pad to a square (centred: the extra row/column of an odd difference goes to the
// bottom/right, as JavaScript's Math.round(diff / 2) is appended and the rest prepended; not
// centred: all padding at the bottom/right); if the square is not size x size, TF1 bilinear
// resize (ferkit/faceapi/tf1_resize.h), unrounded; then (x - mean_rgb) / 255; HWC -> CHW.
#pragma once

#include <array>

namespace cv { class Mat; }

namespace ferkit::faceapi {

struct NetInputSpec {
  int size = 112;                                      // square network input side
  std::array<float, 3> mean_rgb = {122.782f, 117.001f, 104.298f};  // subtracted before / 255
  bool centred = true;                                 // centred square padding (else bottom/right)
};

struct SquarePadding {
  int top = 0, bottom = 0, left = 0, right = 0;
};
// The padding face-api adds to an h x w image to make it square.
SquarePadding square_padding(int height, int width, bool centred);

// 8-bit BGR, BGRA or gray -> CV_32FC3 RGB, zero-padded to a square (not resized).
cv::Mat padded_square_rgb(const cv::Mat& image, bool centred);

// Writes 3 * size * size floats (CHW, RGB) into out.
void net_input_into(const cv::Mat& image, const NetInputSpec& spec, float* out);

// face-api's computeReshapedDimensions: the image's extent inside the size x size input,
// (round(w * s), round(h * s)) with s = size / max(w, h).
struct Extent {
  int width = 0, height = 0;
};
Extent reshaped_extent(int height, int width, int size);

}  // namespace ferkit::faceapi
