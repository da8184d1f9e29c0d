#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "data_fixtures.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

Dataset read(const std::filesystem::path& path, const std::string& split = "all") {
  ReadOptions o;
  o.format = "fer2013";
  o.path = path;
  o.split = split;
  return read_dataset(o);
}

TEST(Fer2013Reader, MapsSevenClassesOneHot) {
  test::TempDir dir("fer2013");
  std::string csv = "emotion,pixels,Usage\n";
  const char* usage[] = {"Training", "Training", "PublicTest", "PrivateTest", "Training", "Training", "Training"};
  for (int e = 0; e < 7; ++e) csv += std::to_string(e) + "," + test::fer2013_pixels(e) + "," + usage[e] + "\n";
  test::write_text(dir / "fer2013.csv", csv);
  // The directory and the file itself are both accepted.
  for (const auto& path : {dir.path(), dir / "fer2013.csv"}) {
    Dataset d = read(path);
    ASSERT_EQ(d.samples.size(), 7u);
    const int expected[] = {kAnger, kDisgust, kFear, kHappiness, kSadness, kSurprise, kNeutral};
    for (int e = 0; e < 7; ++e) {
      EXPECT_EQ(d.samples[e].label, expected[e]) << e;
      EXPECT_EQ(d.samples[e].target[expected[e]], 1.0f);
      EXPECT_EQ(d.samples[e].provenance, "fer2013.csv:" + std::to_string(e + 2));
    }
    EXPECT_EQ(d.samples[2].split, Split::kValid);
    EXPECT_EQ(d.samples[3].split, Split::kTest);
    EXPECT_EQ(d.class_counts()[kContempt], 0);
    cv::Mat img = load_image(d, d.samples[4], true);
    EXPECT_EQ(img.at<uint8_t>(0, 5), (4 * 7 + 5) % 256);
  }
  EXPECT_EQ(read(dir.path(), "train").samples.size(), 5u);
  EXPECT_EQ(read(dir.path(), "test").samples.size(), 1u);
}

TEST(Fer2013Reader, LabelOutOfRangeNamesTheLine) {
  test::TempDir dir("fer2013");
  test::write_text(dir / "fer2013.csv", "emotion,pixels,Usage\n0," + test::fer2013_pixels(0) + ",Training\n7," +
                                            test::fer2013_pixels(1) + ",Training\n");
  test::expect_error([&] { read(dir.path()); }, {"fer2013.csv:3", "emotion 0..6", "got 7"});
}

TEST(Fer2013Reader, WrongColumnCountAndUsageNameTheLine) {
  test::TempDir dir("fer2013");
  test::write_text(dir / "fer2013.csv", "emotion,pixels,Usage\n0," + test::fer2013_pixels(0) + "\n");
  test::expect_error([&] { read(dir.path()); }, {"fer2013.csv:2", "3 fields", "2 fields"});
  test::write_text(dir / "fer2013.csv", "emotion,pixels,Usage\n0," + test::fer2013_pixels(0) + ",Train\n");
  test::expect_error([&] { read(dir.path()); }, {"fer2013.csv:2", "Usage Training, PublicTest or PrivateTest", "'Train'"});
  test::write_text(dir / "fer2013.csv", "emotion,pixels,Usage\n0,1 2 300,Training\n");
  test::expect_error([&] { read(dir.path()); }, {"fer2013.csv:2", "0..255", "300"});
}

TEST(Fer2013Reader, EmptyAndMissingFiles) {
  test::TempDir dir("fer2013");
  test::write_text(dir / "fer2013.csv", "");
  test::expect_error([&] { read(dir.path()); }, {"fer2013.csv", "header", "empty file"});
  test::write_text(dir / "fer2013.csv", "emotion,pixels,Usage\n");
  test::expect_error([&] { read(dir.path()); }, {"fer2013.csv", "at least one data row"});
  test::expect_error([&] { read(dir / "nowhere"); }, {"nowhere", "no such file"});
}

}  // namespace
}  // namespace ferkit
