// Welch power spectral density, scaled as scipy.signal.welch / mne.time_frequency.psd_array_welch
// scale it (density, one-sided, constant detrend per segment, periodic Hann window, mean over
// segments). The FFT is OpenCV's cv::dft; the segmenting and averaging around it are written here
// because no C++ package ferkit uses offers Welch's method (and MNE's scaling must be matched).
#include <cmath>
#include <opencv2/core.hpp>
#include <sstream>

#include "ferkit/eeg_band_power.h"
#include "ferkit/error.h"

namespace ferkit {

std::vector<double> welch_density(const double* x, int64_t n, double rate, int n_per_seg, int n_overlap, int n_fft) {
  FERKIT_CHECK(rate > 0, "Welch PSD: sampling rate must be positive, got " << rate);
  FERKIT_CHECK(
      n_per_seg > 0 && n_overlap >= 0 && n_overlap < n_per_seg,
      "Welch PSD: expected 0 <= n_overlap < n_per_seg, got n_per_seg " << n_per_seg << ", n_overlap " << n_overlap);
  FERKIT_CHECK(n_fft >= n_per_seg, "Welch PSD: n_fft (" << n_fft << ") must be >= n_per_seg (" << n_per_seg << ")");
  FERKIT_CHECK(n >= n_per_seg, "Welch PSD: expected at least n_per_seg = " << n_per_seg << " samples, got " << n);

  // Periodic ("DFT-even") Hann window, as scipy.signal.get_window('hann', n) returns it.
  std::vector<double> window(static_cast<size_t>(n_per_seg));
  double window_power = 0;
  for (int i = 0; i < n_per_seg; ++i) {
    window[static_cast<size_t>(i)] = 0.5 - 0.5 * std::cos(2.0 * M_PI * i / n_per_seg);
    window_power += window[static_cast<size_t>(i)] * window[static_cast<size_t>(i)];
  }
  const double scale = 1.0 / (rate * window_power);
  const int64_t step = n_per_seg - n_overlap;
  const int64_t segments = (n - n_overlap) / step;
  const int bins = n_fft / 2 + 1;

  std::vector<double> density(static_cast<size_t>(bins), 0.0);
  cv::Mat segment(1, n_fft, CV_64F), spectrum;
  for (int64_t s = 0; s < segments; ++s) {
    const double* seg = x + s * step;
    double mean = 0;
    for (int i = 0; i < n_per_seg; ++i) mean += seg[i];
    mean /= n_per_seg;
    double* buf = segment.ptr<double>(0);
    for (int i = 0; i < n_per_seg; ++i) buf[i] = (seg[i] - mean) * window[static_cast<size_t>(i)];
    for (int i = n_per_seg; i < n_fft; ++i) buf[i] = 0.0;
    cv::dft(segment, spectrum, cv::DFT_COMPLEX_OUTPUT);
    const cv::Vec2d* X = spectrum.ptr<cv::Vec2d>(0);
    for (int k = 0; k < bins; ++k) density[static_cast<size_t>(k)] += X[k][0] * X[k][0] + X[k][1] * X[k][1];
  }
  for (int k = 0; k < bins; ++k) {
    // One-sided: every bin except DC and, for even n_fft, Nyquist stands for two.
    bool doubled = k > 0 && !(n_fft % 2 == 0 && k == n_fft / 2);
    density[static_cast<size_t>(k)] *= scale * (doubled ? 2.0 : 1.0) / static_cast<double>(segments);
  }
  return density;
}

Psd welch_psd(const EegSignal& signal, const WelchOptions& o) {
  FERKIT_CHECK(o.overlap >= 0 && o.overlap < 1, "Welch PSD: overlap must be in [0, 1), got " << o.overlap);
  const int n_per_seg = static_cast<int>(std::lround(o.window_seconds * signal.sampling_rate));
  const int n_overlap = static_cast<int>(std::lround(o.overlap * n_per_seg));
  const int n_fft = o.n_fft > 0 ? o.n_fft : n_per_seg;
  Psd psd;
  psd.freqs.resize(static_cast<size_t>(n_fft / 2 + 1));
  for (size_t k = 0; k < psd.freqs.size(); ++k) psd.freqs[k] = static_cast<double>(k) * signal.sampling_rate / n_fft;
  for (const auto& ch : signal.data)
    psd.density.push_back(
        welch_density(ch.data(), static_cast<int64_t>(ch.size()), signal.sampling_rate, n_per_seg, n_overlap, n_fft));
  return psd;
}

double band_power(const std::vector<double>& density, const std::vector<double>& freqs, const FrequencyBand& band) {
  double df = freqs.size() > 1 ? freqs[1] - freqs[0] : 0.0;
  double sum = 0;
  int bins = 0;
  for (size_t k = 0; k < freqs.size() && k < density.size(); ++k) {
    if (freqs[k] >= band.low && freqs[k] < band.high) {
      sum += density[k];
      ++bins;
    }
  }
  if (bins == 0) {
    std::ostringstream expected, found;
    expected << "at least one PSD bin in " << band.low << "-" << band.high << " Hz";
    found << "none at a resolution of " << df << " Hz up to " << (freqs.empty() ? 0.0 : freqs.back())
          << " Hz (lengthen the Welch window or change the band)";
    throw Error("band '" + band.name + "'", expected.str(), found.str());
  }
  return sum * df;
}

}  // namespace ferkit
