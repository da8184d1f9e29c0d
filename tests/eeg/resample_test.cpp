// Polyphase resampling against scipy.signal.resample_poly, plus invariants.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "eeg_test_fixtures.h"
#include "ferkit/eeg_resample.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

std::vector<double> random_signal(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0, 10);
  std::vector<double> x(n);
  for (auto& v : x) v = normal(rng);
  return x;
}

TEST(Resample, MatchesScipyResamplePoly) {
  FERKIT_REQUIRE_PYTHON("scipy.signal");
  test::TempDir dir("resample");
  EegSignal s;
  s.sampling_rate = 1;
  s.channels = {"x"};
  s.data = {random_signal(1001, 5)};
  test::write_signal_npz(dir / "x.npz", s);
  const std::vector<std::pair<int, int>> ratios = {{1, 2}, {2, 1}, {3, 2}, {128, 125}, {4, 6}};
  std::string py =
      "import json, numpy as np\nfrom scipy.signal import resample_poly\n"
      "x = np.load('" +
      (dir / "x.npz").string() + "')['x'][0]\nout = []\n";
  for (auto [up, down] : ratios)
    py += "out.append(resample_poly(x, " + std::to_string(up) + ", " + std::to_string(down) + ").tolist())\n";
  py += "print(json.dumps(out))\n";
  auto ref = test::python_json(py);
  for (size_t k = 0; k < ratios.size(); ++k) {
    auto mine = resample_poly(s.data[0], ratios[k].first, ratios[k].second);
    auto theirs = ref[k].get<std::vector<double>>();
    ASSERT_EQ(mine.size(), theirs.size()) << ratios[k].first << "/" << ratios[k].second;
    for (size_t i = 0; i < mine.size(); ++i)
      ASSERT_NEAR(mine[i], theirs[i], 1e-9)
          << "sample " << i << " ratio " << ratios[k].first << "/" << ratios[k].second;
  }
}

TEST(Resample, KeepsSlowSignalsAndLength) {
  // A 2-Hz wave at 256 Hz halved to 128 Hz: same wave away from the zero-padded ends.
  EegSignal s;
  s.sampling_rate = 256;
  s.channels = {"Fz", "Cz"};
  s.data.assign(2, {});
  for (int i = 0; i < 2560; ++i) {
    s.data[0].push_back(std::sin(2 * M_PI * 2.0 * i / 256));
    s.data[1].push_back(7.0);
  }
  EegSignal r = resample_signal(s, 128);
  EXPECT_EQ(r.samples(), 1280);
  EXPECT_DOUBLE_EQ(r.sampling_rate, 128);
  EXPECT_EQ(r.channels, s.channels);
  for (int i = 100; i < 1180; ++i) {
    ASSERT_NEAR(r.data[0][i], std::sin(2 * M_PI * 2.0 * i / 128), 2e-3) << i;
    ASSERT_NEAR(r.data[1][i], 7.0, 1e-3) << i;
  }
  EXPECT_EQ(resample_signal(s, 256).data, s.data);
  EXPECT_THROW(resample_signal(s, 256 * M_PI), Error);
}

}  // namespace
}  // namespace ferkit
