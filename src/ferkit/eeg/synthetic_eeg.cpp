// Synthetic EEG with valence/arousal-dependent band powers (model in eeg_synthetic.h), drawn in the
// frequency domain and inverse-transformed with cv::dft.
#include <cmath>
#include <functional>
#include <opencv2/core.hpp>
#include <random>
#include <string>

#include "ferkit/eeg_dreamer.h"
#include "ferkit/eeg_synthetic.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

struct BandGains {
  double alpha = 1, beta = 1, gamma = 1;
};

// Target one-sided PSD (uV^2/Hz) of one channel.
double target_psd(double f, double alpha_power, double beta_power, double gamma_power, double gain, double rate) {
  const double white = 2.0 * 1.0 / rate;  // 1 uV rms white noise spread over 0..rate/2
  double s = 20.0 / (1.0 + f) + white;
  s += alpha_power * std::exp(-0.5 * std::pow((f - 10.0) / 1.2, 2)) / (1.2 * std::sqrt(2 * M_PI));
  if (f >= 13 && f < 30) s += beta_power / 17.0;
  if (f >= 30 && f < 45) s += gamma_power / 15.0;
  return s * gain;
}

std::vector<double> draw_signal(int64_t n, double rate, const std::function<double(double)>& psd,
                                std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  cv::Mat spectrum(1, static_cast<int>(n), CV_64FC2, cv::Scalar(0, 0));
  auto* X = spectrum.ptr<cv::Vec2d>(0);
  for (int64_t k = 1; k <= n / 2; ++k) {
    double f = static_cast<double>(k) * rate / static_cast<double>(n);
    // E|X_k|^2 = S(f) fs n / 2 gives a periodogram 2 |X_k|^2 / (fs n) of mean S(f).
    double scale = std::sqrt(psd(f) * rate * static_cast<double>(n) / 4.0);
    double re = normal(rng) * scale, im = normal(rng) * scale;
    // The Nyquist bin is real and not doubled in a one-sided PSD: E re^2 = S fs n.
    if (n % 2 == 0 && k == n / 2) re *= 2.0, im = 0;
    X[k] = cv::Vec2d(re, im);
    if (k != n - k) X[n - k] = cv::Vec2d(re, -im);
  }
  cv::Mat signal;
  cv::dft(spectrum, signal, cv::DFT_INVERSE | cv::DFT_REAL_OUTPUT | cv::DFT_SCALE);
  const double* x = signal.ptr<double>(0);
  return std::vector<double>(x, x + n);
}

EegSignal draw_recording(double seconds, const SyntheticEegOptions& o, double valence, double arousal,
                         double subject_gain, const BandGains& trial, std::mt19937_64& rng) {
  EegSignal s;
  s.sampling_rate = o.sampling_rate;
  s.channels = dreamer_channels();
  const int64_t n = static_cast<int64_t>(std::llround(seconds * o.sampling_rate));
  for (const auto& ch : s.channels) {
    double alpha = 20.0 * trial.alpha;
    if (ch == "O1" || ch == "O2") alpha *= 2.0;
    if (ch == "P7" || ch == "P8") alpha *= 1.5;
    if (ch == "F4" || ch == "AF4" || ch == "F8") alpha *= std::exp(o.alpha_asymmetry * valence);
    if (ch == "F3" || ch == "AF3" || ch == "F7") alpha *= std::exp(-o.alpha_asymmetry * valence);
    const double beta = 6.0 * trial.beta * std::exp(o.beta_arousal * arousal);
    const double gamma = 1.5 * trial.gamma * std::exp(o.gamma_arousal * arousal);
    s.data.push_back(draw_signal(
        n, o.sampling_rate, [&](double f) { return target_psd(f, alpha, beta, gamma, subject_gain, o.sampling_rate); },
        rng));
  }
  return s;
}

}  // namespace

EegDataset make_synthetic_eeg(const SyntheticEegOptions& o) {
  FERKIT_CHECK(o.subjects > 0 && o.trials > 0,
               "synthetic EEG: subjects and trials must be > 0, got " << o.subjects << " and " << o.trials);
  FERKIT_CHECK(o.sampling_rate >= 100,
               "synthetic EEG: sampling rate must be >= 100 Hz (gamma reaches 45 Hz), got " << o.sampling_rate);
  FERKIT_CHECK(o.stimulus_seconds > 0 && o.baseline_seconds > 0,
               "synthetic EEG: stimulus and baseline lengths must be > 0");
  std::mt19937_64 rng(static_cast<uint64_t>(o.seed));
  std::uniform_int_distribution<int> rating(1, 5);
  std::normal_distribution<double> normal(0.0, 1.0);
  EegDataset d;
  d.format = "synthetic";
  for (int s = 1; s <= o.subjects; ++s) {
    const double subject_gain = std::exp(o.subject_spread * normal(rng));
    for (int t = 1; t <= o.trials; ++t) {
      EegTrial trial;
      trial.subject = s;
      trial.trial = t;
      trial.valence = rating(rng);
      trial.arousal = rating(rng);
      trial.dominance = rating(rng);
      trial.provenance = "synthetic subject " + std::to_string(s) + " trial " + std::to_string(t);
      trial.valence_norm = kDreamerRatingScale.normalise(trial.valence, trial.provenance);
      trial.arousal_norm = kDreamerRatingScale.normalise(trial.arousal, trial.provenance);
      BandGains gains{std::exp(o.trial_spread * normal(rng)), std::exp(o.trial_spread * normal(rng)),
                      std::exp(o.trial_spread * normal(rng))};
      trial.stimulus =
          draw_recording(o.stimulus_seconds, o, trial.valence_norm, trial.arousal_norm, subject_gain, gains, rng);
      trial.baseline = draw_recording(o.baseline_seconds, o, 0.0, 0.0, subject_gain, BandGains{}, rng);
      d.trials.push_back(std::move(trial));
    }
  }
  return d;
}

void write_synthetic_dreamer(const std::filesystem::path& file, const SyntheticEegOptions& options) {
  write_dreamer(file, make_synthetic_eeg(options));
}

}  // namespace ferkit
