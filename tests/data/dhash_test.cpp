#include <gtest/gtest.h>

#include <random>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "data_fixtures.h"
#include "ferkit/dhash.h"

namespace ferkit {
namespace {

TEST(Dhash, HandComputedBits) {
  cv::Mat up(8, 9, CV_8UC1), down(8, 9, CV_8UC1);
  for (int r = 0; r < 8; ++r)
    for (int c = 0; c < 9; ++c) {
      up.at<uint8_t>(r, c) = static_cast<uint8_t>(10 * c);
      down.at<uint8_t>(r, c) = static_cast<uint8_t>(200 - 10 * c);
    }
  EXPECT_EQ(dhash(up), ~uint64_t{0});
  EXPECT_EQ(dhash(down), uint64_t{0});
  // One rise, in row 3 between columns 4 and 5: bit 3 * 8 + 4 counted from the top.
  cv::Mat flat(8, 9, CV_8UC1, cv::Scalar(100));
  for (int c = 5; c < 9; ++c) flat.at<uint8_t>(3, c) = 120;
  EXPECT_EQ(dhash(flat), uint64_t{1} << (63 - 28));
  // The first row rising, the others flat: the top byte.
  cv::Mat top(8, 9, CV_8UC1, cv::Scalar(50));
  for (int c = 0; c < 9; ++c) top.at<uint8_t>(0, c) = static_cast<uint8_t>(c);
  EXPECT_EQ(dhash(top), uint64_t{0xff} << 56);
}

TEST(Dhash, AreaResizeOfBlocksGivesTheSameHash) {
  cv::Mat small(8, 9, CV_8UC1), big(80, 90, CV_8UC1);
  std::mt19937 rng(3);
  for (int r = 0; r < 8; ++r)
    for (int c = 0; c < 9; ++c) small.at<uint8_t>(r, c) = static_cast<uint8_t>(rng() % 256);
  for (int r = 0; r < 80; ++r)
    for (int c = 0; c < 90; ++c) big.at<uint8_t>(r, c) = small.at<uint8_t>(r / 10, c / 10);
  EXPECT_EQ(dhash(small), dhash(big));
  cv::Mat color;
  cv::cvtColor(big, color, cv::COLOR_GRAY2BGR);
  EXPECT_EQ(dhash(color), dhash(big));
}

TEST(Dhash, BrightenedCopyIsNearAndDifferentImagesAreFar) {
  test::TempDir dir("dhash");
  std::vector<cv::Mat> imgs;
  for (int seed = 0; seed < 6; ++seed) {
    test::write_png(dir / "a.png", seed);
    imgs.push_back(cv::imread((dir / "a.png").string(), cv::IMREAD_GRAYSCALE));
  }
  cv::Mat brighter;
  imgs[0].convertTo(brighter, -1, 1.0, 12.0);  // +12 grey levels, saturating
  EXPECT_LT(hamming_distance(dhash(imgs[0]), dhash(brighter)), 8);
  for (size_t i = 0; i < imgs.size(); ++i)
    for (size_t j = i + 1; j < imgs.size(); ++j)
      EXPECT_GE(hamming_distance(dhash(imgs[i]), dhash(imgs[j])), 8) << i << " vs " << j;
}

TEST(Dhash, HammingDistance) {
  EXPECT_EQ(hamming_distance(0, 0), 0);
  EXPECT_EQ(hamming_distance(0, ~uint64_t{0}), 64);
  EXPECT_EQ(hamming_distance(0b1011, 0b0110), 3);
}

// The byte-band search must find exactly the pairs a plain all-pairs comparison finds.
TEST(Dhash, NearDuplicatePairsMatchAllPairs) {
  std::mt19937_64 rng(11);
  std::vector<uint64_t> h;
  for (int i = 0; i < 600; ++i) h.push_back(rng());
  for (int i = 0; i < 300; ++i) {  // copies with 0..12 flipped bits
    uint64_t x = h[rng() % 600];
    const int flips = static_cast<int>(rng() % 13);
    for (int f = 0; f < flips; ++f) x ^= uint64_t{1} << (rng() % 64);
    h.push_back(x);
  }
  for (int threshold : {1, 4, 8, 10}) {
    std::vector<std::tuple<size_t, size_t, int>> expected, got;
    for (size_t i = 0; i < h.size(); ++i)
      for (size_t j = i + 1; j < h.size(); ++j) {
        const int d = hamming_distance(h[i], h[j]);
        if (d < threshold) expected.emplace_back(i, j, d);
      }
    for (const auto& p : near_duplicate_pairs(h, threshold)) got.emplace_back(p.first, p.second, p.distance);
    EXPECT_EQ(got, expected) << "threshold " << threshold;
    EXPECT_FALSE(expected.empty());
  }
  EXPECT_TRUE(near_duplicate_pairs(h, 0).empty());
}

}  // namespace
}  // namespace ferkit
