// Topomaps of a band-power set: interpolation per window and band, then per-subject normalisation.
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "ferkit/eeg_topomap.h"
#include "ferkit/error.h"
#include "ferkit/npz.h"

namespace ferkit {

TopomapSet build_topomaps(const BandPowerSet& set, const TopomapOptions& o) {
  FERKIT_CHECK(o.normalise == "zscore_minmax" || o.normalise == "zscore" || o.normalise == "none",
               "topomap normalise must be zscore_minmax, zscore or none, got '" << o.normalise << "'");
  if (set.rows.empty()) throw Error(set.source, "at least one band-power row to map", "none");
  TopomapSet t;
  t.channels = set.channels;
  t.band_names = set.bands;
  t.positions = topomap_positions(set.channels, set.source);
  TopomapInterpolator interp(t.positions, o.grid);
  t.count = static_cast<int64_t>(set.rows.size());
  t.bands = static_cast<int64_t>(set.bands.size());
  t.grid = o.grid;
  t.extent = interp.extent();
  t.mask = interp.mask();
  const size_t nc = set.channels.size(), nb = set.bands.size(), px = static_cast<size_t>(o.grid * o.grid);

  std::vector<double> maps(static_cast<size_t>(t.count) * nb * px);
  for (size_t r = 0; r < set.rows.size(); ++r) {
    const BandPowerRow& row = set.rows[r];
    if (row.power.size() != nb * nc)
      throw Error(row.provenance, std::to_string(nb * nc) + " band powers (bands x channels)",
                  std::to_string(row.power.size()));
    t.subject.push_back(row.subject);
    t.trial.push_back(row.trial);
    t.window.push_back(row.window);
    t.valence.push_back(static_cast<float>(row.valence_norm));
    t.arousal.push_back(static_cast<float>(row.arousal_norm));
    t.valence_raw.push_back(row.valence);
    t.arousal_raw.push_back(row.arousal);
    t.provenance.push_back(row.provenance);
    t.band_power.insert(t.band_power.end(), row.power.begin(), row.power.end());
    for (size_t b = 0; b < nb; ++b) {
      std::vector<double> values(row.power.begin() + static_cast<int64_t>(b * nc),
                                 row.power.begin() + static_cast<int64_t>((b + 1) * nc));
      if (o.log_power) {
        for (size_t c = 0; c < nc; ++c) {
          if (!(values[c] > 0)) {
            std::ostringstream found;
            found << values[c] << " (set log_power = false for baseline-subtracted powers)";
            throw Error(row.provenance + ": " + set.bands[b] + " " + set.channels[c], "a positive band power for log10",
                        found.str());
          }
          values[c] = std::log10(values[c]);
        }
      }
      std::vector<double> img = interp.interpolate(values);
      std::copy(img.begin(), img.end(), maps.begin() + static_cast<int64_t>((r * nb + b) * px));
    }
  }

  // Per subject and band over the subject's windows and in-head pixels.
  if (o.normalise != "none") {
    std::map<int64_t, std::vector<size_t>> rows_of;
    for (size_t r = 0; r < set.rows.size(); ++r) rows_of[set.rows[r].subject].push_back(r);
    for (const auto& [subject, rows] : rows_of) {
      for (size_t b = 0; b < nb; ++b) {
        double sum = 0, sum2 = 0;
        int64_t n = 0;
        for (size_t r : rows)
          for (size_t k = 0; k < px; ++k)
            if (t.mask[k]) {
              double v = maps[(r * nb + b) * px + k];
              sum += v, sum2 += v * v, ++n;
            }
        const double mean = sum / n;
        const double sd = std::sqrt(std::max(0.0, sum2 / n - mean * mean));
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (size_t r : rows)
          for (size_t k = 0; k < px; ++k)
            if (t.mask[k]) {
              double& v = maps[(r * nb + b) * px + k];
              v = sd > 0 ? (v - mean) / sd : 0.0;  // a constant band carries no spatial information
              lo = std::min(lo, v), hi = std::max(hi, v);
            }
        if (o.normalise == "zscore_minmax")
          for (size_t r : rows)
            for (size_t k = 0; k < px; ++k)
              if (t.mask[k]) {
                double& v = maps[(r * nb + b) * px + k];
                v = hi > lo ? (v - lo) / (hi - lo) : 0.0;
              }
      }
    }
  }
  t.maps.resize(maps.size());
  for (size_t i = 0; i < maps.size(); ++i) t.maps[i] = t.mask[i % px] ? static_cast<float>(maps[i]) : 0.0f;
  return t;
}

void write_topomaps_npz(const TopomapSet& t, const std::filesystem::path& file) {
  NpzArchive a;
  const int64_t n = t.count, nb = t.bands, g = t.grid, nc = static_cast<int64_t>(t.channels.size());
  a["maps"] = NpyArray::from<float>({n, nb, g, g}, t.maps.data());
  a["mask"] = NpyArray::from<uint8_t>({g, g}, t.mask.data());
  a["valence"] = NpyArray::from<float>({n}, t.valence.data());
  a["arousal"] = NpyArray::from<float>({n}, t.arousal.data());
  a["valence_raw"] = NpyArray::from<double>({n}, t.valence_raw.data());
  a["arousal_raw"] = NpyArray::from<double>({n}, t.arousal_raw.data());
  a["subject"] = NpyArray::from<int64_t>({n}, t.subject.data());
  a["trial"] = NpyArray::from<int64_t>({n}, t.trial.data());
  a["window"] = NpyArray::from<int64_t>({n}, t.window.data());
  a["band_power"] = NpyArray::from<double>({n, nb, nc}, t.band_power.data());
  std::vector<double> xy;
  for (const auto& p : t.positions) xy.push_back(p.x), xy.push_back(p.y);
  a["positions"] = NpyArray::from<double>({nc, 2}, xy.data());
  write_npz(file, a);
}

}  // namespace ferkit
