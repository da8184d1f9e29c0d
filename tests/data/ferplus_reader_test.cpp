#include <gtest/gtest.h>

#include "data_fixtures.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

using test::FerplusRow;

Dataset read(const std::filesystem::path& root, const std::string& split = "all", const std::string& mode = "majority") {
  ReadOptions o;
  o.format = "ferplus";
  o.path = root;
  o.split = split;
  o.label_mode = mode;
  return read_dataset(o);
}

TEST(FerplusReader, ReadsSplitsTargetsVotesAndProvenance) {
  test::TempDir dir("ferplus");
  test::write_ferplus_folder(dir.path(), "FER2013Train",
                             {{"a.png", {0, 8, 0, 0, 0, 0, 0, 0, 2, 0}},    // happiness
                              {"b.png", {4, 0, 0, 1, 3, 2, 0, 0, 0, 0}},    // no majority: dropped
                              {"c.png", {0, 0, 0, 0, 0, 0, 0, 10, 0, 0}}});  // contempt
  test::write_ferplus_folder(dir.path(), "FER2013Valid", {{"d.png", {0, 0, 0, 0, 0, 0, 0, 0, 3, 7}}}, 10);  // not-a-face
  test::write_ferplus_folder(dir.path(), "FER2013Test", {{"e.png", {0, 0, 9, 0, 0, 0, 0, 0, 1, 0}}}, 20);
  Dataset d = read(dir.path());
  ASSERT_EQ(d.samples.size(), 3u);
  EXPECT_EQ(d.samples[0].label, kHappiness);
  EXPECT_EQ(d.samples[0].split, Split::kTrain);
  EXPECT_EQ(d.samples[0].provenance, "FER2013Train/label.csv:1");
  EXPECT_EQ(d.samples[0].image.path, "FER2013Train/a.png");
  EXPECT_EQ(d.samples[0].votes[1], 8.0f);
  EXPECT_EQ(d.samples[1].label, kContempt);
  EXPECT_EQ(d.samples[1].provenance, "FER2013Train/label.csv:3");
  EXPECT_EQ(d.samples[2].label, kSurprise);
  EXPECT_EQ(d.samples[2].split, Split::kTest);
  EXPECT_EQ(d.total_dropped(), 2);
  EXPECT_EQ(d.dropped.at("ferplus train: unknown or not-a-face under the majority rule"), 1);
  EXPECT_EQ(d.dropped.at("ferplus valid: unknown or not-a-face under the majority rule"), 1);
  // Dropped rows' images are known to the integrity check.
  EXPECT_EQ(d.skipped_paths, (std::vector<std::string>{"FER2013Train/b.png", "FER2013Valid/d.png"}));
  Dataset valid = read(dir.path(), "valid");
  EXPECT_TRUE(valid.samples.empty());
  EXPECT_EQ(read(dir.path(), "train").samples.size(), 2u);
}

TEST(FerplusReader, WrongColumnCountNamesFileAndLine) {
  test::TempDir dir("ferplus");
  test::write_text(dir / "FER2013Train/label.csv",
                   "a.png,\"(0, 0, 48, 48)\",0,8,0,0,0,0,0,0,2,0\n"
                   "b.png,\"(0, 0, 48, 48)\",0,8,0,0,0,0,0,0,2\n");
  test::expect_error([&] { read(dir.path()); }, {"FER2013Train/label.csv:2", "12 fields", "11 fields"});
}

TEST(FerplusReader, EmptyLabelFileIsAnError) {
  test::TempDir dir("ferplus");
  test::write_text(dir / "FER2013Train/label.csv", "");
  test::expect_error([&] { read(dir.path()); }, {"FER2013Train/label.csv", "empty file"});
}

TEST(FerplusReader, MissingRootIsAnError) {
  test::TempDir dir("ferplus");
  test::expect_error([&] { read(dir / "nowhere"); }, {"nowhere", "no such directory"});
}

}  // namespace
}  // namespace ferkit
