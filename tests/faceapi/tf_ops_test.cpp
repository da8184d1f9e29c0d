// TF1 bilinear resize, face-api's square padding and input preparation, and TF 'SAME' padding
// placement, against hand-computed values.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <limits>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/faceapi/net_input.h"
#include "ferkit/faceapi/networks.h"
#include "ferkit/faceapi/tf1_resize.h"

namespace ferkit::faceapi {
namespace {

cv::Mat row_of(std::initializer_list<float> v) {
  cv::Mat m(1, static_cast<int>(v.size()), CV_32F);
  int i = 0;
  for (float x : v) m.at<float>(0, i++) = x;
  return m;
}

// Upscaling 3 -> 5: sample positions x * 3/5 = 0, 0.6, 1.2, 1.8, 2.4 (anchored at the left edge,
// the last clamped to the last column): 0, 6, 12, 18, 20.
TEST(Tf1Resize, UpscaleSamplesFromTheTopLeftCorner) {
  const cv::Mat out = tf1_resize_bilinear(row_of({0, 10, 20}), 1, 5);
  const float want[] = {0, 6, 12, 18, 20};
  for (int x = 0; x < 5; ++x) EXPECT_NEAR(out.at<float>(0, x), want[x], 1e-5) << x;
  // OpenCV's centred grid gives other values on the same input (why it is hand-written).
  cv::Mat cv_out;
  cv::resize(row_of({0, 10, 20}), cv_out, cv::Size(5, 1), 0, 0, cv::INTER_LINEAR);
  EXPECT_GT(std::abs(cv_out.at<float>(0, 1) - want[1]), 0.5f);
}

// Downscaling 4 -> 2 takes columns 0 and 2 (no averaging, no antialiasing): 0, 20.
TEST(Tf1Resize, DownscalePicksSamplesWithoutAveraging) {
  const cv::Mat out = tf1_resize_bilinear(row_of({0, 10, 20, 30}), 1, 2);
  EXPECT_FLOAT_EQ(out.at<float>(0, 0), 0.f);
  EXPECT_FLOAT_EQ(out.at<float>(0, 1), 20.f);
}

// 2x2 [[2, 2], [4, 4]] -> 3x3: rows at y = 0, 2/3, 4/3 (clamped): 2, 2 + 2 * 2/3, 4 (TensorFlow's
// documented example); two channels interpolate independently.
TEST(Tf1Resize, TwoDimensionsAndChannels) {
  cv::Mat in(2, 2, CV_32FC2);
  in.at<cv::Vec2f>(0, 0) = {2, -1};
  in.at<cv::Vec2f>(0, 1) = {2, 5};
  in.at<cv::Vec2f>(1, 0) = {4, -1};
  in.at<cv::Vec2f>(1, 1) = {4, 5};
  const cv::Mat out = tf1_resize_bilinear(in, 3, 3);
  ASSERT_EQ(out.type(), CV_32FC2);
  const float rows[] = {2.f, 10.f / 3, 4.f};
  const float cols[] = {-1.f, 3.f, 5.f};  // x = 0, 2/3, 4/3 -> -1 + 6 * 2/3 = 3, then clamped 5
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 3; ++x) {
      EXPECT_NEAR(out.at<cv::Vec2f>(y, x)[0], rows[y], 1e-5) << y << "," << x;
      EXPECT_NEAR(out.at<cv::Vec2f>(y, x)[1], cols[x], 1e-5) << y << "," << x;
    }
}

TEST(Tf1Resize, RejectsBadInput) {
  EXPECT_THROW(tf1_resize_bilinear(cv::Mat(), 3, 3), Error);
  EXPECT_THROW(tf1_resize_bilinear(cv::Mat(2, 2, CV_8U, cv::Scalar(1)), 3, 3), Error);
  EXPECT_THROW(tf1_resize_bilinear(row_of({1, 2}), 0, 3), Error);
}

// face-api's padToSquare: centred puts Math.round(diff / 2) after the image, the rest before.
TEST(NetInput, SquarePaddingFollowsFaceapi) {
  SquarePadding p = square_padding(10, 7, true);  // taller: pad columns, diff 3 -> 1 left, 2 right
  EXPECT_EQ(p.left, 1);
  EXPECT_EQ(p.right, 2);
  EXPECT_EQ(p.top + p.bottom, 0);
  p = square_padding(4, 8, true);  // wider: diff 4 -> 2 top, 2 bottom
  EXPECT_EQ(p.top, 2);
  EXPECT_EQ(p.bottom, 2);
  p = square_padding(5, 8, false);  // detector: everything at the bottom
  EXPECT_EQ(p.top, 0);
  EXPECT_EQ(p.bottom, 3);
  EXPECT_EQ(reshaped_extent(1280, 1920, 416).width, 416);
  EXPECT_EQ(reshaped_extent(1280, 1920, 416).height, 277);  // round(1280 * 416 / 1920 = 277.33)
}

// A 1x2 image padded to 2x2 (a zero row at the bottom) at size 2: no resize, channels RGB,
// (x - mean) / 255, CHW.
TEST(NetInput, NormalisesPaddedRgbPlanes) {
  cv::Mat img(1, 2, CV_8UC3);
  img.at<cv::Vec3b>(0, 0) = {10, 20, 30};   // BGR
  img.at<cv::Vec3b>(0, 1) = {40, 50, 60};
  NetInputSpec spec{2, {1.f, 2.f, 3.f}, true};  // centred, diff 1 -> the zero row goes below
  std::vector<float> chw(12);
  net_input_into(img, spec, chw.data());
  const float r[] = {30, 60, 0, 0}, g[] = {20, 50, 0, 0}, b[] = {10, 40, 0, 0};
  for (int i = 0; i < 4; ++i) {
    EXPECT_FLOAT_EQ(chw[i], (r[i] - 1.f) / 255.f) << i;
    EXPECT_FLOAT_EQ(chw[4 + i], (g[i] - 2.f) / 255.f) << i;
    EXPECT_FLOAT_EQ(chw[8 + i], (b[i] - 3.f) / 255.f) << i;
  }
}

TEST(SamePadding, ExtraPixelGoesBottomRight) {
  auto p = tf_same_padding(112, 3, 2);  // out 56: total (55 * 2 + 3 - 112) = 1 -> 0 before, 1 after
  EXPECT_EQ(p.before, 0);
  EXPECT_EQ(p.after, 1);
  p = tf_same_padding(56, 3, 1);
  EXPECT_EQ(p.before, 1);
  EXPECT_EQ(p.after, 1);
  p = tf_same_padding(207, 2, 2);  // the detector's 207 -> 104 pool
  EXPECT_EQ(p.before, 0);
  EXPECT_EQ(p.after, 1);
  p = tf_same_padding(13, 2, 1);  // the detector's last pool keeps 13 x 13
  EXPECT_EQ(p.before, 0);
  EXPECT_EQ(p.after, 1);
  p = tf_same_padding(8, 5, 2);  // out 4: total 3 * 2 + 5 - 8 = 3 -> 1 before, 2 after
  EXPECT_EQ(p.before, 1);
  EXPECT_EQ(p.after, 2);
}

// A 3x3 all-ones kernel at stride 2 on a 4x4 input: with SAME padding after, output (0, 0) sums
// rows 0-2 x cols 0-2, (1, 1) sums rows 2-3 x cols 2-3; torch's symmetric padding=1 would sum
// rows 0-1 x cols 0-1 for (0, 0).
TEST(SamePadding, StrideTwoConvolutionMatchesHandSums) {
  torch::set_num_threads(1);
  torch::Tensor x = torch::arange(16, torch::kFloat32).view({1, 1, 4, 4});
  torch::Tensor y = torch::conv2d(pad_same(x, 3, 2), torch::ones({1, 1, 3, 3}), {}, 2);
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{1, 1, 2, 2}));
  auto sum = [&](int r0, int r1, int c0, int c1) {
    float s = 0;
    for (int r = r0; r <= r1; ++r)
      for (int c = c0; c <= c1; ++c) s += static_cast<float>(r * 4 + c);
    return s;
  };
  EXPECT_FLOAT_EQ(y[0][0][0][0].item<float>(), sum(0, 2, 0, 2));
  EXPECT_FLOAT_EQ(y[0][0][0][1].item<float>(), sum(0, 2, 2, 3));
  EXPECT_FLOAT_EQ(y[0][0][1][0].item<float>(), sum(2, 3, 0, 2));
  EXPECT_FLOAT_EQ(y[0][0][1][1].item<float>(), sum(2, 3, 2, 3));
}

// Max pooling's SAME padding must not win: on all-negative values a zero pad would.
TEST(SamePadding, MaxPoolPaddingIsMinusInfinity) {
  torch::Tensor x = -1 - torch::arange(9, torch::kFloat32).view({1, 1, 3, 3});  // -1 .. -9
  torch::Tensor y = torch::max_pool2d(pad_same(x, 2, 1, -std::numeric_limits<double>::infinity()), {2, 2}, {1, 1});
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{1, 1, 3, 3}));
  EXPECT_FLOAT_EQ(y[0][0][2][2].item<float>(), -9.f);  // only the real pixel (2, 2) is in its window
  EXPECT_FLOAT_EQ(y[0][0][0][2].item<float>(), -3.f);  // max(-3, -6)
}

}  // namespace
}  // namespace ferkit::faceapi
