// Polyphase (windowed-sinc FIR) resampling, the method of scipy.signal.resample_poly.
//
// Hand-written: OpenCV and LibTorch have no band-limited rational resampler and libsamplerate is not a
// ferkit dependency. The filter is designed here as scipy.signal.firwin designs it (Kaiser window,
// beta 5) so that the reference test can compare sample by sample.
#include <cmath>
#include <numeric>
#include <sstream>

#include "ferkit/eeg_resample.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

double sinc(double x) {
  if (x == 0.0) return 1.0;
  return std::sin(M_PI * x) / (M_PI * x);
}

// Low-pass FIR with `taps` coefficients, cut-off `cutoff` (fraction of Nyquist), symmetric Kaiser
// window, scaled to unit gain at DC.
std::vector<double> kaiser_lowpass(int taps, double cutoff, double beta) {
  std::vector<double> h(static_cast<size_t>(taps));
  double alpha = 0.5 * (taps - 1);
  double i0_beta = std::cyl_bessel_i(0.0, beta);
  double sum = 0;
  for (int n = 0; n < taps; ++n) {
    double m = n - alpha;
    double ratio = taps > 1 ? 2.0 * n / (taps - 1) - 1.0 : 0.0;
    double window = std::cyl_bessel_i(0.0, beta * std::sqrt(std::max(0.0, 1.0 - ratio * ratio))) / i0_beta;
    h[static_cast<size_t>(n)] = cutoff * sinc(cutoff * m) * window;
    sum += h[static_cast<size_t>(n)];
  }
  for (auto& v : h) v /= sum;
  return h;
}

}  // namespace

std::vector<double> resample_poly(const std::vector<double>& x, int up, int down) {
  FERKIT_CHECK(up > 0 && down > 0, "resample_poly: up and down must be positive, got " << up << " and " << down);
  int g = std::gcd(up, down);
  up /= g;
  down /= g;
  if (up == 1 && down == 1) return x;
  const int64_t n_in = static_cast<int64_t>(x.size());
  const int64_t n_out = (n_in * up + down - 1) / down;
  const int max_rate = std::max(up, down);
  const int half_len = 10 * max_rate;
  std::vector<double> h = kaiser_lowpass(2 * half_len + 1, 1.0 / max_rate, 5.0);
  for (auto& v : h) v *= up;
  // Delay the filter so that its centre falls on a multiple of `down`; the output then starts
  // n_pre_remove samples into the full convolution.
  const int n_pre_pad = down - half_len % down;
  const int64_t n_pre_remove = (half_len + n_pre_pad) / down;
  const int64_t len_h = static_cast<int64_t>(h.size()) + n_pre_pad;
  auto tap = [&](int64_t j) { return j < n_pre_pad ? 0.0 : h[static_cast<size_t>(j - n_pre_pad)]; };

  std::vector<double> y(static_cast<size_t>(n_out), 0.0);
  for (int64_t k = 0; k < n_out; ++k) {
    // y[m] = sum_i x[i] * h[m * down - i * up] over the upsampled grid, m = k + n_pre_remove.
    const int64_t t = (k + n_pre_remove) * down;
    int64_t i_hi = std::min<int64_t>(n_in - 1, t / up);
    int64_t i_lo = std::max<int64_t>(0, (t - len_h + up) / up);
    double acc = 0;
    for (int64_t i = i_lo; i <= i_hi; ++i) {
      int64_t j = t - i * up;
      if (j >= 0 && j < len_h) acc += x[static_cast<size_t>(i)] * tap(j);
    }
    y[static_cast<size_t>(k)] = acc;
  }
  return y;
}

EegSignal resample_signal(const EegSignal& signal, double rate) {
  FERKIT_CHECK(signal.sampling_rate > 0 && rate > 0,
               "resample_signal: rates must be positive, got " << signal.sampling_rate << " Hz -> " << rate << " Hz");
  if (std::abs(signal.sampling_rate - rate) < 1e-9 * rate) return signal;
  // Smallest denominator with up / down == rate / sampling_rate.
  int up = 0, down = 0;
  for (int d = 1; d <= 1000 && up == 0; ++d) {
    double u = std::round(d * rate / signal.sampling_rate);
    if (u >= 1 && std::abs(u * signal.sampling_rate - d * rate) < 1e-6 * signal.sampling_rate) {
      up = static_cast<int>(u);
      down = d;
    }
  }
  if (up == 0) {
    std::ostringstream os;
    os << signal.sampling_rate << " Hz -> " << rate << " Hz";
    throw Error("resampling", "two rates whose ratio is a fraction with denominator <= 1000", os.str());
  }
  EegSignal out;
  out.sampling_rate = rate;
  out.channels = signal.channels;
  out.data.reserve(signal.data.size());
  for (const auto& ch : signal.data) out.data.push_back(resample_poly(ch, up, down));
  return out;
}

}  // namespace ferkit
