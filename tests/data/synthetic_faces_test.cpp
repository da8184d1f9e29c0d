#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "data_fixtures.h"
#include "ferkit/csv.h"
#include "ferkit/integrity.h"
#include "ferkit/manifest.h"
#include "ferkit/readers.h"
#include "ferkit/synthetic_faces.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

// The options data/sample was made with (docs/data.md and the synth-faces help give the command).
SyntheticFacesOptions sample_options(const fs::path& out) {
  SyntheticFacesOptions o;
  o.out = out.string();
  o.per_class = 12;
  o.seed = 7;
  return o;
}

Dataset read_at(const fs::path& root, const std::string& mode = "majority") {
  ReadOptions r;
  r.format = "ferplus";
  r.path = root;
  r.label_mode = mode;
  return read_dataset(r);
}

TEST(SyntheticFaces, WritesTheFerplusLayoutWithVotesAroundTheIntendedClass) {
  test::TempDir dir("synth");
  SyntheticFacesOptions o = sample_options(dir.path());
  o.per_class = 6;
  const SyntheticFacesSummary s = write_synthetic_faces(o);
  EXPECT_EQ(s.train_rows, 48);
  EXPECT_EQ(s.valid_rows, 16);  // 6 / 3 = 2 per class
  for (int k = 0; k < kNumClasses; ++k) EXPECT_EQ(s.drawn[k], 8) << class_name(k);
  // Every row has 10 votes, and the intended class (row index mod 8) has at least as many as any other.
  CsvReader r(dir / "FER2013Train/label.csv");
  std::vector<std::string> f;
  int row = 0;
  while (r.next(f)) {
    ASSERT_EQ(f.size(), 12u);
    EXPECT_EQ(f[1], "(0, 0, 48, 48)");
    int total = 0, intended = std::stoi(f[2 + row % 8]);
    for (int k = 0; k < 10; ++k) {
      total += std::stoi(f[2 + k]);
      if (k != row % 8) EXPECT_LT(std::stoi(f[2 + k]), intended + 1) << r.where();
    }
    EXPECT_EQ(total, 10) << r.where();
    ++row;
  }
  EXPECT_EQ(row, 48);
  // Majority keeps most rows and every kept row has its intended class.
  Dataset d = read_at(dir.path());
  EXPECT_GE(static_cast<int64_t>(d.samples.size()), 64 * 3 / 4);
  EXPECT_LT(static_cast<int64_t>(d.samples.size()), 64);
  for (const auto& smp : d.samples) {
    const int index = std::stoi(smp.image.path.substr(smp.image.path.find("face") + 4, 4));
    EXPECT_EQ(smp.label, index % 8) << smp.provenance;
  }
  // Images are 48x48 and clean to the integrity check's errors.
  CheckOptions c;
  c.expected_size = 48;
  EXPECT_TRUE(check_dataset(d, c).ok());
}

TEST(SyntheticFaces, ExpressionsDifferInTheMouthRegion) {
  // Mean mouth-region image per class over 6 faces: each class differs from every other.
  test::TempDir dir("synth");
  SyntheticFacesOptions o = sample_options(dir.path());
  o.per_class = 6;
  write_synthetic_faces(o);
  std::vector<cv::Mat> mean(kNumClasses);
  for (int i = 0; i < 48; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "FER2013Train/face%04d.png", i);
    Dataset one;
    one.root = dir.path();
    Sample s;
    s.image.path = name;
    cv::Mat img = load_image(one, s, true);
    cv::Mat f;
    img(cv::Rect(12, 28, 24, 16)).convertTo(f, CV_32F, 1.0 / 6);
    mean[i % 8] = mean[i % 8].empty() ? f : mean[i % 8] + f;
  }
  for (int a = 0; a < kNumClasses; ++a)
    for (int b = a + 1; b < kNumClasses; ++b)
      EXPECT_GT(cv::norm(mean[a], mean[b], cv::NORM_L2) / std::sqrt(24.0 * 16), 2.0) << class_name(a) << " vs " << class_name(b);
}

TEST(SyntheticFaces, RegeneratingTheBundledSampleGivesTheSameFiles) {
  const fs::path committed = fs::path(FERKIT_SOURCE_DIR) / "data" / "sample";
  ASSERT_TRUE(fs::exists(committed / "FER2013Train/label.csv")) << committed;
  test::TempDir dir("synth");
  write_synthetic_faces(sample_options(dir.path()));
  for (const char* f : {"FER2013Train/label.csv", "FER2013Valid/label.csv"})
    EXPECT_EQ(test::read_text(dir / f), test::read_text(committed / f)) << f;
  EXPECT_EQ(build_manifest(read_at(dir.path()), 2).fingerprint(), build_manifest(read_at(committed), 2).fingerprint());
}

}  // namespace
}  // namespace ferkit
