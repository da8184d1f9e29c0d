// Side files: a per-sample float matrix (teacher logits, soft labels, features) bound to the
// dataset it was computed on.
//
//   ferkit::Manifest m = ferkit::build_manifest(dataset, 2);
//   ferkit::SideFile s;
//   s.kind = "teacher_logits";
//   s.identity = m.identity();            // fingerprint, order digest, count
//   s.cols = 8;
//   s.values = logits;                    // identity.count x cols, row i = sample i
//   ferkit::write_side_file("runs/t/teacher_logits.npz", s);
//   ...
//   auto t = ferkit::read_side_file("runs/t/teacher_logits.npz", m.identity(), "teacher_logits");
//   const float* row = t.row(17);
//
// The file is an .npz that numpy reads: values [N,K] float32, count [1] int64, and fingerprint,
// order_digest and kind as uint8 arrays of ASCII text (bytes(z["kind"]).decode()). Loading
// against another dataset is an Error that says which of count, content (fingerprint) or order
// differs; a side file is never truncated or padded to fit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ferkit/manifest.h"

namespace ferkit {

struct SideFile {
  std::string kind;           // what the values are: "teacher_logits", "soft_labels", "features"
  DatasetIdentity identity;   // of the dataset whose samples the rows follow
  int64_t cols = 0;           // values per sample
  std::vector<float> values;  // identity.count x cols, row-major, in dataset order

  int64_t rows() const { return identity.count; }
  const float* row(int64_t i) const;  // throws ferkit::Error outside 0..rows()-1
};

// Throws ferkit::Error when values.size() != identity.count * cols or kind is empty.
void write_side_file(const std::filesystem::path& file, const SideFile& side);

// Reads the file and requires it to belong to `expected` (count, then fingerprint, then order) and,
// when expected_kind is not empty, to hold that kind. Errors name the file and what differs.
SideFile read_side_file(const std::filesystem::path& file, const DatasetIdentity& expected,
                        const std::string& expected_kind = "");

// Reads without comparing to a dataset (for inspection).
SideFile read_side_file_unbound(const std::filesystem::path& file);

}  // namespace ferkit
