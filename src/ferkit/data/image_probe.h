// Reads one sample's image for the integrity check and says what is wrong with it, instead of
// throwing: missing, truncated (a PNG without its IEND chunk, a JPEG without its end marker),
// not decodable, or a face box that misses the image (one partly outside is clipped, as
// load_image does, and flagged). For a good image it gives the size (after the
// crop) and two fingerprints of the grayscale pixels: SHA-256 (exact duplicates, whatever the file
// format) and the difference hash (near-duplicates). Internal to the data layer.
#pragma once

#include <cstdint>
#include <string>

#include "ferkit/dataset.h"

namespace ferkit {

struct ImageProbe {
  enum class Status { kOk, kMissing, kTruncated, kUndecodable, kBadCrop };
  Status status = Status::kOk;
  std::string detail;  // why, for a status other than kOk (or the clipping, below)
  bool crop_clipped = false;  // the face box reaches outside the image and is clipped to it
  int width = 0, height = 0;
  std::string pixel_sha256;  // over the 8-bit grayscale pixels (and the size)
  uint64_t dhash = 0;
};

ImageProbe probe_image(const Dataset& d, const Sample& s);

}  // namespace ferkit
