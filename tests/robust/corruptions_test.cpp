// The webcam corruptions (ferkit/corruptions.h): identity at 0, determinism, shape, monotone
// severity on real-looking faces, hand-computed values, error paths.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/corruptions.h"
#include "ferkit/error.h"
#include "robust_fixtures.h"

namespace ferkit {
namespace {

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat d;
  cv::absdiff(a, b, d);
  const cv::Scalar m = cv::mean(d);
  double s = 0;
  for (int c = 0; c < a.channels(); ++c) s += m[c];
  return s / a.channels();
}

bool equal(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

cv::Mat run(const std::string& name, const cv::Mat& face, int severity, uint64_t seed = 7) {
  CorruptionRng rng = corruption_rng(seed, name, 0);
  return apply_corruption(name, face, severity, rng);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Corruptions, RegistryHoldsTheWebcamFamily) {
  const std::vector<std::string> expected = {"low_light", "over_exposure", "low_contrast", "sensor_noise", "motion_blur", "defocus_blur",
                                             "jpeg", "downscale", "rotation", "box_jitter", "occlusion", "colour_grey"};
  EXPECT_EQ(corruption_names(), expected);
  for (const auto& c : corruptions()) {
    EXPECT_NE(c.apply, nullptr) << c.name;
    EXPECT_FALSE(c.description.empty()) << c.name;
  }
  EXPECT_FALSE(corruption_info("box_jitter").training_default);
  EXPECT_FALSE(corruption_info("colour_grey").training_default);
  EXPECT_TRUE(corruption_info("motion_blur").training_default);
}

TEST(Corruptions, SeverityZeroIsAnExactCopy) {
  const cv::Mat face = test::sample_faces(1)[0];
  ASSERT_FALSE(face.empty());
  cv::Mat bgr;
  cv::cvtColor(face, bgr, cv::COLOR_GRAY2BGR);
  for (const auto& name : corruption_names())
    for (const cv::Mat& img : {face, bgr}) {
      cv::Mat out = run(name, img, 0);
      EXPECT_TRUE(equal(out, img)) << name;
      EXPECT_NE(out.data, img.data) << name << ": severity 0 must return a copy, not the input's pixels";
    }
}

TEST(Corruptions, DeterministicForASeedAndKeepSizeAndType) {
  const cv::Mat face = test::sample_faces(1)[0];
  cv::Mat bgr, wide;
  cv::cvtColor(face, bgr, cv::COLOR_GRAY2BGR);
  bgr.forEach<cv::Vec3b>([](cv::Vec3b& p, const int* pos) { p[2] = cv::saturate_cast<uint8_t>(p[2] + pos[1]); });  // some colour
  cv::resize(face, wide, cv::Size(60, 44));
  for (const auto& name : corruption_names())
    for (const cv::Mat& img : {face, bgr, wide})
      for (int s = 1; s <= kMaxSeverity; ++s) {
        const cv::Mat before = img.clone();
        cv::Mat a = run(name, img, s, 3), b = run(name, img, s, 3);
        EXPECT_TRUE(equal(a, b)) << name << " severity " << s << ": not deterministic for a seed";
        EXPECT_EQ(a.size(), img.size()) << name;
        EXPECT_EQ(a.type(), img.type()) << name;
        EXPECT_TRUE(equal(img, before)) << name << " wrote into its input";
      }
}

TEST(Corruptions, RandomChoicesDependOnTheSeed) {
  const cv::Mat face = test::sample_faces(1)[0];
  for (const std::string name : {"sensor_noise", "motion_blur", "occlusion"}) {
    int distinct = 0;
    const cv::Mat first = run(name, face, 3, 0);
    for (uint64_t seed = 1; seed < 6; ++seed) distinct += !equal(first, run(name, face, 3, seed));
    EXPECT_GE(distinct, 3) << name;
  }
}

// The damage grows with severity: mean |corrupted - clean| strictly increases from 0 through 5.
// Not for box_jitter: once a shift passes the size of facial detail (a few pixels) pixel
// differences saturate (on the face-api crops they level off from severity 3); its geometry is
// tested by BoxJitterMovesTheFaceFurtherWithSeverity instead.
void expect_monotone(const std::vector<cv::Mat>& faces, const std::string& what) {
  for (const auto& name : corruption_names())
    for (size_t f = 0; f < faces.size(); ++f)
      if (name != "box_jitter")
      for (uint64_t seed : {0u, 1u, 2u}) {
        double previous = 0;
        for (int s = 1; s <= kMaxSeverity; ++s) {
          const double d = mean_abs_diff(run(name, faces[f], s, seed), faces[f]);
          EXPECT_GT(d, previous) << what << " face " << f << ", " << name << " seed " << seed << ": severity " << s
                                 << " differs from the clean face by " << d << ", severity " << s - 1 << " by " << previous;
          previous = d;
        }
      }
}

TEST(Corruptions, SeverityIsMonotoneOnTheSampleFaces) {
  const auto faces = test::sample_faces(3);
  for (const auto& f : faces) ASSERT_FALSE(f.empty());
  expect_monotone(faces, "data/sample gray");
}

TEST(Corruptions, SeverityIsMonotoneOnRealPhotoCrops) {
  const auto crops = test::face_api_crops();
  if (crops.empty()) GTEST_SKIP() << "face-api demo photos not found under " << test::npm_cache_dir() << " (set FERKIT_CACHE)";
  expect_monotone(crops, "face-api sample3 colour");
  std::vector<cv::Mat> gray;
  for (const auto& c : crops) {
    cv::Mat g;
    cv::cvtColor(c, g, cv::COLOR_BGR2GRAY);
    gray.push_back(g);
  }
  expect_monotone(gray, "face-api sample3 gray");
}

TEST(Corruptions, ExposureCurvesByHand) {
  cv::Mat flat(8, 8, CV_8UC1, cv::Scalar(128));
  // low_light severity 5: 255 * 0.30 * (128/255)^1.7; over_exposure severity 2: 255 * min(1, 1.28 (128/255)^(1/1.05)).
  const int dark = static_cast<int>(std::lround(255 * 0.30 * std::pow(128 / 255.0, 1.7)));
  const int bright = static_cast<int>(std::lround(255 * 1.28 * std::pow(128 / 255.0, 1 / 1.05)));
  EXPECT_EQ(run("low_light", flat, 5).at<uint8_t>(3, 3), dark);
  EXPECT_EQ(run("over_exposure", flat, 2).at<uint8_t>(3, 3), bright);
  EXPECT_EQ(run("over_exposure", cv::Mat(4, 4, CV_8UC1, cv::Scalar(200)), 5).at<uint8_t>(0, 0), 255);  // clipped
  // low_contrast about the mean: two halves 40 and 200 (mean 120), c = 0.2 at severity 5.
  cv::Mat halves(4, 8, CV_8UC1, cv::Scalar(40));
  halves(cv::Rect(4, 0, 4, 4)).setTo(200);
  const cv::Mat lc = run("low_contrast", halves, 5);
  EXPECT_EQ(lc.at<uint8_t>(0, 0), static_cast<int>(std::lround(120 + 0.2 * (40 - 120))));
  EXPECT_EQ(lc.at<uint8_t>(0, 7), static_cast<int>(std::lround(120 + 0.2 * (200 - 120))));
}

TEST(Corruptions, SensorNoiseHasTheShotAndReadNoiseOfItsSeverity) {
  const cv::Mat flat(200, 200, CV_8UC1, cv::Scalar(128));
  const cv::Mat noisy = run("sensor_noise", flat, 5);
  cv::Scalar mean, stddev;
  cv::meanStdDev(noisy, mean, stddev);
  // Poisson with 128/255 * 180 photons, scaled by 255/180: variance 255 * 128 / 180; read sigma 4.5.
  const double expected = std::sqrt(255.0 * 128.0 / 180.0 + 4.5 * 4.5);
  EXPECT_NEAR(stddev[0], expected, 0.03 * expected);
  EXPECT_NEAR(mean[0], 128.0, 0.5);
}

TEST(Corruptions, BlursAndGeometryKeepAFlatImageFlat) {
  const cv::Mat flat(48, 48, CV_8UC3, cv::Scalar(90, 120, 150));
  for (const std::string name : {"motion_blur", "defocus_blur", "downscale", "rotation", "box_jitter"})
    for (int s = 1; s <= kMaxSeverity; ++s) EXPECT_TRUE(equal(run(name, flat, s), flat)) << name << " severity " << s;
}

TEST(Corruptions, JpegIsOpenCvAtTheSeverityQuality) {
  const cv::Mat face = test::sample_faces(1)[0];
  const int quality[] = {45, 30, 20, 14, 10};
  for (int s = 1; s <= kMaxSeverity; ++s) {
    std::vector<uchar> bytes;
    cv::imencode(".jpg", face, bytes, {cv::IMWRITE_JPEG_QUALITY, quality[s - 1]});
    EXPECT_TRUE(equal(run("jpeg", face, s), cv::imdecode(bytes, cv::IMREAD_UNCHANGED))) << "severity " << s;
  }
}

TEST(Corruptions, RotationIsARollOfTheSeverityAngleEitherWay) {
  const cv::Mat face = test::sample_faces(1)[0];
  const double angles[] = {5, 10, 15, 22, 30};
  for (int s = 1; s <= kMaxSeverity; ++s) {
    const cv::Mat out = run("rotation", face, s);
    bool matched = false;
    for (double sign : {-1.0, 1.0}) {
      cv::Mat expected;
      cv::warpAffine(face, expected, cv::getRotationMatrix2D(cv::Point2f(23.5f, 23.5f), sign * angles[s - 1], 1.0), face.size(),
                     cv::INTER_LINEAR, cv::BORDER_REPLICATE);
      matched = matched || equal(out, expected);
    }
    EXPECT_TRUE(matched) << "severity " << s;
  }
}

// A bright dot at the centre of a dark crop: the box's error shows where the dot lands. With the
// box moved by f x side and scaled by a = 1 +- f, the dot moves by f x side / a, and the dot's size
// changes by 1 / a: both grow with f = 10 .. 30 %.
TEST(Corruptions, BoxJitterMovesTheFaceFurtherWithSeverity) {
  cv::Mat img(101, 101, CV_8UC1, cv::Scalar(0));
  cv::circle(img, cv::Point(50, 50), 6, cv::Scalar(255), cv::FILLED);
  for (uint64_t seed = 0; seed < 8; ++seed) {
    double previous = 0;
    for (int s = 1; s <= kMaxSeverity; ++s) {
      const cv::Mat out = run("box_jitter", img, s, seed);
      const cv::Moments m = cv::moments(out, true);
      ASSERT_GT(m.m00, 0) << "the dot left the crop";
      const double moved = std::hypot(m.m10 / m.m00 - 50, m.m01 / m.m00 - 50);
      const double f = 0.05 + 0.05 * s;
      // 1 / (1 + f) <= moved / (f x side) <= 1 / (1 - f), up to the dot's rasterisation.
      EXPECT_GT(moved, f * 101 / (1 + f) - 1.0) << "seed " << seed << " severity " << s;
      EXPECT_LT(moved, f * 101 / (1 - f) + 1.0) << "seed " << seed << " severity " << s;
      EXPECT_GT(moved, previous) << "seed " << seed << " severity " << s;
      previous = moved;
    }
  }
}

TEST(Corruptions, OcclusionCoversAGrowingPartOfTheFaceAndLeavesTheRest) {
  const cv::Mat gray = test::sample_faces(1)[0];
  cv::Mat bgr;
  cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
  for (const cv::Mat& face : {gray, bgr})
  for (uint64_t seed = 0; seed < 6; ++seed) {
    double previous = 0;
    for (int s = 1; s <= kMaxSeverity; ++s) {
      cv::Mat diff, changed;
      cv::absdiff(run("occlusion", face, s, seed), face, diff);
      if (diff.channels() == 3) cv::cvtColor(diff, diff, cv::COLOR_BGR2GRAY);
      changed = diff > 2;
      const double share = cv::countNonZero(changed) / static_cast<double>(face.total());
      EXPECT_GT(share, previous) << "seed " << seed << " severity " << s;
      EXPECT_LT(share, 0.40) << "seed " << seed << " severity " << s << ": an occluder should leave most of the face";
      previous = share;
    }
  }
}

TEST(Corruptions, ColourGreyDesaturatesColourAndCastsGray) {
  cv::Mat bgr(16, 16, CV_8UC3, cv::Scalar(60, 110, 190));  // a skin-like colour
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  const cv::Mat full = run("colour_grey", bgr, 5);
  cv::Mat gray3;
  cv::cvtColor(gray, gray3, cv::COLOR_GRAY2BGR);
  EXPECT_TRUE(equal(full, gray3)) << "severity 5 on a colour crop is its gray";
  // 30 % of the saturation removed at severity 1.
  const cv::Vec3b p = run("colour_grey", bgr, 1).at<cv::Vec3b>(0, 0);
  const int g = gray.at<uint8_t>(0, 0);
  EXPECT_NEAR(p[2], 0.7 * 190 + 0.3 * g, 1.0);
  // A gray crop stays gray (one channel) but its levels change.
  const cv::Mat cast = run("colour_grey", test::sample_faces(1)[0], 5);
  EXPECT_EQ(cast.channels(), 1);
  EXPECT_GT(mean_abs_diff(cast, test::sample_faces(1)[0]), 1.0);
}

TEST(Corruptions, ErrorsNameTheCorruptionAndWhatWasExpected) {
  const cv::Mat face = test::sample_faces(1)[0];
  CorruptionRng rng(0);
  std::string m = message_of([&] { apply_corruption("motion_blurr", face, 1, rng); });
  EXPECT_NE(m.find("motion_blurr"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'motion_blur'"), std::string::npos) << m;
  m = message_of([&] { apply_corruption("jpeg", face, 6, rng); });
  EXPECT_NE(m.find("corruption 'jpeg': expected a severity in 0..5, got 6"), std::string::npos) << m;
  m = message_of([&] { corruption::low_light(face, -1, rng); });
  EXPECT_NE(m.find("got -1"), std::string::npos) << m;
  m = message_of([&] { apply_corruption("rotation", cv::Mat(8, 8, CV_16UC1, cv::Scalar(0)), 1, rng); });
  EXPECT_NE(m.find("corruption 'rotation': expected an 8-bit gray or BGR crop"), std::string::npos) << m;
  m = message_of([&] { apply_corruption("occlusion", cv::Mat(8, 8, CV_8UC4, cv::Scalar(0)), 1, rng); });
  EXPECT_NE(m.find("4 channels"), std::string::npos) << m;
  m = message_of([&] { apply_corruption("defocus_blur", cv::Mat(), 1, rng); });
  EXPECT_NE(m.find("non-empty"), std::string::npos) << m;
}

TEST(Corruptions, ModelChannelsDecideTheCropColour) {
  InputSpec in;
  in.channels = 1;
  EXPECT_EQ(face_channels_for_model(in, "model m.pt"), 1);
  in.channels = 3;
  EXPECT_EQ(face_channels_for_model(in, "model m.pt"), 3);
  in.channels = 2;
  const std::string m = message_of([&] { face_channels_for_model(in, "model m.pt"); });
  EXPECT_NE(m.find("model m.pt: expected a model input of 1 (gray) or 3 (colour) channels"), std::string::npos) << m;
  EXPECT_NE(m.find("got 2 channels"), std::string::npos) << m;
}

TEST(Corruptions, BenchmarkStreamsDependOnNameImageAndSeedOnly) {
  EXPECT_EQ(corruption_rng(1, "jpeg", 4)(), corruption_rng(1, "jpeg", 4)());
  std::set<uint64_t> firsts = {corruption_rng(1, "jpeg", 4)(), corruption_rng(2, "jpeg", 4)(), corruption_rng(1, "rotation", 4)(),
                               corruption_rng(1, "jpeg", 5)()};
  EXPECT_EQ(firsts.size(), 4u);
}

}  // namespace
}  // namespace ferkit
