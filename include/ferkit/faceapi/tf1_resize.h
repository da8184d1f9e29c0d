// TensorFlow 1's bilinear resize (tf.image.resize_bilinear with align_corners=false and
// half_pixel_centers=false, no antialiasing): the resize face-api.js's networks were trained
// and are run with. Output pixel (y, x) samples the input at (y * in_h / out_h, x * in_w / out_w),
// interpolating between floor and floor + 1 (clamped to the last row/column), top row first:
//   top = tl + (tr - tl) * dx;  bottom = bl + (br - bl) * dx;  out = top + (bottom - top) * dy.
// The sample grid is anchored at the top-left corner, not centred: neither cv::resize (pixel
// centres) nor torch's interpolate (align_corners false = centres, true = corners-to-corners) has
// these semantics, and using them moves face-api's expression probabilities by up to ~0.36.
//
//   cv::Mat rgb32f;  face_rgb.convertTo(rgb32f, CV_32F);           // any channel count
//   cv::Mat in112 = ferkit::faceapi::tf1_resize_bilinear(rgb32f, 112, 112);   // CV_32F, no rounding
//
// Contract: input is a non-empty CV_32F Mat with 1..4 channels; out_h, out_w > 0. The result is
// CV_32F with the same channels and is not rounded (face-api feeds the floats to the network).
#pragma once

namespace cv { class Mat; }

namespace ferkit::faceapi {

cv::Mat tf1_resize_bilinear(const cv::Mat& image, int out_h, int out_w);

}  // namespace ferkit::faceapi
