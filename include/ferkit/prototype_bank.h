// The prototype bank: one unit-length EEG feature per cell of a valence x arousal grid and a prior
// over the cells, built once from the EEG teacher's out-of-fold features and frozen.
//
//   ferkit::PrototypeBankOptions o;                      // grid 5, epsilon 1
//   ferkit::PrototypeBank b = ferkit::build_prototype_bank_from_features("runs/t/features.npz", o);
//   ferkit::write_prototype_bank(b, "runs/bank.npz");    // bank.npz + bank.json (SHA-256, provenance)
//   ferkit::PrototypeBank same = ferkit::read_prototype_bank("runs/bank.npz");   // verifies the SHA-256
//   same.prototypes;  same.prior;  same.counts;          // [G*G, D], [G*G], [G*G]
//   ferkit::PrototypeBank control = ferkit::random_prototype_bank(same, /*seed=*/1);
//
// Algorithm 1 (docs/prior.md), on features F [M, D] with ratings (v_i, a_i) in [-1, 1]:
//  1. centres c_j = -e + 2 e j / (G - 1), j = 0..G-1, e = centre_extent (0.8): -0.8 -0.4 0 0.4 0.8
//     for G = 5 (G = 1: the single centre 0).
//  2. each sample goes to the nearest centre per axis: row r = argmin_j |v_i - c_j| (valence),
//     column c = argmin_j |a_i - c_j| (arousal); on an exact tie the lower index. Bin k = r G + c.
//  3. features are L2-normalised, averaged per bin, and the mean is re-normalised to unit length
//     (the student compares it by cosine, so only its direction matters).
//  4. an empty bin takes the prototype of the nearest non-empty bin, distance = Euclidean distance
//     in grid cells; ties go to the lowest bin index. When fallback_radius > 0 and no non-empty bin
//     lies within it, the bin takes the global mean (all normalised features averaged, then
//     re-normalised). Every empty bin and its fallback is recorded.
//  5. prior q_pro,k = (N_k + epsilon) / sum_k' (N_k' + epsilon), N_k the samples in bin k (an empty
//     bin keeps epsilon / ..., its prototype being borrowed).
//
// Files: bank.npz holds prototypes [G*G, D] float32, prior [G*G] float64, counts [G, G] int64
// (row = valence index, column = arousal index) and centres [G] float64; bank.json holds the NPZ's
// SHA-256 and how it was built (features file and SHA-256, EEG source, options, empty bins and their
// fallbacks). Loading recomputes the SHA-256: a bank that changed after it was built is refused.
//
// Errors (ferkit::Error, naming the file): fewer samples than bins (both numbers), features whose
// dimension differs from feature_dim (both numbers), ratings outside [-1, 1] or NaN (the row),
// arrays of the wrong shape, a missing or mismatching sidecar.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ferkit {

struct PrototypeBankOptions {
  int grid = 5;                 // G: centres per axis (G x G bins)
  double epsilon = 1.0;         // prior smoothing: q = (N + epsilon) / sum (N + epsilon)
  double centre_extent = 0.8;   // centres run from -extent to +extent
  int feature_dim = 256;        // required feature size (the student's); 0 = whatever the features have
  double fallback_radius = 0;   // > 0: an empty bin with no non-empty bin this close (cells) takes the global mean
  template <class V>
  void visit(V& v) {
    v("grid", grid, "centres per axis (G x G bins)");
    v("epsilon", epsilon, "prior smoothing: (N + epsilon) / sum (N + epsilon)");
    v("centre_extent", centre_extent, "centres from -extent to +extent");
    v("feature_dim", feature_dim, "required feature size (0: any)");
    v("fallback_radius", fallback_radius, "> 0: empty bins farther than this from data take the global mean");
  }
};

struct BankFallback {
  int row = 0, col = 0;            // the empty bin (valence index, arousal index)
  bool global = false;             // took the global mean
  int from_row = -1, from_col = -1;  // else: the non-empty bin it copies
  double distance = 0;             // in grid cells (0 for the global mean)
};

struct PrototypeBank {
  int grid = 0;
  int64_t dim = 0;
  std::vector<double> centres;        // [G]
  std::vector<float> prototypes;      // [G*G, D], unit rows, bin k = row * G + col
  std::vector<double> prior;          // [G*G], sums to 1
  std::vector<int64_t> counts;        // [G*G] samples per bin
  std::vector<BankFallback> fallbacks;  // one per empty bin, in bin order
  nlohmann::json provenance = nlohmann::json::object();  // the sidecar (kind, sources, options, ...)

  int64_t bins() const { return static_cast<int64_t>(grid) * grid; }
};

std::vector<double> bank_centres(int grid, double extent);
// Index of the nearest centre (lowest on an exact tie).
int nearest_centre(double x, const std::vector<double>& centres);

// features: [n, dim] row-major. where: the source named in errors.
PrototypeBank build_prototype_bank(const std::vector<float>& features, int64_t n, int64_t dim,
                                   const std::vector<float>& valence, const std::vector<float>& arousal,
                                   const PrototypeBankOptions& options, const std::string& where = "features");
// Reads features.npz (from `ferkit eeg teacher`) and its features.json, and records both.
PrototypeBank build_prototype_bank_from_features(const std::filesystem::path& features_npz,
                                                 const PrototypeBankOptions& options);

void write_prototype_bank(const PrototypeBank& bank, const std::filesystem::path& npz);
PrototypeBank read_prototype_bank(const std::filesystem::path& npz);

// The control: random unit vectors (std::mt19937_64(seed), standard normal components, normalised)
// with the same grid, dimension, counts and prior.
PrototypeBank random_prototype_bank(const PrototypeBank& like, int64_t seed);

// `ferkit prototypes inspect`: writes coverage.png (samples per bin, arousal up, valence right),
// centres.png (the centres, empty ones linked to their fallback) and inspect.json into dir; returns
// the text report (coverage table, empty bins and fallbacks).
std::vector<std::string> inspect_prototype_bank(const PrototypeBank& bank, const std::filesystem::path& dir);

}  // namespace ferkit
