// Manifests and dataset fingerprints.
//
// A manifest lists every sample with its target, split, source, image size and SHA-256; the dataset
// fingerprint is the SHA-256 over the sorted manifest lines, so the same data gives the same
// fingerprint whatever the reading order, and any changed pixel, label or split changes it.
//
//   ferkit::Manifest m = ferkit::build_manifest(dataset, /*threads=*/2);
//   m.write_csv("runs/x/manifest.csv");
//   std::string fp = m.fingerprint();
//   ferkit::DatasetIdentity id = m.identity();   // fingerprint + order digest + count
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "ferkit/dataset.h"

namespace ferkit {

struct ManifestRow {
  std::string path;
  std::array<float, kNumClasses> target{};
  int label = 0;
  Split split = Split::kUnspecified;
  std::string source;
  int width = 0, height = 0;
  std::string sha256;  // of the file bytes, or of the raw pixels for in-memory images

  // The canonical text of the row (what the fingerprint hashes).
  std::string line() const;
};

// What a per-sample side file (teacher logits, soft labels, features) is bound to. Loading a side
// file against another dataset compares all three and names the first that differs.
struct DatasetIdentity {
  std::string fingerprint;   // SHA-256 over the sorted manifest lines (content, order-free)
  std::string order_digest;  // SHA-256 over the lines in dataset order
  int64_t count = 0;
  // Throws ferkit::Error naming `what` when other differs in count, content or order.
  void require_same(const DatasetIdentity& other, const std::string& what) const;
};

struct Manifest {
  std::vector<ManifestRow> rows;  // in dataset order

  std::string fingerprint() const;
  DatasetIdentity identity() const;
  void write_csv(const std::filesystem::path& file) const;
  static Manifest read_csv(const std::filesystem::path& file);
};

// Reads every image once (size and SHA-256), with `threads` workers and a progress bar. An image
// that cannot be read is an error naming it (use check_dataset() to list all such problems).
Manifest build_manifest(const Dataset& d, int threads);

// The column header of manifest CSV files.
const std::string& manifest_header();

}  // namespace ferkit
