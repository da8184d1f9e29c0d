#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "data_fixtures.h"
#include "ferkit/npz.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

Dataset read(const std::filesystem::path& file, const std::string& split = "all") {
  ReadOptions o;
  o.format = "npz";
  o.path = file;
  o.split = split;
  return read_dataset(o);
}

NpzArchive small_archive(int64_t n) {
  std::vector<uint8_t> images(static_cast<size_t>(n) * 4 * 5);
  for (size_t i = 0; i < images.size(); ++i) images[i] = static_cast<uint8_t>(i);
  std::vector<float> targets(static_cast<size_t>(n) * 8, 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    targets[i * 8 + (i % 8)] = 0.75f;
    targets[i * 8 + ((i + 1) % 8)] = 0.25f;
  }
  std::vector<int64_t> splits(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) splits[i] = i % 4;
  NpzArchive z;
  z["images"] = NpyArray::from<uint8_t>({n, 4, 5}, images.data());
  z["targets"] = NpyArray::from<float>({n, 8}, targets.data());
  z["splits"] = NpyArray::from<int64_t>({n}, splits.data());
  return z;
}

TEST(NpzReader, ReadsImagesTargetsAndSplits) {
  test::TempDir dir("npz");
  write_npz(dir / "d.npz", small_archive(5));
  Dataset d = read(dir / "d.npz");
  ASSERT_EQ(d.samples.size(), 5u);
  EXPECT_EQ(d.memory.height, 4);
  EXPECT_EQ(d.memory.width, 5);
  EXPECT_EQ(d.samples[2].label, 2);  // argmax of 0.75 at class 2
  EXPECT_FLOAT_EQ(d.samples[2].target[3], 0.25f);
  EXPECT_EQ(d.samples[1].split, Split::kValid);
  EXPECT_EQ(d.samples[3].split, Split::kUnspecified);
  EXPECT_EQ(d.samples[4].split, Split::kTrain);
  EXPECT_EQ(d.samples[4].provenance, "d.npz:4");
  cv::Mat img = load_image(d, d.samples[1], true);
  EXPECT_EQ(img.at<uint8_t>(0, 0), 20);  // image 1 starts at element 20
  EXPECT_EQ(read(dir / "d.npz", "train").samples.size(), 2u);
}

TEST(NpzReader, ShapeMismatchesNameTheArray) {
  test::TempDir dir("npz");
  NpzArchive z = small_archive(3);
  std::vector<float> t(2 * 8, 0.125f);
  z["targets"] = NpyArray::from<float>({2, 8}, t.data());
  write_npz(dir / "a.npz", z);
  test::expect_error([&] { read(dir / "a.npz"); }, {"a.npz/targets", "N = 3 rows", "2 rows"});

  z = small_archive(3);
  std::vector<int64_t> labels = {0, 1};
  z["labels"] = NpyArray::from<int64_t>({2}, labels.data());
  write_npz(dir / "b.npz", z);
  test::expect_error([&] { read(dir / "b.npz"); }, {"b.npz/labels", "shape [3]", "shape [2]"});

  z = small_archive(3);
  std::vector<float> seven(3 * 7, 1.0f / 7);
  z["targets"] = NpyArray::from<float>({3, 7}, seven.data());
  write_npz(dir / "c.npz", z);
  test::expect_error([&] { read(dir / "c.npz"); }, {"c.npz/targets", "shape [N,8]", "shape [3,7]"});
}

TEST(NpzReader, TargetRowsMustSumToOne) {
  test::TempDir dir("npz");
  NpzArchive z = small_archive(3);
  std::vector<float> t(3 * 8, 0.0f);
  t[0] = 1.0f;
  t[8] = 0.5f;  // row 1 sums to 0.5
  t[16] = 1.0f;
  z["targets"] = NpyArray::from<float>({3, 8}, t.data());
  write_npz(dir / "d.npz", z);
  test::expect_error([&] { read(dir / "d.npz"); }, {"d.npz/targets row 1", "summing to 1", "0.5"});
  t[8] = 1.0f;
  t[17] = -0.5f;  // row 2 has a negative entry
  t[16] = 1.5f;
  z["targets"] = NpyArray::from<float>({3, 8}, t.data());
  write_npz(dir / "d.npz", z);
  test::expect_error([&] { read(dir / "d.npz"); }, {"d.npz/targets row 2", ">= 0"});
}

TEST(NpzReader, MissingArrayAndFile) {
  test::TempDir dir("npz");
  NpzArchive z = small_archive(2);
  z.erase("targets");
  write_npz(dir / "d.npz", z);
  test::expect_error([&] { read(dir / "d.npz"); }, {"d.npz", "'targets'", "images"});
  test::expect_error([&] { read(dir / "none.npz"); }, {"none.npz", "no such file"});
}

