// DREAMER (Katsigiannis & Ramzan, 2018) .mat files: reading, and writing the same layout.
//
//   ferkit::DreamerOptions o;
//   o.path = "DREAMER.mat";
//   ferkit::EegDataset d = ferkit::read_dreamer(o);      // 23 subjects x 18 trials
//   d.trials[0].stimulus.sampling_rate;                  // 128
//   d.trials[0].valence_norm;                            // ScoreValence 1..5 -> [-1, 1]
//
// Layout (MATLAB v5/v7 .mat, read with libmatio):
//   DREAMER                       struct
//     .Data                       {1 x S cell}, one struct per subject (S = 23 in the release)
//       .EEG.stimuli              {T x 1 cell} of samples x 14 double (T = 18), microvolts
//       .EEG.baseline             {T x 1 cell} of samples x 14 double (pre-stimulus baseline)
//       .ScoreValence             T x 1 (1..5)
//       .ScoreArousal             T x 1 (1..5)
//       .ScoreDominance           T x 1 (1..5)
//     .EEG_SamplingRate           128 (optional; 128 when absent)
//     .EEG_Electrodes             {1 x 14 cell} of names (optional; the Emotiv order when absent)
// Channel order: AF3 F7 F3 FC5 T7 P7 O1 O2 P8 T8 FC6 F4 F8 AF4.
// Contract: a missing or mis-shaped field is an Error naming the file and the field path in MATLAB
// notation ("DREAMER.mat: DREAMER.Data{3}.EEG.stimuli: expected a 18x1 cell, got ..."); a rating
// outside 1..5 is an Error naming its path and index.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ferkit/eeg_signal.h"

namespace ferkit {

// The 14 Emotiv EPOC channels in DREAMER's order.
const std::vector<std::string>& dreamer_channels();

struct DreamerOptions {
  std::string path;                   // DREAMER.mat
  std::vector<std::string> channels;  // subset to keep, by name (empty: all 14)
  template <class V>
  void visit(V& v) {
    v("path", path, "DREAMER.mat");
    v("channels", channels, "channels to keep (empty: all)");
  }
};

void read_dreamer(const DreamerOptions& options, const EegTrialSink& sink, std::map<std::string, int64_t>& dropped);
EegDataset read_dreamer(const DreamerOptions& options);

// Writes trials (grouped by subject, in order) to the DREAMER layout. Trials of one subject must all
// have the same count as every other subject's, and ratings must be on the 1..5 scale.
void write_dreamer(const std::filesystem::path& file, const EegDataset& dataset);

}  // namespace ferkit
