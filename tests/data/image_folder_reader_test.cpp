#include <gtest/gtest.h>

#include "data_fixtures.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

Dataset read(const std::filesystem::path& root, std::map<std::string, std::string> class_map = {},
             const std::string& split = "all") {
  ReadOptions o;
  o.format = "folder";
  o.path = root;
  o.class_map = std::move(class_map);
  o.split = split;
  return read_dataset(o);
}

TEST(ImageFolderReader, CkplusLayoutWithFolderNamesAsClasses) {
  test::TempDir dir("folder");
  test::write_png(dir / "anger/S010_004_00000017.png", 1);
  test::write_png(dir / "happy/S011_006_00000013.png", 2);
  test::write_png(dir / "happy/S011_006_00000014.png", 3);
  test::write_png(dir / "sadness/S014_002_00000014.png", 4);
  test::write_png(dir / "contempt/S138_008_00000007.png", 5);
  test::write_text(dir / "happy/README.txt", "not an image");
  test::write_text(dir / "notes.txt", "stray file at the top");
  test::write_text(dir / ".DS_Store", "");
  Dataset d = read(dir.path());
  ASSERT_EQ(d.samples.size(), 5u);
  // Sorted folders, sorted files.
  EXPECT_EQ(d.samples[0].image.path, "anger/S010_004_00000017.png");
  EXPECT_EQ(d.samples[0].label, kAnger);
  EXPECT_EQ(d.samples[1].label, kContempt);
  EXPECT_EQ(d.samples[2].label, kHappiness);
  EXPECT_EQ(d.samples[3].provenance, "happy/S011_006_00000014.png");
  EXPECT_EQ(d.samples[4].label, kSadness);
  EXPECT_EQ(d.samples[4].split, Split::kUnspecified);
  EXPECT_EQ(d.class_counts()[kHappiness], 2);
  EXPECT_EQ(d.dropped.at("folder: not an image file (.png, .jpg, .jpeg, .bmp)"), 1);
  EXPECT_EQ(d.dropped.at("folder: file outside a class folder"), 1);
  EXPECT_EQ(d.dropped.at("folder: hidden file or folder (name starts with '.')"), 1);
}

TEST(ImageFolderReader, ClassMapNamesTheFolders) {
  test::TempDir dir("folder");
  test::write_png(dir / "0/a.png", 1);
  test::write_png(dir / "1/b.jpg", 2);
  Dataset d = read(dir.path(), {{"0", "neutral"}, {"1", "fearful"}});
  ASSERT_EQ(d.samples.size(), 2u);
  EXPECT_EQ(d.samples[0].label, kNeutral);
  EXPECT_EQ(d.samples[1].label, kFear);
  test::expect_error([&] { read(dir.path(), {{"0", "neutral"}}); }, {"1/", "class_map (0)", "folder '1'"});
  test::expect_error([&] { read(dir.path(), {{"0", "neutral"}, {"1", "bored"}}); }, {"class_map entry '1'", "'bored'"});
}

TEST(ImageFolderReader, UnknownFolderNamesItAndTheKnownNames) {
  test::TempDir dir("folder");
  test::write_png(dir / "happy/a.png", 1);
  test::write_png(dir / "bored/b.png", 2);
  test::expect_error([&] { read(dir.path()); }, {"bored/", "neutral, happiness", "folder 'bored'"});
}

TEST(ImageFolderReader, SplitFolders) {
  test::TempDir dir("folder");
  test::write_png(dir / "train/happy/a.png", 1);
  test::write_png(dir / "train/surprise/b.png", 2);
  test::write_png(dir / "val/happy/c.png", 3);
  test::write_png(dir / "test/disgust/d.bmp", 4);
  Dataset d = read(dir.path());
  ASSERT_EQ(d.samples.size(), 4u);
  EXPECT_EQ(d.samples[0].split, Split::kTest);  // folders in sorted order: test, train, val
  EXPECT_EQ(d.samples[0].label, kDisgust);
  EXPECT_EQ(d.samples[1].split, Split::kTrain);
  EXPECT_EQ(d.samples[3].split, Split::kValid);
  EXPECT_EQ(d.samples[3].image.path, "val/happy/c.png");
  Dataset train = read(dir.path(), {}, "train");
  EXPECT_EQ(train.samples.size(), 2u);
}

TEST(ImageFolderReader, LayoutErrors) {
  test::TempDir dir("folder");
  test::write_png(dir / "train/happy/a.png", 1);
  test::write_png(dir / "sad/b.png", 2);
  test::expect_error([&] { read(dir.path()); }, {"either class folders or split folders", "sad", "train"});
  test::TempDir flat("folder");
  test::write_png(flat / "sad/b.png", 2);
  test::expect_error([&] { read(flat.path(), {}, "train"); }, {"split folders", "'train'"});
  test::expect_error([&] { read(dir / "nowhere"); }, {"nowhere", "no such directory"});
  test::TempDir empty("folder");
  std::filesystem::create_directories(empty / "happy");
  test::expect_error([&] { read(empty.path()); }, {"at least one image"});
}

}  // namespace
}  // namespace ferkit