Dataset ferplus_fixture(const test::TempDir& dir) {
  test::write_ferplus_folder(dir.path(), "FER2013Train",
                             {{"a.png", {0, 8, 0, 0, 0, 0, 0, 0, 2, 0}}, {"b.png", {5, 0, 0, 3, 0, 0, 0, 0, 0, 2}}});
  test::write_ferplus_folder(dir.path(), "FER2013Valid", {{"c.png", {0, 0, 0, 0, 0, 0, 7, 0, 3, 0}}}, 5);
  ReadOptions o;
  o.format = "ferplus";
  o.path = dir.path();
  o.label_mode = "probability";
  return read_dataset(o);
}

TEST(NpzWriter, RoundTripKeepsPixelsTargetsLabelsAndSplits) {
  test::TempDir dir("npz");
  Dataset d = ferplus_fixture(dir);
  ASSERT_EQ(d.samples.size(), 3u);
  write_npz_dataset(d, dir / "out.npz", 48);
  Dataset back = read(dir / "out.npz");
  ASSERT_EQ(back.samples.size(), d.samples.size());
  for (size_t i = 0; i < d.samples.size(); ++i) {
    EXPECT_EQ(back.samples[i].label, d.samples[i].label) << i;
    EXPECT_EQ(back.samples[i].split, d.samples[i].split) << i;
    for (int k = 0; k < kNumClasses; ++k) EXPECT_FLOAT_EQ(back.samples[i].target[k], d.samples[i].target[k]) << i;
    cv::Mat a = load_image(d, d.samples[i], true), b = load_image(back, back.samples[i], true);
    EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0) << i;
  }
  // Resizing on write: 24x24.
  write_npz_dataset(d, dir / "small.npz", 24);
  EXPECT_EQ(read(dir / "small.npz").memory.height, 24);
}

TEST(NpzWriter, NumpyReadsWhatWeWrite) {
  FERKIT_REQUIRE_PYTHON("numpy");
  test::TempDir dir("npz");
  Dataset d = ferplus_fixture(dir);
  write_npz_dataset(d, dir / "out.npz", 48);
  const std::string out = test::run_python(
      "import numpy as np\n"
      "z = np.load('" + (dir / "out.npz").string() + "')\n"
      "print(z['images'].dtype, z['images'].shape, z['targets'].dtype, z['targets'].shape)\n"
      "print(' '.join(str(int(v)) for v in z['labels']), ' '.join(str(int(v)) for v in z['splits']))\n"
      "print('%.6f %.6f %d' % (z['targets'][1, 0], z['targets'][1, 3], int(z['images'][2].sum())))\n");
  cv::Mat c = load_image(d, d.samples[2], true);
  char expected[256];
  std::snprintf(expected, sizeof expected,
                "uint8 (3, 48, 48) float32 (3, 8)\n%d %d %d 0 0 1\n%.6f %.6f %d\n", d.samples[0].label,
                d.samples[1].label, d.samples[2].label, d.samples[1].target[0], d.samples[1].target[3],
                static_cast<int>(cv::sum(c)[0]));
  EXPECT_EQ(out, expected);
}

TEST(NpzReader, ReadsWhatNumpyWritesIncludingRgb) {
  FERKIT_REQUIRE_PYTHON("numpy");
  test::TempDir dir("npz");
  test::run_python(
      "import numpy as np\n"
      "img = np.zeros((2, 6, 7, 3), np.uint8)\n"
      "img[:, :, :, 0] = 200  # red\n"
      "img[1, :, :, 2] = 50   # blue in the second image\n"
      "t = np.zeros((2, 8), np.float32); t[0, 4] = 1; t[1, 1] = 0.5; t[1, 2] = 0.5\n"
      "np.savez('" + (dir / "py.npz").string() + "', images=img, targets=t, labels=np.array([4, 2]))\n");
  Dataset d = read(dir / "py.npz");
  ASSERT_EQ(d.samples.size(), 2u);
  EXPECT_EQ(d.memory.channels, 3);
  EXPECT_EQ(d.samples[0].label, kAnger);
  EXPECT_EQ(d.samples[1].label, kSurprise);  // the labels array wins over the argmax (a tie here)
  cv::Mat bgr = load_image(d, d.samples[1], false);
  const cv::Vec3b px = bgr.at<cv::Vec3b>(3, 3);
  EXPECT_EQ(px[0], 50);   // blue
  EXPECT_EQ(px[2], 200);  // red
}

}  // namespace
}  // namespace ferkit
