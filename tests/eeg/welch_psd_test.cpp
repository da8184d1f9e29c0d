// Welch PSD and band power: hand-computed values and MNE's psd_array_welch on the same signal.
#include <gtest/gtest.h>

#include <cmath>

#include "eeg_test_fixtures.h"
#include "ferkit/eeg_band_power.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

using test::TempDir;

// A sinusoid on a bin: the periodic Hann window leaks only into the two neighbouring bins, so the
// band power around it is exactly the sinusoid's power A^2 / 2 (Parseval).
TEST(WelchPsd, SinusoidOnABinHasPowerHalfAmplitudeSquared) {
  const double rate = 128, amp = 3.0, f0 = 10.0;
  EegSignal s;
  s.sampling_rate = rate;
  s.channels = {"Cz"};
  s.data.assign(1, {});
  for (int i = 0; i < 128 * 20; ++i) s.data[0].push_back(5.0 + amp * std::sin(2 * M_PI * f0 * i / rate));
  Psd psd = welch_psd(s, WelchOptions{});  // 2 s segments: 0.5 Hz bins
  ASSERT_EQ(psd.freqs.size(), 129u);
  EXPECT_DOUBLE_EQ(psd.resolution(), 0.5);
  EXPECT_NEAR(band_power(psd.density[0], psd.freqs, {"alpha", 8, 13}), amp * amp / 2, 1e-9);
  // The constant offset is removed by the per-segment detrend; nothing away from 10 Hz.
  EXPECT_NEAR(psd.density[0][0], 0.0, 1e-12);
  EXPECT_NEAR(band_power(psd.density[0], psd.freqs, {"beta", 13, 30}), 0.0, 1e-12);
}

TEST(WelchPsd, BandEdgesAreHalfOpen) {
  std::vector<double> freqs = {0, 1, 2, 3, 4, 5}, density = {1, 2, 4, 8, 16, 32};
  EXPECT_DOUBLE_EQ(band_power(density, freqs, {"a", 1, 4}), 2 + 4 + 8);  // 4 Hz excluded
  EXPECT_DOUBLE_EQ(band_power(density, freqs, {"b", 4, 5}), 16);
}

TEST(WelchPsd, ErrorsNameTheProblem) {
  std::vector<double> freqs = {0, 0.5, 1.0}, density = {1, 1, 1};
  try {
    band_power(density, freqs, {"gamma", 30, 45});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("band 'gamma'"), std::string::npos) << e.what();
  }
  std::vector<double> x(100, 1.0);
  try {
    welch_density(x.data(), 100, 128, 256, 128, 256);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("256"), std::string::npos) << e.what();
  }
}

TEST(WelchPsd, ParseBandsAcceptsNamesAndEdges) {
  auto b = parse_bands("Alpha, sigma:12-15");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].name, "alpha");
  EXPECT_DOUBLE_EQ(b[0].low, 8);
  EXPECT_DOUBLE_EQ(b[1].high, 15);
  EXPECT_THROW(parse_bands("mu"), Error);
  EXPECT_THROW(parse_bands("x:9-3"), Error);
}

