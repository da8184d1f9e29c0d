#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "data_fixtures.h"
#include "ferkit/dataset_merge.h"
#include "ferkit/manifest.h"
#include "ferkit/npz.h"

namespace ferkit {
namespace {

TEST(DatasetMerge, ParsesSourceSpecs) {
  ReadOptions a = parse_source_spec("ferplus:../shared/data/ferplus:train");
  EXPECT_EQ(a.format, "ferplus");
  EXPECT_EQ(a.path, "../shared/data/ferplus");
  EXPECT_EQ(a.split, "train");
  ReadOptions b = parse_source_spec("folder:data/ck:plus");  // ":plus" is not a split: part of the path
  EXPECT_EQ(b.path, "data/ck:plus");
  EXPECT_EQ(b.split, "all");
  test::expect_error([] { parse_source_spec("ferplus"); }, {"source 'ferplus'", "format:path[:split]"});
  test::expect_error([] { parse_source_spec(":x"); }, {"format:path[:split]"});
  test::expect_error([] { parse_source_spec("npz::valid"); }, {"a path after the format"});
}

TEST(DatasetMerge, RewritesPathsNamesSourcesAndKeepsDropped) {
  test::TempDir dir("merge");
  test::write_ferplus_folder(dir / "a/ferplus", "FER2013Train",
                             {{"x.png", {0, 10, 0, 0, 0, 0, 0, 0, 0, 0}}, {"y.png", {5, 5, 0, 0, 0, 0, 0, 0, 0, 0}}});
  test::write_ferplus_folder(dir / "b/ferplus", "FER2013Train", {{"x.png", {0, 0, 10, 0, 0, 0, 0, 0, 0, 0}}}, 9);
  test::write_png(dir / "ck/fear/z.png", 3);
  Dataset m = merge_datasets({parse_source_spec("ferplus:" + (dir / "a/ferplus").string()),
                              parse_source_spec("folder:" + (dir / "ck").string()),
                              parse_source_spec("ferplus:" + (dir / "b/ferplus").string() + ":train")});
  EXPECT_EQ(m.root, dir.path());
  ASSERT_EQ(m.samples.size(), 3u);
  EXPECT_EQ(m.samples[0].image.path, "a/ferplus/FER2013Train/x.png");
  EXPECT_EQ(m.samples[0].source, "ferplus");
  EXPECT_EQ(m.samples[0].provenance, "a/ferplus/FER2013Train/label.csv:1");
  EXPECT_EQ(m.samples[1].image.path, "ck/fear/z.png");
  EXPECT_EQ(m.samples[1].source, "folder");
  EXPECT_EQ(m.samples[2].source, "ferplus-2");  // another FERPlus dataset
  EXPECT_EQ(m.samples[2].label, kSurprise);
  EXPECT_EQ(m.dropped.at("ferplus train: unknown or not-a-face under the majority rule"), 1);
  EXPECT_EQ(m.skipped_paths, std::vector<std::string>{"a/ferplus/FER2013Train/y.png"});
  // The merged dataset loads and indexes.
  EXPECT_EQ(load_image(m, m.samples[1], true).rows, 48);
  Manifest man = build_manifest(m, 1);
  EXPECT_EQ(man.rows[2].source, "ferplus-2");
}

TEST(DatasetMerge, SameDatasetTwoSplitsKeepsOneName) {
  test::TempDir dir("merge");
  test::write_ferplus_folder(dir.path(), "FER2013Train", {{"x.png", {0, 10, 0, 0, 0, 0, 0, 0, 0, 0}}});
  test::write_ferplus_folder(dir.path(), "FER2013Valid", {{"y.png", {0, 10, 0, 0, 0, 0, 0, 0, 0, 0}}}, 5);
  Dataset m = merge_datasets({parse_source_spec("ferplus:" + dir.path().string() + ":train"),
                              parse_source_spec("ferplus:" + dir.path().string() + ":valid")});
  ASSERT_EQ(m.samples.size(), 2u);
  EXPECT_EQ(m.samples[0].source, "ferplus");
  EXPECT_EQ(m.samples[1].source, "ferplus");
  EXPECT_EQ(m.samples[1].split, Split::kValid);
  EXPECT_EQ(m.samples[1].image.path, "FER2013Valid/y.png");
}

TEST(DatasetMerge, ConcatenatesInMemoryImagesAndRefusesMixedSizes) {
  test::TempDir dir("merge");
  test::write_text(dir / "fer/fer2013.csv", "emotion,pixels,Usage\n3," + test::fer2013_pixels(1) + ",Training\n4," +
                                                test::fer2013_pixels(2) + ",PublicTest\n");
  std::vector<uint8_t> px(48 * 48, 77);
  std::vector<float> t(8, 0.0f);
  t[kContempt] = 1.0f;
  NpzArchive z;
  std::filesystem::create_directories(dir / "packed");
  z["images"] = NpyArray::from<uint8_t>({1, 48, 48}, px.data());
  z["targets"] = NpyArray::from<float>({1, 8}, t.data());
  write_npz(dir / "packed/d.npz", z);
  Dataset m = merge_datasets({parse_source_spec("fer2013:" + (dir / "fer").string()),
                              parse_source_spec("npz:" + (dir / "packed/d.npz").string())});
  ASSERT_EQ(m.samples.size(), 3u);
  EXPECT_EQ(m.memory.count(), 3);
  EXPECT_EQ(m.samples[2].image.memory_index, 2);
  EXPECT_EQ(m.samples[2].image.path, "packed/d.npz#0");
  EXPECT_EQ(m.samples[2].label, kContempt);
  EXPECT_EQ(load_image(m, m.samples[2], true).at<uint8_t>(5, 5), 77);
  EXPECT_EQ(load_image(m, m.samples[1], true).at<uint8_t>(0, 0), 14);  // fer2013 row 2: seed 2

  std::vector<uint8_t> small(10 * 10, 1);
  z["images"] = NpyArray::from<uint8_t>({1, 10, 10}, small.data());
  write_npz(dir / "packed/small.npz", z);
  test::expect_error(
      [&] {
        merge_datasets({parse_source_spec("fer2013:" + (dir / "fer").string()),
                        parse_source_spec("npz:" + (dir / "packed/small.npz").string())});
      },
      {"source 2", "small.npz", "48x48x1", "10x10x1"});
}

}  // namespace
}  // namespace ferkit
