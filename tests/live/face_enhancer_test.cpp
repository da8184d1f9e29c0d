// Enhancement alone: what blur and CLAHE must do to constructed crops.
#include <gtest/gtest.h>

#include <random>

#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "ferkit/live/face_enhancer.h"

namespace ferkit {
namespace {

cv::Mat low_contrast(int size) {
  // A horizontal ramp squeezed into gray levels 100-130.
  cv::Mat m(size, size, CV_8UC1);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) m.at<uint8_t>(y, x) = static_cast<uint8_t>(100 + 30 * x / (size - 1));
  return m;
}

double stddev(const cv::Mat& m) {
  cv::Scalar mean, sd;
  cv::meanStdDev(m, mean, sd);
  return sd[0];
}

TEST(FaceEnhancer, ClaheStretchesALowContrastCrop) {
  cv::Mat in = low_contrast(96);
  EnhancerOptions o;
  o.blur_sigma = 0.0;
  cv::Mat out = FaceEnhancer(o).apply(in);
  ASSERT_EQ(out.size(), in.size());
  ASSERT_EQ(out.type(), CV_8UC1);
  EXPECT_GT(stddev(out), 1.5 * stddev(in));
  double lo, hi;
  cv::minMaxLoc(out, &lo, &hi);
  EXPECT_GE(hi - lo, 1.5 * 30.0);  // the 30-level range is spread out
}

TEST(FaceEnhancer, BlurRemovesPixelNoise) {
  std::mt19937 rng(1);
  cv::Mat noisy(64, 64, CV_8UC1);
  for (int i = 0; i < 64 * 64; ++i) noisy.data[i] = static_cast<uint8_t>(128 + static_cast<int>(rng() % 41) - 20);
  EnhancerOptions o;
  o.clahe = false;
  o.blur_sigma = 0.5;
  cv::Mat out = FaceEnhancer(o).apply(noisy);
  EXPECT_LT(stddev(out), 0.8 * stddev(noisy));
  o.blur_sigma = 0.0;
  cv::Mat same = FaceEnhancer(o).apply(noisy);
  EXPECT_EQ(cv::norm(same, noisy, cv::NORM_INF), 0.0);  // both off: unchanged
}

TEST(FaceEnhancer, ColourCropsKeepTheirHueAndType) {
  cv::Mat g = low_contrast(64), bgr;
  cv::Mat zeros = cv::Mat::zeros(g.size(), CV_8UC1);
  cv::merge(std::vector<cv::Mat>{zeros, g, g}, bgr);  // yellowish ramp: blue 0
  cv::Mat out = FaceEnhancer(EnhancerOptions{}).apply(bgr);
  ASSERT_EQ(out.type(), CV_8UC3);
  std::vector<cv::Mat> ch;
  cv::split(out, ch);
  // Blue stays far below green and red everywhere (CLAHE works on lightness only).
  cv::Mat diff;
  cv::subtract(ch[1], ch[0], diff, cv::noArray(), CV_32S);
  double min_diff;
  cv::minMaxLoc(diff, &min_diff);
  EXPECT_GT(min_diff, 40.0);
  EXPECT_GT(stddev(ch[1]), stddev(g));
}

TEST(FaceEnhancer, BadOptionsAndInputsAreErrors) {
  EnhancerOptions o;
  o.clahe_clip = 0;
  EXPECT_THROW(FaceEnhancer{o}, Error);
  EXPECT_THROW(FaceEnhancer(EnhancerOptions{}).apply(cv::Mat()), Error);
  EXPECT_THROW(FaceEnhancer(EnhancerOptions{}).apply(cv::Mat(8, 8, CV_32FC1)), Error);
}

}  // namespace
}  // namespace ferkit
