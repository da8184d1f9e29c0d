// Small datasets for the loader tests: PNG files in a TempDir or an in-memory ImageStore.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "ferkit/dataset.h"
#include "support/test_support.h"

namespace ferkit::test {

// n grayscale 48x48 PNGs (write_png), label i % classes, one-hot targets, 10 votes with the
// label's count = 10 - (i % 3), provenance "labels.csv:<i + 1>".
inline Dataset png_dataset(const TempDir& dir, int n, int classes = 4, int size = 48) {
  Dataset d;
  d.format = "test";
  d.root = dir.path();
  for (int i = 0; i < n; ++i) {
    Sample s;
    s.image.path = "img" + std::to_string(i) + ".png";
    write_png(dir / s.image.path, i, size);
    s.label = i % classes;
    s.target = one_hot(s.label);
    s.split = Split::kTrain;
    s.source = "test";
    s.provenance = "labels.csv:" + std::to_string(i + 1);
    s.votes.assign(10, 0.0f);
    s.votes[static_cast<size_t>(s.label)] = static_cast<float>(10 - i % 3);
    d.samples.push_back(s);
  }
  return d;
}

// n in-memory h x w gray images; image i has every pixel equal to values[i].
inline Dataset constant_memory_dataset(const std::vector<uint8_t>& values, int h = 48, int w = 48) {
  Dataset d;
  d.format = "memory";
  d.memory.height = h;
  d.memory.width = w;
  d.memory.channels = 1;
  for (size_t i = 0; i < values.size(); ++i) {
    d.memory.pixels.insert(d.memory.pixels.end(), static_cast<size_t>(h) * w, values[i]);
    Sample s;
    s.image.path = "store#" + std::to_string(i);
    s.image.memory_index = static_cast<int64_t>(i);
    s.label = static_cast<int>(i % 8);
    s.target = one_hot(s.label);
    s.provenance = "store:" + std::to_string(i);
    d.samples.push_back(s);
  }
  return d;
}

// A deterministic 8-bit image with structure in every row and column (gray or BGR).
inline cv::Mat pattern_image(int h, int w, int channels, int seed = 1) {
  cv::Mat img(h, w, channels == 1 ? CV_8UC1 : CV_8UC3);
  cv::RNG rng(static_cast<uint64_t>(seed) * 7919u + 13u);
  rng.fill(img, cv::RNG::UNIFORM, 0, 256);
  return img;
}

inline bool same_pixels(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) return false;
  return cv::countNonZero(a.reshape(1) != b.reshape(1)) == 0;
}

}  // namespace ferkit::test
