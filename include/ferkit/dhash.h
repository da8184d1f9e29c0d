// 64-bit difference hashes ("dHash") and the search for near-duplicate images.
//
// The image is reduced to 9x8 grayscale (OpenCV INTER_AREA) and each of the 8 rows gives 8 bits,
// bit = (pixel[r][c+1] > pixel[r][c]), row-major from the most significant bit. A uniform change
// of brightness or contrast leaves the hash unchanged (up to clipping); two different faces differ
// in many bits. Two images are near-duplicates when their Hamming distance is below a threshold
// (ferkit uses < 8 by default).
//
//   uint64_t a = ferkit::dhash(img_a), b = ferkit::dhash(img_b);
//   int d = ferkit::hamming_distance(a, b);
//   auto pairs = ferkit::near_duplicate_pairs(hashes, /*threshold=*/8);   // every (i, j), i < j, d < 8
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cv { class Mat; }

namespace ferkit {

// Hash of an 8-bit image (1 or 3 channels, any size). Throws ferkit::Error on an empty image.
uint64_t dhash(const cv::Mat& image);

int hamming_distance(uint64_t a, uint64_t b);

struct HashPair {
  size_t first = 0, second = 0;  // indices into the hash list, first < second
  int distance = 0;
};

// Every pair of hashes with Hamming distance < threshold, sorted by (first, second). For
// threshold <= 8 it compares only hashes that share one of their 8 bytes (two hashes that differ
// in all 8 bytes are at least 8 bits apart), which finds exactly the same pairs as comparing all
// of them; above 8 it compares all pairs.
std::vector<HashPair> near_duplicate_pairs(const std::vector<uint64_t>& hashes, int threshold);

}  // namespace ferkit
