// Shared by the corruption files (src/ferkit/robust/*_corruptions.cpp): the input checks every
// corruption makes and the lookup of a severity's level in a table of five.
#pragma once

#include <array>

#include <opencv2/core.hpp>

#include "ferkit/corruptions.h"

namespace ferkit::corruption_detail {

// Checks the severity (0..5) and the image (non-empty, 8-bit, 1 or 3 channels), naming the
// corruption in the error. Returns true for severity 0, where the caller returns a copy.
bool is_identity(const char* corruption, const cv::Mat& face, int severity);

// The level of severity s (1..5) in a table of five.
inline double level(const std::array<double, kMaxSeverity>& table, int severity) {
  return table[static_cast<size_t>(severity - 1)];
}

// A uniform draw in [lo, hi) from the corruption's generator.
double uniform(CorruptionRng& rng, double lo, double hi);

}  // namespace ferkit::corruption_detail
