// The `ferkit eeg topomaps` job: read EEG (or band powers) in one of the supported formats, compute
// band powers, interpolate topomaps and write them.
//
//   ferkit::TopomapJobOptions o;
//   o.format = "bandpower";
//   o.data = "../shared/data/eeg/gameemo-bandpower/bandpower_windows_12s.csv";
//   o.ratings = "../shared/data/eeg/gameemo-bandpower/sam_scores.csv";
//   o.out = "runs/gameemo-topomaps";
//   ferkit::TopomapJobResult r = ferkit::run_topomap_job(o);
//   // writes <out>/topomaps.npz, <out>/topomaps.png and <out>/topomaps.json
//
// Formats (eeg_format_names()), each an entry of the explicit table in eeg_format_registry.cpp:
//   dreamer    data = DREAMER.mat (eeg_dreamer.h); baseline correction available
//   mahnob     data = the MAHNOB-HCI root (eeg_mahnob.h); baseline = the pre-stimulus period
//   bdf        data = one .bdf/.edf file or a folder of them (eeg_edf.h): one trial per file,
//              subjects numbered by file name order, no ratings (NaN)
//   bandpower  data = a band-power CSV, ratings = its ratings CSV (eeg_band_power_table.h); the
//              bands are those of the table (`bands` picks among them by name)
//
// topomaps.json records the channels, bands (with edges where computed), the resolved options, what
// was dropped and why, the notes of the readers, and the layout of the arrays.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ferkit/eeg_band_power.h"
#include "ferkit/eeg_topomap.h"

namespace ferkit {

struct TopomapJobOptions {
  std::string format = "dreamer";     // dreamer | mahnob | bdf | bandpower
  std::string data;                   // input file or folder
  std::string ratings;                // bandpower: ratings CSV (Subject, Path, Valence, Arousal)
  std::string out;                    // output folder
  std::vector<std::string> channels;  // EEG channels to use (empty: the format's EEG channels)
  std::string bands;                  // band spec (eeg_band_power.h parse_bands); "" = defaults / all present
  double sampling_rate = 128;         // mahnob, bdf: common rate in Hz (0: the file's rate)
  BandPowerOptions band_power;        // Welch, windows, baseline (bands come from `bands`)
  TopomapOptions topomap;             // grid, log, normalisation
  int png_rows = 8;                   // maps drawn in topomaps.png (0: no PNG)
  template <class V>
  void visit(V& v) {
    v("format", format, "input format: dreamer, mahnob, bdf or bandpower");
    v("data", data, "input file or folder");
    v("ratings", ratings, "bandpower: ratings CSV");
    v("out", out, "output folder");
    v("channels", channels, "EEG channels to use (empty: all EEG channels of the format)");
    v("bands", bands, "bands: names of default bands or name:low-high, comma-separated");
    v("sampling_rate", sampling_rate, "mahnob, bdf: common sampling rate in Hz (0: native)");
    v("band_power", band_power, "band-power computation");
    v("topomap", topomap, "topomap interpolation and normalisation");
    v("png_rows", png_rows, "maps drawn in topomaps.png (0: none)");
  }
};

struct TopomapJobResult {
  BandPowerSet band_powers;
  TopomapSet topomaps;
  std::vector<std::filesystem::path> files;  // written files
};

std::vector<std::string> eeg_format_names();
// The band powers of the input, by format (the registry's entry point).
BandPowerSet read_eeg_band_powers(const TopomapJobOptions& options);
TopomapJobResult run_topomap_job(const TopomapJobOptions& options);

}  // namespace ferkit