// The same synthetic signal through ours and mne.time_frequency.psd_array_welch, for even, odd and
// zero-padded FFT lengths: PSDs to 1e-9 and band powers to 1e-6 relative.
TEST(WelchPsd, MatchesMnePsdArrayWelch) {
  FERKIT_REQUIRE_PYTHON("mne");
  TempDir dir("welch");
  EegTrial t = test::small_synthetic_trial(20);
  test::write_signal_npz(dir / "x.npz", t.stimulus);
  struct Case {
    int n_per_seg, n_overlap, n_fft;
  };
  const std::vector<Case> cases = {{256, 128, 256}, {255, 100, 255}, {200, 50, 512}};
  std::string py =
      "import json, numpy as np, mne\n"
      "d = np.load('" +
      (dir / "x.npz").string() +
      "')\n"
      "out = []\n";
  for (const auto& c : cases)
    py += "p, f = mne.time_frequency.psd_array_welch(d['x'], float(d['rate'][0]), n_fft=" + std::to_string(c.n_fft) +
          ", n_overlap=" + std::to_string(c.n_overlap) + ", n_per_seg=" + std::to_string(c.n_per_seg) +
          ", window='hann', average='mean', verbose=False)\n"
          "out.append({'psd': p.tolist(), 'freqs': f.tolist()})\n";
  py += "print(json.dumps(out))\n";
  auto ref = test::python_json(py);
  ASSERT_EQ(ref.size(), cases.size());
  const auto bands = default_bands();
  for (size_t k = 0; k < cases.size(); ++k) {
    const auto& c = cases[k];
    auto freqs = ref[k]["freqs"].get<std::vector<double>>();
    for (size_t ch = 0; ch < t.stimulus.data.size(); ++ch) {
      auto mine =
          welch_density(t.stimulus.data[ch].data(), t.stimulus.samples(), 128, c.n_per_seg, c.n_overlap, c.n_fft);
      auto theirs = ref[k]["psd"][ch].get<std::vector<double>>();
      ASSERT_EQ(mine.size(), theirs.size()) << "n_fft " << c.n_fft;
      for (size_t i = 0; i < mine.size(); ++i)
        ASSERT_NEAR(mine[i], theirs[i], 1e-9 * std::abs(theirs[i]) + 1e-15)
            << "channel " << ch << " bin " << i << " n_per_seg " << c.n_per_seg << " n_fft " << c.n_fft;
      std::vector<double> my_freqs(mine.size());
      for (size_t i = 0; i < my_freqs.size(); ++i) my_freqs[i] = i * 128.0 / c.n_fft;
      for (const auto& b : bands) {
        double p_mine = band_power(mine, my_freqs, b), p_ref = band_power(theirs, freqs, b);
        EXPECT_NEAR(p_mine, p_ref, 1e-6 * std::abs(p_ref)) << b.name << " channel " << ch;
      }
    }
  }
}

TEST(BandPower, WindowsTailsAndBaseline) {
  EegTrial t = test::small_synthetic_trial(25);
  BandPowerOptions o;
  o.segment_seconds = 10;  // 25 s -> 2 windows and a 5-s tail
  BandPowerSet set;
  append_band_powers(t, o, set);
  ASSERT_EQ(set.rows.size(), 2u);
  EXPECT_EQ(set.rows[1].window, 2);
  EXPECT_EQ(set.channels, t.stimulus.channels);
  EXPECT_EQ(set.bands.size(), 5u);
  EXPECT_EQ(set.dropped.begin()->second, 1);
  // Row values are the Welch band powers of the window's samples.
  Psd psd = welch_psd(t.stimulus.slice(1280, 2560), o.welch);
  EXPECT_DOUBLE_EQ(set.at(1, 2, 3), band_power(psd.density[3], psd.freqs, o.bands[2]));

  o.baseline = "divide";
  BandPowerSet rel;
  append_band_powers(t, o, rel);
  Psd base = welch_psd(t.baseline, o.welch);
  EXPECT_NEAR(rel.at(0, 2, 3), set.at(0, 2, 3) / band_power(base.density[3], base.freqs, o.bands[2]), 1e-12);
  o.baseline = "subtract";
  BandPowerSet diff;
  append_band_powers(t, o, diff);
  EXPECT_NEAR(diff.at(0, 2, 3), set.at(0, 2, 3) - band_power(base.density[3], base.freqs, o.bands[2]), 1e-9);

  // A trial with other channels cannot join the set.
  EegTrial other = t;
  other.stimulus.channels[0] = "Fz";
  EXPECT_THROW(append_band_powers(other, BandPowerOptions{}, set), Error);
}

}  // namespace
}  // namespace ferkit
