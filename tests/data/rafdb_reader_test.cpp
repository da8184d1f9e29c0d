#include <gtest/gtest.h>

#include "data_fixtures.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

Dataset read(const std::filesystem::path& root, const std::string& split = "all") {
  ReadOptions o;
  o.format = "rafdb";
  o.path = root;
  o.split = split;
  return read_dataset(o);
}

TEST(RafdbReader, MapsLabelsAndSplitsFromNames) {
  test::TempDir dir("rafdb");
  test::write_text(dir / "EmoLabel/list_patition_label.txt",
                   "train_00001.jpg 5\ntrain_00002.jpg 1\n\ntest_0001.jpg 7\r\ntest_0002.jpg 4\n");
  Dataset d = read(dir.path());
  ASSERT_EQ(d.samples.size(), 4u);
  EXPECT_EQ(d.samples[0].label, kSadness);
  EXPECT_EQ(d.samples[0].split, Split::kTrain);
  EXPECT_EQ(d.samples[0].image.path, "Image/aligned/train_00001_aligned.jpg");
  EXPECT_EQ(d.samples[1].label, kSurprise);
  EXPECT_EQ(d.samples[2].label, kNeutral);
  EXPECT_EQ(d.samples[2].split, Split::kTest);
  EXPECT_EQ(d.samples[2].provenance, "list_patition_label.txt:4");  // the blank line counts
  EXPECT_EQ(d.samples[3].label, kHappiness);
  Dataset test_split = read(dir.path(), "test");
  EXPECT_EQ(test_split.samples.size(), 2u);
  EXPECT_EQ(test_split.skipped_paths.size(), 2u);
}

TEST(RafdbReader, ErrorsNameTheLine) {
  test::TempDir dir("rafdb");
  const auto list = dir / "EmoLabel/list_patition_label.txt";
  test::write_text(list, "train_00001.jpg 5\ntrain_00002.jpg 8\n");
  test::expect_error([&] { read(dir.path()); }, {"list_patition_label.txt:2", "label 1..7", "8"});
  test::write_text(list, "train_00001.jpg 5 3\n");
  test::expect_error([&] { read(dir.path()); }, {"list_patition_label.txt:1", "two fields"});
  test::write_text(list, "valid_00001.jpg 5\n");
  test::expect_error([&] { read(dir.path()); }, {"list_patition_label.txt:1", "train_ or test_"});
  test::write_text(list, "");
  test::expect_error([&] { read(dir.path()); }, {"list_patition_label.txt", "empty file"});
  test::TempDir none("rafdb");
  test::expect_error([&] { read(none.path()); }, {"list_patition_label.txt", "no such file"});
}

}  // namespace
}  // namespace ferkit
