#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "data_fixtures.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

const std::string kHeader = "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal\n";

Dataset read(const std::filesystem::path& path, const std::filesystem::path& image_root = {}, const std::string& split = "all") {
  ReadOptions o;
  o.format = "affectnet";
  o.path = path;
  o.image_root = image_root;
  o.split = split;
  return read_dataset(o);
}

TEST(AffectnetReader, MapsExpressionsDropsNoneUncertainNoFaceAndCrops) {
  test::TempDir dir("affectnet");
  test::write_text(dir / "annotations/training.csv",
                   kHeader + "689/a.jpg,10,12,30,31,\"1.5;2.5;3.5\",1,0.5,0.2\n"
                             "689/b.jpg,0,0,64,64,\"\",8,0,0\n"
                             "690/c.jpg,0,0,64,64,\"\",9,0,0\n"
                             "690/d.jpg,0,0,64,64,\"\",10,0,0\n"
                             "690/e.jpg,4,4,40,40,\"\",6,-0.5,0.7\n"
                             "690/f.jpg,0,0,64,64,\"\",7,0,0\n");
  test::write_png(dir / "images/689/a.jpg", 1, 64);
  Dataset d = read(dir / "annotations/training.csv", dir / "images");
  ASSERT_EQ(d.samples.size(), 3u);
  EXPECT_EQ(d.root, dir / "images");
  EXPECT_EQ(d.samples[0].label, kHappiness);
  EXPECT_EQ(d.samples[0].split, Split::kTrain);
  EXPECT_EQ(d.samples[0].provenance, "training.csv:2");
  EXPECT_EQ(d.samples[0].image.crop.x, 10);
  EXPECT_EQ(d.samples[0].image.crop.height, 31);
  EXPECT_EQ(d.samples[1].label, kAnger);
  EXPECT_EQ(d.samples[1].provenance, "training.csv:6");
  EXPECT_EQ(d.samples[2].label, kContempt);
  EXPECT_EQ(d.dropped.at("affectnet: expression 8 (none)"), 1);
  EXPECT_EQ(d.dropped.at("affectnet: expression 9 (uncertain)"), 1);
  EXPECT_EQ(d.dropped.at("affectnet: expression 10 (no-face)"), 1);
  EXPECT_EQ(d.skipped_paths, (std::vector<std::string>{"689/b.jpg", "690/c.jpg", "690/d.jpg"}));
  cv::Mat face = load_image(d, d.samples[0], true);
  EXPECT_EQ(face.cols, 30);
  EXPECT_EQ(face.rows, 31);
}

TEST(AffectnetReader, SplitFromFileNameAndDirectory) {
  test::TempDir dir("affectnet");
  test::write_text(dir / "training.csv", kHeader + "1/a.jpg,0,0,10,10,\"\",0,0,0\n1/b.jpg,0,0,10,10,\"\",3,0,0\n");
  test::write_text(dir / "validation.csv", kHeader + "2/c.jpg,0,0,10,10,\"\",4,0,0\n");
  test::write_text(dir / "other.csv", kHeader + "3/d.jpg,0,0,10,10,\"\",5,0,0\n");
  Dataset all = read(dir.path());  // a directory: training*.csv and validation*.csv
  ASSERT_EQ(all.samples.size(), 3u);
  EXPECT_EQ(all.samples[1].label, kSurprise);
  EXPECT_EQ(all.samples[2].split, Split::kValid);
  EXPECT_EQ(all.samples[2].label, kFear);
  Dataset valid = read(dir.path(), {}, "valid");
  ASSERT_EQ(valid.samples.size(), 1u);
  EXPECT_EQ(valid.skipped_paths.size(), 2u);  // the training rows' images are still known
  Dataset other = read(dir / "other.csv");
  ASSERT_EQ(other.samples.size(), 1u);
  EXPECT_EQ(other.samples[0].split, Split::kUnspecified);
  EXPECT_EQ(other.samples[0].label, kDisgust);
  test::expect_error([&] { read(dir / "other.csv", {}, "train"); }, {"other.csv", "split 'train'"});
}

TEST(AffectnetReader, ErrorsNameFileAndLine) {
  test::TempDir dir("affectnet");
  test::write_text(dir / "training.csv", kHeader + "1/a.jpg,0,0,10,10,\"\",0,0,0\n1/b.jpg,0,0,10,10,\"\",11,0,0\n");
  test::expect_error([&] { read(dir / "training.csv"); }, {"training.csv:3", "expression 0..10", "11"});
  test::write_text(dir / "training.csv", kHeader + "1/a.jpg,0,0,10,10,0,0,0\n");
  test::expect_error([&] { read(dir / "training.csv"); }, {"training.csv:2", "9 fields", "8 fields"});
  test::write_text(dir / "training.csv", kHeader + "1/a.jpg,0,0,0,10,\"\",0,0,0\n");
  test::expect_error([&] { read(dir / "training.csv"); }, {"training.csv:2", "positive width"});
  test::write_text(dir / "training.csv", "path,expression\n");
  test::expect_error([&] { read(dir / "training.csv"); }, {"training.csv:1", "subDirectory_filePath", "path, expression"});
  test::write_text(dir / "training.csv", kHeader);
  test::expect_error([&] { read(dir / "training.csv"); }, {"training.csv", "at least one data row"});
  test::expect_error([&] { read(dir / "nothing.csv"); }, {"nothing.csv", "no such file"});
}

}  // namespace
}  // namespace ferkit
