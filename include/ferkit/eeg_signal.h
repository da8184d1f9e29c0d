// EEG signals, trials and rating scales: what every EEG reader produces.
//
//   ferkit::DreamerOptions o;  o.path = "DREAMER.mat";
//   ferkit::EegDataset d = ferkit::read_dreamer(o);
//   const ferkit::EegTrial& t = d.trials[0];
//   t.stimulus.channels;          // {"AF3", "F7", ...}
//   t.stimulus.data[0][17];       // channel 0, sample 17, microvolts
//   t.valence_norm;               // the subject's rating mapped linearly to [-1, 1]
//
// Contract: an EegSignal is channel-major ([channel][sample]); every channel has the same number of
// samples at one sampling rate. Ratings are kept raw (the source's scale) and normalised to [-1, 1]
// by a RatingScale; a rating outside its scale is an Error naming the row it came from. Readers never
// drop a trial silently: EegDataset::dropped counts every skipped item under its reason.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace ferkit {

struct EegSignal {
  double sampling_rate = 0;               // Hz
  std::vector<std::string> channels;      // electrode names, in data order
  std::vector<std::vector<double>> data;  // [channel][sample], physical units (microvolts for EEG)

  int64_t samples() const { return data.empty() ? 0 : static_cast<int64_t>(data[0].size()); }
  double seconds() const { return sampling_rate > 0 ? static_cast<double>(samples()) / sampling_rate : 0.0; }
  bool empty() const { return samples() == 0; }
  // Index of a channel by name (case-insensitive), -1 when absent.
  int channel_index(const std::string& name) const;
  // Samples [begin, end) of every channel (clamped to the signal).
  EegSignal slice(int64_t begin, int64_t end) const;
};

// A linear map from a rating scale [low, high] to [-1, 1].
struct RatingScale {
  double low = 1, high = 9;
  // (value - low) / (high - low) * 2 - 1. Throws Error(where, "a rating in [low, high]", value)
  // when the value is outside the scale or not a number.
  double normalise(double value, const std::string& where) const;
};
inline constexpr RatingScale kDreamerRatingScale{1, 5};    // DREAMER SAM ratings
inline constexpr RatingScale kNinePointRatingScale{1, 9};  // MAHNOB-HCI, GAMEEMO, DEAP

struct EegTrial {
  int64_t subject = 0;  // 1-based subject number
  int64_t trial = 0;    // 1-based trial (stimulus, game, session) number within the subject
  EegSignal stimulus;   // the signal recorded during the stimulus
  EegSignal baseline;   // the signal recorded before it (may be empty)
  double valence = std::numeric_limits<double>::quiet_NaN();  // raw rating on the source scale
  double arousal = std::numeric_limits<double>::quiet_NaN();
  double dominance = std::numeric_limits<double>::quiet_NaN();     // DREAMER only
  double valence_norm = std::numeric_limits<double>::quiet_NaN();  // in [-1, 1]
  double arousal_norm = std::numeric_limits<double>::quiet_NaN();
  std::string provenance;  // where it was read ("DREAMER.mat: DREAMER.Data{3}.EEG.stimuli{7}")
};

// Readers hand trials one at a time to a sink, so that a caller computing band powers never holds
// a whole recording set in memory.
using EegTrialSink = std::function<void(EegTrial&&)>;

struct EegDataset {
  std::string format;  // reader that produced it
  std::vector<EegTrial> trials;
  std::map<std::string, int64_t> dropped;  // reason -> number of items skipped for it
};

// True when a channel label names a non-EEG signal (EMG, EOG, ECG/EKG, Trigger, Status, STI, acc*,
// EXG*, GSR*, Erg*, Resp, Temp, Plet, SpO2, Pulse, Event, EDF/BDF Annotations...), by name,
// case-insensitive. Readers skip these (and count them) unless asked for by name.
bool is_non_eeg_label(const std::string& label);
// The electrode name inside a label: trims blanks and drops an "EEG " prefix ("EEG Fp1" -> "Fp1").
std::string electrode_name(const std::string& label);

}  // namespace ferkit
