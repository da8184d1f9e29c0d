// Fixtures of the prior tests: topomaps whose pixels encode the ratings in a known way, feature
// files, and error capture.
#pragma once

#include <cmath>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "ferkit/error.h"
#include "ferkit/npz.h"
#include "support/test_support.h"

namespace ferkit::test {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

struct TopomapFixture {
  int subjects = 6;
  int per_subject = 20;
  int bands = 2;
  int grid = 16;
  int channels = 3;
  uint64_t seed = 5;
  bool band_power = true;
  bool ratings = true;
};

// Band 0 carries valence as a left-right gradient, band 1 arousal as a front-back gradient, plus
// noise; ratings are drawn from {-1, -0.5, 0, 0.5, 1} (DREAMER's scale normalised). Band power
// [M, B, C] = exp(rating + noise) per band. Returns the ratings written (valence, arousal).
inline std::pair<std::vector<float>, std::vector<float>> write_topomaps(const std::filesystem::path& file,
                                                                        const TopomapFixture& f = {}) {
  std::mt19937_64 rng(f.seed);
  std::uniform_int_distribution<int> level(0, 4);
  std::normal_distribution<double> noise(0.0, 1.0);
  const int64_t m = static_cast<int64_t>(f.subjects) * f.per_subject;
  std::vector<float> maps(static_cast<size_t>(m * f.bands * f.grid * f.grid)), v(static_cast<size_t>(m)),
      a(static_cast<size_t>(m));
  std::vector<int64_t> subject(static_cast<size_t>(m)), trial(static_cast<size_t>(m)), window(static_cast<size_t>(m), 1);
  std::vector<double> bp(static_cast<size_t>(m * f.bands * f.channels));
  for (int64_t i = 0; i < m; ++i) {
    subject[static_cast<size_t>(i)] = i / f.per_subject + 1;
    trial[static_cast<size_t>(i)] = i % f.per_subject + 1;
    v[static_cast<size_t>(i)] = -1.0f + 0.5f * level(rng);
    a[static_cast<size_t>(i)] = -1.0f + 0.5f * level(rng);
    for (int b = 0; b < f.bands; ++b) {
      const float r = b % 2 == 0 ? v[static_cast<size_t>(i)] : a[static_cast<size_t>(i)];
      for (int y = 0; y < f.grid; ++y)
        for (int x = 0; x < f.grid; ++x) {
          const double g = b % 2 == 0 ? 2.0 * x / (f.grid - 1) - 1.0 : 2.0 * y / (f.grid - 1) - 1.0;
          maps[static_cast<size_t>(((i * f.bands + b) * f.grid + y) * f.grid + x)] =
              static_cast<float>(0.5 + 0.4 * r * g + 0.05 * noise(rng));
        }
      for (int c = 0; c < f.channels; ++c)
        bp[static_cast<size_t>((i * f.bands + b) * f.channels + c)] = std::exp(r + 0.3 * noise(rng));
    }
  }
  NpzArchive z;
  z["maps"] = NpyArray::from<float>({m, f.bands, f.grid, f.grid}, maps.data());
  if (f.ratings) {
    z["valence"] = NpyArray::from<float>({m}, v.data());
    z["arousal"] = NpyArray::from<float>({m}, a.data());
  }
  z["subject"] = NpyArray::from<int64_t>({m}, subject.data());
  z["trial"] = NpyArray::from<int64_t>({m}, trial.data());
  z["window"] = NpyArray::from<int64_t>({m}, window.data());
  if (f.band_power) z["band_power"] = NpyArray::from<double>({m, f.bands, f.channels}, bp.data());
  write_npz(file, z);
  return {v, a};
}

// A features.npz as `ferkit eeg teacher` writes it (features, valence, arousal, subject).
inline void write_features(const std::filesystem::path& file, const std::vector<float>& features, int64_t dim,
                           const std::vector<float>& valence, const std::vector<float>& arousal) {
  const int64_t n = static_cast<int64_t>(valence.size());
  std::vector<int64_t> subject(static_cast<size_t>(n), 1);
  NpzArchive z;
  z["features"] = NpyArray::from<float>({n, dim}, features.data());
  z["valence"] = NpyArray::from<float>({n}, valence.data());
  z["arousal"] = NpyArray::from<float>({n}, arousal.data());
  z["subject"] = NpyArray::from<int64_t>({n}, subject.data());
  write_npz(file, z);
}

}  // namespace ferkit::test
