// Fixtures shared by the EEG tests: small synthetic signals, NPZ hand-over to the Python peers,
// a MAHNOB-HCI session writer, correlation, and the ../shared EEG data paths.
#pragma once

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "ferkit/eeg_edf.h"
#include "ferkit/eeg_mahnob.h"
#include "ferkit/eeg_signal.h"
#include "ferkit/eeg_synthetic.h"
#include "ferkit/npz.h"
#include "support/test_support.h"

namespace ferkit::test {

inline std::filesystem::path eeg_data_dir() {
  auto s = shared_dir();
  if (s.empty()) return {};
  auto p = s / "data" / "eeg";
  return std::filesystem::is_directory(p) ? p : std::filesystem::path();
}
inline std::filesystem::path real_bdf() {
  auto d = eeg_data_dir();
  auto p = d / "real-bdf" / "multiple_annotation_chans.bdf";
  return !d.empty() && std::filesystem::exists(p) ? p : std::filesystem::path();
}
inline std::filesystem::path gameemo_dir() {
  auto d = eeg_data_dir();
  auto p = d / "gameemo-bandpower";
  return !d.empty() && std::filesystem::exists(p / "sam_scores.csv") ? p : std::filesystem::path();
}

inline double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

// A short synthetic 14-channel recording (one subject, one trial), deterministic.
inline EegTrial small_synthetic_trial(double seconds = 20, int64_t seed = 3) {
  SyntheticEegOptions o;
  o.subjects = 1;
  o.trials = 1;
  o.seed = seed;
  o.stimulus_seconds = seconds;
  o.baseline_seconds = 4;
  return make_synthetic_eeg(o).trials.at(0);
}

// Writes a signal as x [channels, samples] float64 and rate [1] for Python.
inline void write_signal_npz(const std::filesystem::path& file, const EegSignal& s) {
  std::vector<double> flat;
  for (const auto& ch : s.data) flat.insert(flat.end(), ch.begin(), ch.end());
  NpzArchive a;
  a["x"] = NpyArray::from<double>({static_cast<int64_t>(s.data.size()), s.samples()}, flat.data());
  a["rate"] = NpyArray::from<double>({1}, &s.sampling_rate);
  write_npz(file, a);
}

inline nlohmann::json python_json(const std::string& script) { return nlohmann::json::parse(run_python(script)); }

// One MAHNOB-HCI session: Sessions/<session>/session.xml and a 256-Hz BDF with the 32 EEG channels
// (channel k holds a constant 10 * (k + 1) uV plus a small 10-Hz wave), EXG1, and a Status channel
// whose triggers (with BioSemi's high-byte flags set) start at `onset` and end at `offset`.
struct MahnobFixture {
  std::string valence = "7", arousal = "3", subject = "2";
  bool ratings = true, bdf = true;
  std::vector<int64_t> triggers = {256 * 3, 256 * 13};  // onset samples at 256 Hz (start, end)
  int64_t seconds = 16;
};
inline void write_mahnob_session(const std::filesystem::path& root, int session, const MahnobFixture& f) {
  auto dir = root / "Sessions" / std::to_string(session);
  std::filesystem::create_directories(dir);
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- MAHNOB-HCI session -->\n<session sessionId=\"" +
                    std::to_string(session) + "\" mediaFile='clip &amp; more.avi' isStim=\"1\"";
  if (f.ratings) xml += " feltEmo=\"4\" feltArsl=\"" + f.arousal + "\" feltVlnc=\"" + f.valence + "\"";
  xml += ">\n  <subject id=\"" + f.subject + "\" />\n  <track type=\"Physiological signals\" />\n</session>\n";
  write_text(dir / "session.xml", xml);
  if (!f.bdf) return;
  const int64_t rate = 256, n = f.seconds * rate;
  EdfWriteSpec spec;
  spec.bdf = true;
  for (size_t k = 0; k < mahnob_channels().size(); ++k) {
    EdfWriteChannel c;
    c.label = mahnob_channels()[k];
    c.samples_per_record = rate;
    for (int64_t i = 0; i < n; ++i)
      c.samples.push_back(10.0 * static_cast<double>(k + 1) +
                          2.0 * std::sin(2 * M_PI * 10.0 * static_cast<double>(i) / rate));
    spec.channels.push_back(c);
  }
  EdfWriteChannel exg;
  exg.label = "EXG1";
  exg.samples_per_record = rate;
  exg.samples.assign(static_cast<size_t>(n), 5.0);
  spec.channels.push_back(exg);
  EdfWriteChannel status;
  status.label = "Status";
  status.physical_dimension = "Boolean";
  status.physical_min = -8388608;
  status.physical_max = 8388607;
  status.samples_per_record = rate;
  for (int64_t i = 0; i < n; ++i) {
    double code = 0;
    for (size_t t = 0; t < f.triggers.size(); ++t)
      if (i >= f.triggers[t] && i < f.triggers[t] + 10) code = static_cast<double>(t + 1);
    status.samples.push_back(code + 0x100000);  // a BioSemi system flag above the trigger bits
  }
  spec.channels.push_back(status);
  write_edf(dir / ("Part_" + f.subject + "_S_Trial" + std::to_string(session) + "_emotion.bdf"), spec);
}

}  // namespace ferkit::test
