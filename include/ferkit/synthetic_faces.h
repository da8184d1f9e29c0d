// Synthetic cartoon faces in the FERPlus release layout: the bundled sample dataset (data/sample)
// and a fixture for tests and demos that need no download.
//
//   ferkit::SyntheticFacesOptions o;
//   o.out = "data/sample"; o.per_class = 12; o.seed = 7;
//   ferkit::SyntheticFacesSummary s = ferkit::write_synthetic_faces(o);
//   // data/sample/FER2013Train/label.csv + face0000.png ..., data/sample/FER2013Valid/...
//
// Each 48x48 grayscale face is drawn with OpenCV: an oval, eyes, brows, nose and a mouth whose
// shapes follow the expression (a smile for happiness, an open "O" for surprise, inner brows down
// for anger, raised for sadness and fear, a one-sided smirk for contempt, ...), with random jitter
// of position, size, tilt, brightness and noise. Rows cycle through the 8 classes. Each label.csv
// row carries 10 votes drawn around the intended class (which always gets the most votes), so the
// majority rule keeps most rows and drops a few as unknown.
//
// The same options give byte-identical label.csv files and images (own random number mapping on
// std::mt19937, no std:: distributions, whose output differs between standard libraries).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "ferkit/taxonomy.h"

namespace ferkit {

struct SyntheticFacesOptions {
  std::string out;           // output directory (gets FER2013Train/ and FER2013Valid/)
  int per_class = 12;        // training images per class
  int valid_per_class = -1;  // validation images per class (-1: per_class / 3, at least 1)
  int64_t seed = 7;          // random seed; the same seed gives the same files

  template <class V>
  void visit(V& v) {
    v("out", out, "output directory (gets FER2013Train/ and FER2013Valid/)");
    v("per_class", per_class, "training images per class");
    v("valid_per_class", valid_per_class, "validation images per class (-1: per_class / 3, at least 1)");
    v("seed", seed, "random seed; the same seed gives the same files");
  }
};

struct SyntheticFacesSummary {
  int64_t train_rows = 0, valid_rows = 0;
  std::array<int64_t, kNumClasses> drawn{};  // images drawn per intended class, both splits
};

// Writes the images and label.csv files (overwriting earlier ones with the same names).
SyntheticFacesSummary write_synthetic_faces(const SyntheticFacesOptions& options);

}  // namespace ferkit
