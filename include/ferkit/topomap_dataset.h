// Reading `ferkit eeg topomaps` output back as the EEG teacher's training data.
//
//   ferkit::TopomapDataset d = ferkit::read_topomap_dataset("runs/gameemo-topomaps/topomaps.npz");
//   d.count;  d.bands;  d.grid;          // maps are [count, bands, grid, grid], float32
//   d.valence[i];  d.arousal[i];         // in [-1, 1]
//   d.subject[i];                        // for leave-subjects-out folds
//   d.source;                            // topomaps.json next to the NPZ (format, data, bands), or null
//
// Contract: the NPZ must hold maps [M, B, N, N] float32, valence [M], arousal [M] (float32) and
// subject [M] (int64); trial, window ([M] int64) and band_power ([M, B, C] float64) are read when
// present. A missing array ("a topomaps file without valence/arousal"), a wrong shape or dtype, and —
// with require_ratings — a rating that is NaN (unrated sources such as a bare BDF) or outside
// [-1, 1] are Errors naming the file, the array and the row.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ferkit {

struct TopomapDataset {
  std::filesystem::path file;
  std::string sha256;                        // of the NPZ
  int64_t count = 0, bands = 0, grid = 0, channels = 0;
  std::vector<float> maps;                   // [count, bands, grid, grid]
  std::vector<float> valence, arousal;       // [count], [-1, 1]
  std::vector<int64_t> subject, trial, window;  // [count] (trial/window 0 when absent)
  std::vector<double> band_power;            // [count, bands, channels], empty when absent
  std::vector<std::string> band_names;       // from topomaps.json when present
  nlohmann::json source;                     // topomaps.json next to the NPZ (null when absent)
};

TopomapDataset read_topomap_dataset(const std::filesystem::path& npz, bool require_ratings = true);

}  // namespace ferkit
