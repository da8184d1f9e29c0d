// Artifact bundles: what a run needs to be used and checked elsewhere, with a SHA256SUMS file.
//
//   ferkit::PackResult p = ferkit::pack_artifacts("runs/b0", "b0-bundle.zip");   // or a directory
//   ferkit::VerifyResult v = ferkit::verify_artifacts("b0-bundle.zip");
//   v.ok();  v.mismatched;  v.missing;  v.extra;  std::cout << v.text();
//
// A bundle holds, from the run directory (paths inside the bundle as in the run directory):
// - the checkpoint and its sidecar (PackOptions::checkpoint, best.pt + best.json by default;
//   an Error when either is absent);
// - the prototype bank when there is one: prototypes.npz, prototype_bank.npz, prototypes/;
// - metrics and provenance: metrics.json, metrics.jsonl, metrics.csv, predictions.csv,
//   config.json, run.json, dataset.json, fingerprint.json;
// - tables: tables/ and any *.tex / *.md file at the top of the run directory;
// - PackOptions::extra files or folders (relative to the run directory; an Error when absent);
// - SHA256SUMS: one line per file above (ferkit/report/sha256sums.h), so that
//   `cd DIR && sha256sum -c SHA256SUMS` (or on an unzipped archive) checks it too.
// The bundle is a .zip archive when `out` ends in .zip (written to a temporary file renamed into
// place), else a directory, which must not exist yet or be empty.
//
// Verification recomputes every listed file's digest and reports each file whose digest differs
// (mismatched), each listed file that is absent (missing) and each file present but not listed
// (extra; directories themselves are not files). ok() is true only when all three are empty and
// at least one file was verified. A bundle without SHA256SUMS, or with a malformed one, is an Error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ferkit {

struct PackOptions {
  std::string checkpoint = "best.pt";  // checkpoint in the run directory (its .json sidecar goes along)
  std::vector<std::string> extra;      // more files or folders of the run directory to include
  template <class V>
  void visit(V& v) {
    v("checkpoint", checkpoint, "checkpoint in the run directory (its .json sidecar goes along)");
    v("extra", extra, "more files or folders of the run directory to include");
  }
};

struct PackResult {
  std::filesystem::path bundle;
  bool zip = false;
  std::vector<std::string> files;  // bundle paths, sorted, SHA256SUMS not included
  int64_t bytes = 0;               // their total size
};

PackResult pack_artifacts(const std::filesystem::path& run_dir, const std::filesystem::path& out,
                          const PackOptions& options = {});

struct VerifyResult {
  std::vector<std::string> verified;    // digest matches
  std::vector<std::string> mismatched;  // digest differs
  std::vector<std::string> missing;     // listed, absent
  std::vector<std::string> extra;       // present, not listed
  bool ok() const { return mismatched.empty() && missing.empty() && extra.empty() && !verified.empty(); }
  // One line per problem ("MISMATCH best.pt", "MISSING metrics.json", "EXTRA notes.txt") and a
  // closing summary line.
  std::string text() const;
};

VerifyResult verify_artifacts(const std::filesystem::path& bundle);

}  // namespace ferkit
