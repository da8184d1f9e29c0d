// Polyphase resampling of EEG channels to a common rate (scipy.signal.resample_poly's method).
//
//   std::vector<double> y = ferkit::resample_poly(x, /*up=*/1, /*down=*/2);   // 256 Hz -> 128 Hz
//   ferkit::EegSignal s128 = ferkit::resample_signal(s256, 128.0);
//
// Contract: the rate ratio is reduced to up/down by their gcd; x is upsampled by up, filtered by a
// windowed-sinc low-pass FIR (Kaiser window, beta 5, 2 * 10 * max(up, down) + 1 taps, cut-off at
// 1 / max(up, down) of Nyquist, DC gain up), and downsampled by down, with zero padding at the ends
// and the filter delay removed, so the output has ceil(n * up / down) samples aligned with the input
// and equals scipy.signal.resample_poly(x, up, down) to rounding.
// resample_signal requires the ratio of the two rates to be a fraction with denominator <= 1000
// (an Error names both rates otherwise).
//
// Hand-written: neither OpenCV nor torch offers a band-limited rational resampler (cv::resize
// interpolates without an anti-aliasing filter), and libsamplerate is not a ferkit dependency.
#pragma once

#include <vector>

#include "ferkit/eeg_signal.h"

namespace ferkit {

std::vector<double> resample_poly(const std::vector<double>& x, int up, int down);
// Every channel resampled to `rate` Hz (a copy when the rates are already equal).
EegSignal resample_signal(const EegSignal& signal, double rate);

}  // namespace ferkit
