// Synthetic EEG whose band powers depend on valence and arousal in a known way, in DREAMER's layout.
//
//   ferkit::SyntheticEegOptions o;
//   o.subjects = 4; o.trials = 18; o.seed = 7;
//   ferkit::EegDataset d = ferkit::make_synthetic_eeg(o);      // 14 Emotiv channels at 128 Hz
//   ferkit::write_synthetic_dreamer("DREAMER.mat", o);         // the same, as DREAMER.mat
//
// Model, per subject, trial and channel (microvolts): the signal is drawn in the frequency domain
// with random phases and Gaussian amplitudes around a target one-sided PSD, then inverse-transformed
// (cv::dft), so its expected Welch PSD is the target:
//   1/f background       20 / (1 + f) uV^2/Hz, plus white noise of 1 uV rms
//   alpha (8-13 Hz)      a 10-Hz Gaussian bump (sd 1.2 Hz) holding 20 uV^2; x2 at O1/O2, x1.5 at
//                        P7/P8; x exp(+k v) at F4 AF4 F8 and x exp(-k v) at F3 AF3 F7, with v the
//                        valence in [-1, 1] and k = alpha_asymmetry: ln(alpha right / alpha left)
//                        = 2 k v (positive valence = relatively more left-frontal activity = less
//                        left alpha, the approach-withdrawal account of frontal alpha asymmetry)
//   beta (13-30 Hz)      6 uV^2 x exp(beta_arousal x a), flat in the band, a the arousal in [-1, 1]
//   gamma (30-45 Hz)     1.5 uV^2 x exp(gamma_arousal x a), flat in the band
// Every component is multiplied by a per-subject gain exp(N(0, subject_spread)) and each band by a
// per-trial gain exp(N(0, trial_spread)); the baseline uses v = a = 0. Ratings (valence, arousal,
// dominance) are integers drawn uniformly from 1..5, as DREAMER's. The seed fixes every draw
// (std::mt19937_64): the same options give the same file on the same standard library.
#pragma once

#include <cstdint>
#include <filesystem>

#include "ferkit/eeg_signal.h"

namespace ferkit {

struct SyntheticEegOptions {
  int subjects = 4;              // number of subjects
  int trials = 18;               // trials (film clips) per subject
  int64_t seed = 1;              // random seed: fixes signals and ratings
  double sampling_rate = 128;    // Hz
  double stimulus_seconds = 60;  // length of each stimulus recording
  double baseline_seconds = 20;  // length of each baseline recording
  double alpha_asymmetry = 0.5;  // k: ln(alpha right/left frontal) = 2 k valence
  double beta_arousal = 0.8;     // ln(beta power) slope per unit arousal
  double gamma_arousal = 1.0;    // ln(gamma power) slope per unit arousal
  double subject_spread = 0.15;  // sd of the per-subject log gain
  double trial_spread = 0.1;     // sd of the per-trial, per-band log gain
  template <class V>
  void visit(V& v) {
    v("subjects", subjects, "number of subjects");
    v("trials", trials, "trials per subject");
    v("seed", seed, "random seed");
    v("sampling_rate", sampling_rate, "sampling rate in Hz");
    v("stimulus_seconds", stimulus_seconds, "stimulus length in seconds");
    v("baseline_seconds", baseline_seconds, "baseline length in seconds");
    v("alpha_asymmetry", alpha_asymmetry, "frontal alpha asymmetry gain k (ln right/left = 2 k valence)");
    v("beta_arousal", beta_arousal, "ln beta power per unit arousal");
    v("gamma_arousal", gamma_arousal, "ln gamma power per unit arousal");
    v("subject_spread", subject_spread, "sd of the per-subject log gain");
    v("trial_spread", trial_spread, "sd of the per-trial log gain per band");
  }
};

EegDataset make_synthetic_eeg(const SyntheticEegOptions& options);
void write_synthetic_dreamer(const std::filesystem::path& file, const SyntheticEegOptions& options);

}  // namespace ferkit
