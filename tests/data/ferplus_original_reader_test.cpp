#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "data_fixtures.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

const char* kNewHeader = "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n";

void write_fixture(const test::TempDir& dir, const std::string& new_rows) {
  test::write_text(dir / "fer2013.csv", std::string("emotion,pixels,Usage\n") +
                                            "3," + test::fer2013_pixels(1) + ",Training\n" +
                                            "0," + test::fer2013_pixels(2) + ",Training\n" +
                                            "6," + test::fer2013_pixels(3) + ",PublicTest\n" +
                                            "6," + test::fer2013_pixels(4) + ",PrivateTest\n");
  test::write_text(dir / "fer2013new.csv", kNewHeader + new_rows);
}

const std::string kGoodRows =
    "Training,fer0000000.png,0,10,0,0,0,0,0,0,0,0\n"
    "Training,,0,0,0,0,0,0,0,0,0,10\n"
    "PublicTest,fer0000002.png,6,0,0,4,0,0,0,0,0,0\n"
    "PrivateTest,fer0000003.png,2,0,0,0,0,0,0,0,8,0\n";

Dataset read(const std::filesystem::path& root, const std::string& mode = "majority", const std::string& split = "all") {
  ReadOptions o;
  o.format = "ferplus-original";
  o.path = root;
  o.label_mode = mode;
  o.split = split;
  return read_dataset(o);
}

TEST(FerplusOriginalReader, JoinsRowsAndAppliesTheLabelRule) {
  test::TempDir dir("ferplus-original");
  write_fixture(dir, kGoodRows);
  Dataset d = read(dir.path());
  ASSERT_EQ(d.samples.size(), 2u);
  EXPECT_EQ(d.memory.count(), 2);
  const Sample& a = d.samples[0];
  EXPECT_EQ(a.label, kHappiness);
  EXPECT_EQ(a.split, Split::kTrain);
  EXPECT_EQ(a.provenance, "fer2013new.csv:2");
  EXPECT_EQ(a.image.path, "fer2013.csv#0");
  const Sample& b = d.samples[1];
  EXPECT_EQ(b.label, kNeutral);
  EXPECT_EQ(b.split, Split::kValid);
  EXPECT_EQ(b.provenance, "fer2013new.csv:4");
  EXPECT_EQ(b.image.path, "fer2013.csv#2");
  EXPECT_EQ(b.votes[3], 4.0f);
  // Pixels come from the matching fer2013.csv row: (seed * 7 + i) % 256 with seed 3.
  cv::Mat img = load_image(d, b, true);
  ASSERT_EQ(img.rows, 48);
  EXPECT_EQ(img.at<uint8_t>(0, 0), 21);
  EXPECT_EQ(img.at<uint8_t>(1, 2), (21 + 50) % 256);
  EXPECT_EQ(d.dropped.at("ferplus-original: image removed by FERPlus (empty Image name)"), 1);
  EXPECT_EQ(d.dropped.at("ferplus-original test: unknown or not-a-face under the majority rule"), 1);
}

TEST(FerplusOriginalReader, ProbabilityModeAndSplitSelection) {
  test::TempDir dir("ferplus-original");
  write_fixture(dir, kGoodRows);
  Dataset d = read(dir.path(), "probability", "valid");
  ASSERT_EQ(d.samples.size(), 1u);
  // 6 then 4 reach 75 % of 10: 0.6 neutral, 0.4 sadness.
  EXPECT_NEAR(d.samples[0].target[kNeutral], 0.6, 1e-6);
  EXPECT_NEAR(d.samples[0].target[kSadness], 0.4, 1e-6);
  EXPECT_EQ(d.memory.count(), 1);
}

TEST(FerplusOriginalReader, UsageMismatchNamesBothRows) {
  test::TempDir dir("ferplus-original");
  write_fixture(dir, "Training,fer0000000.png,0,10,0,0,0,0,0,0,0,0\n"
                     "PublicTest,fer0000001.png,0,10,0,0,0,0,0,0,0,0\n"
                     "PublicTest,fer0000002.png,6,0,0,4,0,0,0,0,0,0\n"
                     "PrivateTest,fer0000003.png,2,0,0,0,0,0,0,0,8,0\n");
  test::expect_error([&] { read(dir.path()); }, {"fer2013new.csv:3", "Usage 'Training'", "fer2013.csv:3", "'PublicTest'"});
}

TEST(FerplusOriginalReader, RowCountMismatchNamesTheRow) {
  test::TempDir dir("ferplus-original");
  write_fixture(dir, "Training,fer0000000.png,0,10,0,0,0,0,0,0,0,0\n"
                     "Training,,0,0,0,0,0,0,0,0,0,10\n"
                     "PublicTest,fer0000002.png,6,0,0,4,0,0,0,0,0,0\n");
  test::expect_error([&] { read(dir.path()); }, {"same number of rows", "fer2013.csv:5"});
  write_fixture(dir, kGoodRows + "Training,fer0000004.png,0,10,0,0,0,0,0,0,0,0\n");
  test::expect_error([&] { read(dir.path()); }, {"fer2013new.csv:6", "beyond the end of fer2013.csv"});
}

TEST(FerplusOriginalReader, BadPixelRowNamesTheLine) {
  test::TempDir dir("ferplus-original");
  test::write_text(dir / "fer2013.csv", "emotion,pixels,Usage\n3,1 2 3,Training\n");
  test::write_text(dir / "fer2013new.csv", std::string(kNewHeader) + "Training,fer0000000.png,0,10,0,0,0,0,0,0,0,0\n");
  test::expect_error([&] { read(dir.path()); }, {"fer2013.csv:2", "2304 pixel values", "3 values"});
}

TEST(FerplusOriginalReader, MissingFileIsAnError) {
  test::TempDir dir("ferplus-original");
  test::write_text(dir / "fer2013.csv", "emotion,pixels,Usage\n");
  test::expect_error([&] { read(dir.path()); }, {"fer2013new.csv", "no such file"});
}

}  // namespace
}  // namespace ferkit
