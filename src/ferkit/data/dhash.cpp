// Difference hash and near-duplicate search. Hand-written: OpenCV's img_hash module offers average,
// block-mean, perceptual and other hashes but no difference hash, and this one is a resize plus 64
// comparisons.
#include "ferkit/dhash.h"

#include <algorithm>
#include <bitset>
#include <unordered_map>

#include <opencv2/imgproc.hpp>

#include "ferkit/error.h"

namespace ferkit {

uint64_t dhash(const cv::Mat& image) {
  FERKIT_CHECK(!image.empty(), "dhash: empty image");
  cv::Mat gray;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  else if (image.channels() == 4) cv::cvtColor(image, gray, cv::COLOR_BGRA2GRAY);
  else gray = image;
  FERKIT_CHECK(gray.depth() == CV_8U, "dhash: expected an 8-bit image, got depth " << gray.depth());
  cv::Mat small;
  cv::resize(gray, small, cv::Size(9, 8), 0, 0, cv::INTER_AREA);
  uint64_t h = 0;
  for (int r = 0; r < 8; ++r) {
    const uint8_t* p = small.ptr<uint8_t>(r);
    for (int c = 0; c < 8; ++c) h = (h << 1) | (p[c + 1] > p[c] ? 1u : 0u);
  }
  return h;
}

int hamming_distance(uint64_t a, uint64_t b) { return static_cast<int>(std::bitset<64>(a ^ b).count()); }

std::vector<HashPair> near_duplicate_pairs(const std::vector<uint64_t>& hashes, int threshold) {
  std::vector<HashPair> out;
  const size_t n = hashes.size();
  if (threshold <= 0) return out;
  if (threshold > 8) {
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j) {
        int d = hamming_distance(hashes[i], hashes[j]);
        if (d < threshold) out.push_back({i, j, d});
      }
    return out;
  }
  auto byte_of = [](uint64_t h, int b) { return static_cast<uint8_t>(h >> (8 * b)); };
  for (int band = 0; band < 8; ++band) {
    std::unordered_map<uint8_t, std::vector<size_t>> buckets;
    for (size_t i = 0; i < n; ++i) buckets[byte_of(hashes[i], band)].push_back(i);
    for (const auto& kv : buckets) {
      const auto& ids = kv.second;
      for (size_t a = 0; a < ids.size(); ++a)
        for (size_t b = a + 1; b < ids.size(); ++b) {
          const uint64_t x = hashes[ids[a]], y = hashes[ids[b]];
          // Report each pair once: at the first band where the two hashes agree.
          bool earlier = false;
          for (int e = 0; e < band && !earlier; ++e) earlier = byte_of(x, e) == byte_of(y, e);
          if (earlier) continue;
          int d = hamming_distance(x, y);
          if (d < threshold) out.push_back({ids[a], ids[b], d});
        }
    }
  }
  std::sort(out.begin(), out.end(), [](const HashPair& a, const HashPair& b) {
    return a.first != b.first ? a.first < b.first : a.second < b.second;
  });
  return out;
}

}  // namespace ferkit
