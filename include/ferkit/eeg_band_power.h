// Welch power spectral density and band power per channel, per fixed-length window of a stimulus.
//
//   ferkit::BandPowerOptions o;               // 2 s Hann segments, 50% overlap, delta..gamma
//   o.segment_seconds = 12;                   // one row per 12-s window of each stimulus
//   o.baseline = "divide";                    // relative to the trial's baseline band power
//   ferkit::BandPowerSet s = ferkit::compute_band_powers(dataset, o);
//   s.rows[0].at(/*band=*/2, /*channel=*/5);  // alpha power of channel 5 in the first window
//
// PSD convention (identical to scipy.signal.welch / mne.time_frequency.psd_array_welch with
// window='hann', average='mean'): segments of n_per_seg samples advancing by n_per_seg - n_overlap,
// each with its mean removed (constant detrend), multiplied by a periodic Hann window and
// zero-padded to n_fft; |FFT|^2 / (fs * sum(w^2)), doubled at every bin except DC and (even n_fft)
// Nyquist, averaged over segments. Unit: signal unit^2 / Hz. FFT: cv::dft.
//
// Band power convention: the rectangle-rule integral of the density over the band's bins,
// sum(psd[f]) * df for low <= f < high (half-open, so adjacent bands share no bin), in signal
// unit^2. The MNE reference test applies the same bin selection to mne's PSD.
//
// Windows: a stimulus is cut into consecutive non-overlapping windows of segment_seconds (0: the
// whole stimulus is one window); a tail shorter than a window is counted in BandPowerSet::dropped.
// A window shorter than one Welch segment is an Error naming the trial.
// Baseline correction (optional): each window's band power divided by, or minus, the band power of
// the trial's whole baseline signal.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ferkit/eeg_signal.h"

namespace ferkit {

// A frequency band [low, high) in Hz.
struct FrequencyBand {
  std::string name;
  double low = 0, high = 0;
  template <class V>
  void visit(V& v) {
    v("name", name, "band name");
    v("low", low, "lower edge in Hz (included)");
    v("high", high, "upper edge in Hz (excluded)");
  }
};
// delta 1-4, theta 4-8, alpha 8-13, beta 13-30, gamma 30-45 Hz.
std::vector<FrequencyBand> default_bands();
// "alpha,beta" picks default bands by name (case-insensitive); "alpha:8-12,sigma:12-15" defines
// bands. Errors name the token that does not parse or the unknown band.
std::vector<FrequencyBand> parse_bands(const std::string& spec);

struct WelchOptions {
  double window_seconds = 2.0;  // Welch segment length (n_per_seg = round(window_seconds * fs))
  double overlap = 0.5;         // fraction of a segment shared with the next, in [0, 1)
  int n_fft = 0;                // FFT length; 0 = the segment length (> segment zero-pads)
  template <class V>
  void visit(V& v) {
    v("window_seconds", window_seconds, "Welch segment length in seconds");
    v("overlap", overlap, "fraction of a segment overlapping the next");
    v("n_fft", n_fft, "FFT length (0: the segment length)");
  }
};

struct Psd {
  std::vector<double> freqs;                 // n_fft / 2 + 1 bins, k * fs / n_fft
  std::vector<std::vector<double>> density;  // [channel][bin], unit^2 / Hz
  double resolution() const { return freqs.size() > 1 ? freqs[1] - freqs[0] : 0.0; }
};

// One channel, parameters in samples (as scipy/MNE take them). Throws when n < n_per_seg,
// n_overlap >= n_per_seg or n_fft < n_per_seg.
std::vector<double> welch_density(const double* x, int64_t n, double rate, int n_per_seg, int n_overlap, int n_fft);
Psd welch_psd(const EegSignal& signal, const WelchOptions& options);
// sum(density[low <= f < high]) * df. Throws when the band holds no bin (names the band and the
// resolution).
double band_power(const std::vector<double>& density, const std::vector<double>& freqs, const FrequencyBand& band);

struct BandPowerOptions {
  WelchOptions welch;                                  // PSD estimate
  std::vector<FrequencyBand> bands = default_bands();  // bands to integrate
  double segment_seconds = 0;                          // window length cut from each stimulus (0: the whole stimulus)
  std::string baseline = "none";                       // none | divide | subtract (by the baseline's band power)
  template <class V>
  void visit(V& v) {
    v("welch", welch, "Welch PSD parameters");
    v("bands", bands, "frequency bands");
    v("segment_seconds", segment_seconds, "window length per stimulus in seconds (0: whole stimulus)");
    v("baseline", baseline, "baseline correction: none, divide or subtract");
  }
};

struct BandPowerRow {
  int64_t subject = 0, trial = 0, window = 1;  // window: 1-based within the trial
  double valence = 0, arousal = 0;             // raw ratings (NaN when the source has none)
  double valence_norm = 0, arousal_norm = 0;   // in [-1, 1] (NaN when none)
  std::string provenance;
  std::vector<double> power;  // [band][channel], row-major: power[b * channels + c]
};

// Band powers of many windows over one channel set and one band set.
struct BandPowerSet {
  std::string source;  // format or file it came from
  std::vector<std::string> channels;
  std::vector<std::string> bands;
  std::vector<BandPowerRow> rows;
  std::map<std::string, int64_t> dropped;  // reason -> count (tails, trials without ratings...)
  std::vector<std::string> notes;          // facts worth printing ("bands present: ...")

  double at(size_t row, size_t band, size_t channel) const { return rows[row].power[band * channels.size() + channel]; }
};

// Appends one row per window of the trial's stimulus. The first trial fixes out.channels and
// out.bands; a later trial with other channels is an Error naming both.
void append_band_powers(const EegTrial& trial, const BandPowerOptions& options, BandPowerSet& out);
BandPowerSet compute_band_powers(const EegDataset& dataset, const BandPowerOptions& options);

}  // namespace ferkit
