#include "ferkit/augment.h"

#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"
#include "loader/loader_fixtures.h"

namespace ferkit {
namespace {

using test::pattern_image;
using test::same_pixels;

TEST(Augment, FlipTwiceIsIdentityAndOnceMirrors) {
  for (int channels : {1, 3}) {
    cv::Mat img = pattern_image(20, 31, channels);
    cv::Mat once = flip_horizontal(img);
    EXPECT_FALSE(same_pixels(once, img));
    EXPECT_TRUE(same_pixels(flip_horizontal(once), img)) << channels << " channels";
    for (int x = 0; x < img.cols; ++x)
      for (int c = 0; c < channels; ++c)
        ASSERT_EQ(once.ptr<uint8_t>(7)[x * channels + c], img.ptr<uint8_t>(7)[(img.cols - 1 - x) * channels + c]);
  }
}

TEST(Augment, RandomFlipFollowsProbability) {
  cv::Mat img = pattern_image(8, 8, 1);
  AugmentRng rng(3);
  EXPECT_TRUE(same_pixels(random_flip(img, 0.0, rng), img));
  EXPECT_TRUE(same_pixels(random_flip(img, 1.0, rng), flip_horizontal(img)));
  int flipped = 0;
  for (int i = 0; i < 2000; ++i) flipped += same_pixels(random_flip(img, 0.3, rng), img) ? 0 : 1;
  EXPECT_NEAR(flipped / 2000.0, 0.3, 0.05);  // binomial sd ~0.01
}

TEST(Augment, AffineWithoutJitterIsIdentity) {
  for (int channels : {1, 3}) {
    cv::Mat img = pattern_image(48, 48, channels);
    EXPECT_TRUE(same_pixels(affine_transform(img, 0.0, 1.0, 0.0, 0.0), img));
    AugmentOptions o;
    o.rotation_degrees = 0;
    o.scale_jitter = 0;
    o.translate_jitter = 0;
    AugmentRng rng(5);
    EXPECT_TRUE(same_pixels(random_affine(img, o, rng), img));
  }
}

TEST(Augment, AffineRotatesCounterClockwiseAboutTheCentre) {
  cv::Mat img = pattern_image(48, 48, 1);
  cv::Mat expected;
  cv::rotate(img, expected, cv::ROTATE_90_COUNTERCLOCKWISE);
  EXPECT_TRUE(same_pixels(affine_transform(img, 90.0, 1.0, 0.0, 0.0), expected));
}

TEST(Augment, AffineShiftMovesPixels) {
  cv::Mat img = pattern_image(16, 16, 1);
  cv::Mat out = affine_transform(img, 0.0, 1.0, 3.0, -2.0);
  for (int y = 0; y < 14; ++y)
    for (int x = 3; x < 16; ++x) ASSERT_EQ(out.at<uint8_t>(y, x), img.at<uint8_t>(y + 2, x - 3)) << x << "," << y;
}

TEST(Augment, CropWithPaddingKeepsSizeAndShiftsContent) {
  cv::Mat img = pattern_image(48, 48, 1);
  EXPECT_TRUE(same_pixels(crop_with_padding(img, 4, 4, 4), img));
  cv::Mat corner = crop_with_padding(img, 4, 0, 0);
  ASSERT_EQ(corner.size(), img.size());
  for (int y = 0; y < 48; ++y)
    for (int x = 0; x < 48; ++x) {
      const int expected = (x < 4 || y < 4) ? 0 : img.at<uint8_t>(y - 4, x - 4);
      ASSERT_EQ(corner.at<uint8_t>(y, x), expected) << x << "," << y;
    }
  AugmentRng rng(11);
  for (int i = 0; i < 50; ++i) {
    cv::Mat r = random_crop_with_padding(pattern_image(30, 40, 3), 6, rng);
    EXPECT_EQ(r.size(), cv::Size(40, 30));
    EXPECT_EQ(r.type(), CV_8UC3);
  }
  EXPECT_THROW(crop_with_padding(img, 4, 9, 0), Error);
}

TEST(Augment, NoiseHasTheStatedSigma) {
  cv::Mat img(200, 200, CV_8UC1, cv::Scalar(128));
  AugmentRng rng(17);
  cv::Mat out = add_gaussian_noise(img, 10.0, rng);
  cv::Mat diff;
  out.convertTo(diff, CV_64F, 1.0, -128.0);
  cv::Scalar mean, sd;
  cv::meanStdDev(diff, mean, sd);
  // Rounding to 8 bits adds variance 1/12: sqrt(100 + 1/12) = 10.004. Standard error of the
  // sample sd over 40000 pixels is ~0.035.
  EXPECT_NEAR(sd[0], 10.004, 0.15);
  EXPECT_NEAR(mean[0], 0.0, 0.2);
  EXPECT_GT(cv::countNonZero(out != img), 30000);
  AugmentRng again(17);
  EXPECT_TRUE(same_pixels(add_gaussian_noise(img, 10.0, again), out));  // same seed, same noise
}

TEST(Augment, BrightnessContrastByHand) {
  cv::Mat img = (cv::Mat_<uint8_t>(1, 2) << 100, 200);
  // brightness 1.2: 120, 240; mean 180; contrast 0.5: 180 + (120 - 180) / 2 = 150, 210.
  cv::Mat out = adjust_brightness_contrast(img, 1.2, 0.5);
  EXPECT_EQ(out.at<uint8_t>(0, 0), 150);
  EXPECT_EQ(out.at<uint8_t>(0, 1), 210);
  // Saturation at 255: 200 * 1.5 = 300 -> 255.
  EXPECT_EQ(adjust_brightness_contrast(img, 1.5, 1.0).at<uint8_t>(0, 1), 255);
  EXPECT_TRUE(same_pixels(adjust_brightness_contrast(img, 1.0, 1.0), img));
}

TEST(Augment, ClaheEqualsOpenCv) {
  cv::Mat gray = pattern_image(64, 64, 1);
  cv::GaussianBlur(gray, gray, cv::Size(9, 9), 3.0);  // low contrast so CLAHE has work to do
  cv::Mat expected;
  cv::createCLAHE(2.0, cv::Size(8, 8))->apply(gray, expected);
  cv::Mat ours = apply_clahe(gray, 2.0, 8);
  EXPECT_TRUE(same_pixels(ours, expected));
  EXPECT_FALSE(same_pixels(ours, gray));

  cv::Mat bgr = pattern_image(64, 64, 3);
  cv::GaussianBlur(bgr, bgr, cv::Size(9, 9), 3.0);
  cv::Mat lab;
  cv::cvtColor(bgr, lab, cv::COLOR_BGR2Lab);
  std::vector<cv::Mat> planes;
  cv::split(lab, planes);
  cv::createCLAHE(3.0, cv::Size(4, 4))->apply(planes[0], planes[0]);
  cv::merge(planes, lab);
  cv::cvtColor(lab, expected, cv::COLOR_Lab2BGR);
  EXPECT_TRUE(same_pixels(apply_clahe(bgr, 3.0, 4), expected));
}

TEST(Augment, AugmentFaceHasModelShapeAndIsReproducible) {
  AugmentOptions o;
  o.noise_sigma = 2.0;
  InputSpec gray{40, 1, {0.5}, {0.5}};
  InputSpec rgb{32, 3, {0.5, 0.5, 0.5}, {0.25, 0.25, 0.25}};
  cv::Mat face = pattern_image(90, 70, 3);
  AugmentRng a = augment_rng(7, 2, 13), b = augment_rng(7, 2, 13), c = augment_rng(7, 3, 13);
  cv::Mat out_a = augment_face(face, gray, o, a);
  EXPECT_EQ(out_a.size(), cv::Size(40, 40));
  EXPECT_EQ(out_a.type(), CV_8UC1);
  EXPECT_TRUE(same_pixels(out_a, augment_face(face, gray, o, b)));
  EXPECT_FALSE(same_pixels(out_a, augment_face(face, gray, o, c)));  // another epoch
  cv::Mat out_rgb = augment_face(face, rgb, o, a);
  EXPECT_EQ(out_rgb.size(), cv::Size(32, 32));
  EXPECT_EQ(out_rgb.type(), CV_8UC3);
  cv::Mat before = face.clone();
  augment_face(face, rgb, o, a);
  EXPECT_TRUE(same_pixels(face, before));  // the input is never written
}

TEST(Augment, AugmentFaceWithEverythingOffIsTheModelResize) {
  AugmentOptions o;
  o.crop_padding = 0;
  o.flip_p = 0;
  o.rotation_degrees = o.scale_jitter = o.translate_jitter = 0;
  o.brightness = o.contrast = 0;
  InputSpec rgb{24, 3, {0.5}, {0.5}};
  cv::Mat face = pattern_image(50, 60, 3);
  AugmentRng rng(1);
  cv::Mat out = augment_face(face, rgb, o, rng);
  cv::Mat expected_rgb = resize_for_model(face, rgb), expected_bgr;
  cv::cvtColor(expected_rgb, expected_bgr, cv::COLOR_RGB2BGR);
  EXPECT_TRUE(same_pixels(out, expected_bgr));  // BGR kept, so preprocess converts once
}

TEST(Augment, DerivedSeedsDiffer) {
  EXPECT_NE(derive_seed(1, 0, 0, 0), derive_seed(1, 0, 1, 0));
  EXPECT_NE(derive_seed(1, 0, 1, 0), derive_seed(1, 1, 0, 0));  // (epoch, index) is not symmetric
  EXPECT_NE(derive_seed(1, 0, 0, 0), derive_seed(1, 0, 0, 1));
  EXPECT_EQ(derive_seed(9, 4, 5, 2), derive_seed(9, 4, 5, 2));
  EXPECT_NE(augment_rng(1, 0, 3, 0)(), augment_rng(1, 0, 3, 1)());  // a repeated draw differs
}

TEST(Augment, ValidateNamesTheField) {
  AugmentOptions o;
  o.flip_p = 1.5;
  try {
    validate(o);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("augment.flip_p"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("1.5"), std::string::npos) << e.what();
  }
  AugmentOptions both;
  both.mixup_p = 0.7;
  both.cutmix_p = 0.6;
  EXPECT_THROW(validate(both), Error);
  EXPECT_NO_THROW(validate(AugmentOptions{}));
}

}  // namespace
}  // namespace ferkit
