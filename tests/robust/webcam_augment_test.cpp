// Training for robustness: the webcam step of augment_face (AugmentOptions::corruption_p,
// corruption_max_severity, corruption_names, grey_colour_mix_p) and configs/webcam.toml.
#include <gtest/gtest.h>

#include <set>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/augment.h"
#include "ferkit/corruptions.h"
#include "ferkit/error.h"
#include "ferkit/trainer.h"
#include "robust_fixtures.h"

namespace ferkit {
namespace {

bool equal(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

// The severity of `name` (1..5) that reproduces out from face, or 0 when none does. Only for
// corruptions that draw nothing (their result does not depend on the generator).
int matching_severity(const std::string& name, const cv::Mat& face, const cv::Mat& out) {
  for (int s = 1; s <= kMaxSeverity; ++s) {
    CorruptionRng unused(0);
    if (equal(apply_corruption(name, face, s, unused), out)) return s;
  }
  return 0;
}

TEST(WebcamAugment, OffDrawsNothingSoTheOtherAugmentationsAreUnchanged) {
  const cv::Mat face = test::sample_faces(1)[0];
  AugmentOptions o;  // corruption_p = grey_colour_mix_p = 0
  AugmentRng rng(42), untouched(42);
  EXPECT_TRUE(equal(random_webcam_corruption(face, o, rng), face));
  EXPECT_EQ(rng(), untouched()) << "with both probabilities 0 the sample's generator must not advance";
}

TEST(WebcamAugment, DrawsFromTheNamedFamilyUpToTheMaximumSeverity) {
  const cv::Mat face = test::sample_faces(1)[0];
  AugmentOptions o;
  o.corruption_p = 1.0;
  o.corruption_names = {"low_light", "jpeg"};
  o.corruption_max_severity = 3;
  std::set<std::pair<std::string, int>> seen;
  for (int i = 0; i < 200; ++i) {
    AugmentRng rng = augment_rng(5, 0, i);
    const cv::Mat out = random_webcam_corruption(face, o, rng);
    int s = matching_severity("low_light", face, out);
    std::string name = "low_light";
    if (s == 0) {
      s = matching_severity("jpeg", face, out);
      name = "jpeg";
    }
    ASSERT_GT(s, 0) << "sample " << i << " is neither low_light nor jpeg at any severity";
    EXPECT_LE(s, 3) << "sample " << i;
    seen.insert({name, s});
  }
  EXPECT_EQ(seen.size(), 6u) << "both corruptions at severities 1..3 should occur in 200 draws";
}

TEST(WebcamAugment, ProbabilityIsRespected) {
  const cv::Mat face = test::sample_faces(1)[0];
  AugmentOptions o;
  o.corruption_p = 0.3;
  int corrupted = 0;
  const int n = 1000;
  for (int i = 0; i < n; ++i) {
    AugmentRng rng = augment_rng(1, 2, i);
    corrupted += !equal(random_webcam_corruption(face, o, rng), face);
  }
  // Binomial(1000, 0.3): sd 14.5; a few corruptions at severity 1 can leave a face unchanged.
  EXPECT_NEAR(corrupted, 300, 60);
}

TEST(WebcamAugment, GreyColourMixDesaturatesAColourCrop) {
  cv::Mat bgr(24, 24, CV_8UC3, cv::Scalar(60, 110, 190));
  AugmentOptions o;
  o.grey_colour_mix_p = 1.0;
  std::set<int> severities;
  for (int i = 0; i < 100; ++i) {
    AugmentRng rng = augment_rng(0, 0, i);
    const cv::Mat out = random_webcam_corruption(bgr, o, rng);
    const int s = matching_severity("colour_grey", bgr, out);
    ASSERT_GT(s, 0) << "sample " << i;
    severities.insert(s);
  }
  EXPECT_EQ(severities.size(), 5u);
}

TEST(WebcamAugment, TrainingStreamsAreNotTheBenchmarkStreams) {
  // The same (seed, image) never gives the benchmark's random choices: the occluder and the blur
  // direction of training differ from those the benchmark scores.
  const cv::Mat face = test::sample_faces(1)[0];
  AugmentOptions o;
  o.corruption_p = 1.0;
  o.corruption_names = {"occlusion"};
  o.corruption_max_severity = 5;
  int same = 0;
  for (int i = 0; i < 50; ++i) {
    AugmentRng rng = augment_rng(0, 0, i);
    const cv::Mat trained = random_webcam_corruption(face, o, rng);
    for (int s = 1; s <= kMaxSeverity; ++s) {
      CorruptionRng bench = corruption_rng(0, "occlusion", i);
      same += equal(apply_corruption("occlusion", face, s, bench), trained);
    }
  }
  EXPECT_LE(same, 5);
}

TEST(WebcamAugment, AugmentFaceAppliesItAndKeepsTheModelShape) {
  const cv::Mat face = test::sample_faces(1)[0];
  AugmentOptions o;
  o.corruption_p = 1.0;
  o.corruption_names = {"low_light"};
  o.corruption_max_severity = 5;
  InputSpec in{48, 1, {0.5}, {0.5}};
  AugmentOptions plain = o;
  plain.corruption_p = 0;
  double darker = 0;
  for (int i = 0; i < 20; ++i) {
    AugmentRng a = augment_rng(3, 0, i), b = augment_rng(3, 0, i), c = augment_rng(3, 0, i);
    const cv::Mat x = augment_face(face, in, o, a), y = augment_face(face, in, o, b);
    EXPECT_TRUE(equal(x, y)) << "reproducible from the generator";
    EXPECT_EQ(x.size(), cv::Size(48, 48));
    EXPECT_EQ(x.channels(), 1);
    darker += cv::mean(augment_face(face, in, plain, c))[0] - cv::mean(x)[0];
  }
  EXPECT_GT(darker / 20, 10.0) << "low light at severity 1..5 should darken the faces";
}

TEST(WebcamAugment, ValidateNamesTheField) {
  AugmentOptions o;
  o.corruption_p = 1.5;
  EXPECT_THROW(validate(o), Error);
  o = AugmentOptions{};
  o.corruption_max_severity = 6;
  try {
    validate(o);
    FAIL() << "severity 6 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("augment.corruption_max_severity"), std::string::npos) << e.what();
  }
  o = AugmentOptions{};
  o.corruption_names = {"jpg"};
  try {
    validate(o);
    FAIL() << "unknown corruption accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("augment.corruption_names"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'jpeg'"), std::string::npos) << e.what();
  }
  o = AugmentOptions{};
  o.grey_colour_mix_p = -0.1;
  EXPECT_THROW(validate(o), Error);
}

TEST(WebcamAugment, WebcamRecipeIsTheDefaultCompactModelWithCorruptions) {
  const Recipe r = load_recipe(std::filesystem::path(FERKIT_SOURCE_DIR) / "configs" / "webcam.toml");
  EXPECT_EQ(r.train.model.architecture, "mobilenetv3_small_48");
  EXPECT_EQ(r.train.model.input_size, 48);
  EXPECT_EQ(r.train.model.in_channels, 1);
  EXPECT_GT(r.train.augment.corruption_p, 0.0);
  EXPECT_GT(r.train.augment.grey_colour_mix_p, 0.0);
  EXPECT_NO_THROW(validate(r.train.augment));
}

}  // namespace
}  // namespace ferkit
