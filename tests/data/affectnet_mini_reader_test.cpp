#include <gtest/gtest.h>

#include "data_fixtures.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

Dataset read(const std::filesystem::path& root, const std::string& split = "all") {
  ReadOptions o;
  o.format = "affectnet-mini";
  o.path = root;
  o.split = split;
  return read_dataset(o);
}

TEST(AffectnetMiniReader, NamesNumbersAndBothClassMapForms) {
  test::TempDir dir("affectnet-mini");
  test::write_text(dir / "labels_train.csv", ",pth,label,relFCs\n0,anger/image0000006.jpg,surprise,0.87\n1,contempt/x.jpg,contempt,0.9\n");
  test::write_text(dir / "labels_valid.csv", "path,label\nv/1.jpg,0\nv/2.jpg,1\nv/3.jpg,8\nv/4.jpg,1.0\n");
  test::write_text(dir / "labels_test.csv", "image,emotion\nt/1.jpg,happy\n");
  test::write_text(dir / "class_map.json", R"({"0": "neutral", "1": "happy", "8": "uncertain"})");
  Dataset d = read(dir.path());
  ASSERT_EQ(d.samples.size(), 6u);
  EXPECT_EQ(d.samples[0].label, kSurprise);  // a name, not in the map
  EXPECT_EQ(d.samples[0].split, Split::kTrain);
  EXPECT_EQ(d.samples[0].provenance, "labels_train.csv:2");
  EXPECT_EQ(d.samples[1].label, kContempt);
  EXPECT_EQ(d.samples[2].label, kNeutral);
  EXPECT_EQ(d.samples[2].split, Split::kValid);
  EXPECT_EQ(d.samples[3].label, kHappiness);
  EXPECT_EQ(d.samples[4].label, kHappiness);  // "1.0" is label 1
  EXPECT_EQ(d.samples[4].provenance, "labels_valid.csv:5");
  EXPECT_EQ(d.samples[5].split, Split::kTest);
  EXPECT_EQ(d.dropped.at("affectnet-mini: label '8' (uncertain) has no canonical class"), 1);
  EXPECT_EQ(d.skipped_paths, std::vector<std::string>{"v/3.jpg"});

  // {"name": value} works the same.
  test::write_text(dir / "class_map.json", R"({"neutral": 0, "happy": 1, "uncertain": 8})");
  Dataset e = read(dir.path(), "valid");
  ASSERT_EQ(e.samples.size(), 3u);
  EXPECT_EQ(e.samples[0].label, kNeutral);
  EXPECT_EQ(e.samples[1].label, kHappiness);
  // The other splits' images stay known to the integrity check.
  EXPECT_EQ(e.skipped_paths.size(), 4u);
}

TEST(AffectnetMiniReader, ErrorsNameFileAndLine) {
  test::TempDir dir("affectnet-mini");
  test::write_text(dir / "labels_train.csv", "pth,label\na.jpg,happy\nb.jpg,3\n");
  test::expect_error([&] { read(dir.path()); }, {"labels_train.csv:3", "class_map.json", "'3'"});
  test::write_text(dir / "class_map.json", R"({"0": "neutral"})");
  test::expect_error([&] { read(dir.path()); }, {"labels_train.csv:3", "0 -> neutral", "'3'"});
  test::write_text(dir / "class_map.json", R"({"0": ["neutral"]})");
  test::expect_error([&] { read(dir.path()); }, {"class_map.json entry '0'", "a class name"});
  test::write_text(dir / "class_map.json", "{not json");
  test::expect_error([&] { read(dir.path()); }, {"class_map.json", "valid JSON"});
  std::filesystem::remove(dir / "class_map.json");
  test::write_text(dir / "labels_train.csv", "pth,score\na.jpg,happy\n");
  test::expect_error([&] { read(dir.path()); }, {"labels_train.csv:1", "label, expression, emotion, class"});
  test::write_text(dir / "labels_train.csv", "pth,label\na.jpg\n");
  test::expect_error([&] { read(dir.path()); }, {"labels_train.csv:2", "2 fields", "1 fields"});
  test::write_text(dir / "labels_train.csv", "pth,label\na.jpg,happy\n");
  test::expect_error([&] { read(dir.path(), "test"); }, {"split 'test'", "no such file"});
  test::TempDir empty("affectnet-mini");
  test::expect_error([&] { read(empty.path()); }, {"labels_train.csv, labels_valid.csv", "none of them"});
}

}  // namespace
}  // namespace ferkit
