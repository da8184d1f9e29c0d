// ECE bin edges, reliability bins, NLL and Brier on cases computed by hand.
#include <cmath>

#include "ferkit/error.h"
#include "ferkit/metrics.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

TEST(CalibrationMetrics, BinsAreOpenBelowClosedAbove) {
  EXPECT_EQ(confidence_bin(0.0, 15), 0);            // 0 belongs to bin 0
  EXPECT_EQ(confidence_bin(1.0 / 15, 15), 0);       // (0, 1/15]: the edge closes bin 0
  EXPECT_EQ(confidence_bin(std::nextafter(1.0 / 15, 1.0), 15), 1);
  EXPECT_EQ(confidence_bin(2.0 / 15, 15), 1);
  EXPECT_EQ(confidence_bin(0.5, 15), 7);            // 7/15 = .467 < .5 <= 8/15 = .533
  EXPECT_EQ(confidence_bin(0.8, 15), 11);           // 0.8 == 12/15 exactly: closes bin 11
  EXPECT_EQ(confidence_bin(1.0, 15), 14);
  for (int b = 1; b <= 15; ++b) EXPECT_EQ(confidence_bin(static_cast<double>(b) / 15, 15), b - 1) << b;
  EXPECT_THROW(confidence_bin(1.5, 15), Error);
  EXPECT_THROW(confidence_bin(0.5, 0), Error);
}

TEST(CalibrationMetrics, ConfidenceOfExactlyOneFifteenthIsCountedInBinZero) {
  // 16 classes: a row of fifteen 1/15 and one 0 has confidence exactly 1/15.
  ProbabilityMatrix p(1, 16);
  for (int k = 0; k < 15; ++k) p.at(0, k) = 1.0 / 15;
  auto bins = reliability_bins(p, {0}, 15);
  EXPECT_EQ(bins[0].count, 1);
  EXPECT_DOUBLE_EQ(bins[0].mean_confidence, 1.0 / 15);
  EXPECT_DOUBLE_EQ(bins[0].accuracy, 1.0);  // argmax = class 0 (first maximum) = label
  EXPECT_EQ(bins[1].count, 0);
}

TEST(CalibrationMetrics, HandComputedEceNllBrier) {
  // (p, y): confidence, correct, bin
  auto p = ProbabilityMatrix::from_rows({
      {0.9, 0.1},    // y 0: .9 correct  bin 13
      {0.8, 0.2},    // y 1: .8 wrong    bin 11 (0.8 closes it)
      {0.3, 0.7},    // y 1: .7 correct  bin 10
      {0.6, 0.4},    // y 0: .6 correct  bin 8 (0.6 == 9/15 closes it)
      {0.65, 0.35},  // y 1: .65 wrong   bin 9
      {0.66, 0.34},  // y 0: .66 correct bin 9
  });
  std::vector<int> y = {0, 1, 1, 0, 1, 0};
  auto m = calibration_metrics(p, y, 15);
  const double n = 6;
  const double ece = (std::abs(1 - .9) + std::abs(0 - .8) + std::abs(1 - .7) + std::abs(1 - .6)) / n +
                     2 / n * std::abs(0.5 - (0.65 + 0.66) / 2);
  EXPECT_NEAR(m.ece, ece, 1e-12);
  ASSERT_EQ(m.bins.size(), 15u);
  EXPECT_EQ(m.bins[13].count, 1);
  EXPECT_EQ(m.bins[11].count, 1);
  EXPECT_EQ(m.bins[10].count, 1);
  EXPECT_EQ(m.bins[8].count, 1);
  EXPECT_EQ(m.bins[9].count, 2);
  EXPECT_DOUBLE_EQ(m.bins[9].accuracy, 0.5);
  EXPECT_NEAR(m.bins[9].mean_confidence, 0.655, 1e-15);
  EXPECT_DOUBLE_EQ(m.bins[9].lo, 9.0 / 15);
  EXPECT_DOUBLE_EQ(m.bins[9].hi, 10.0 / 15);
  const double nll = -(std::log(.9) + std::log(.2) + std::log(.7) + std::log(.6) + std::log(.35) + std::log(.66)) / n;
  EXPECT_NEAR(m.nll, nll, 1e-12);
  const double brier = (2 * .01 + 2 * .64 + 2 * .09 + 2 * .16 + 2 * .65 * .65 + 2 * .34 * .34) / n;
  EXPECT_NEAR(m.brier, brier, 1e-12);
}

TEST(CalibrationMetrics, NllClampsAZeroProbability) {
  auto p = ProbabilityMatrix::from_rows({{1.0, 0.0}});
  auto m = calibration_metrics(p, {1}, 15);
  EXPECT_NEAR(m.nll, -std::log(1e-12), 1e-9);
  EXPECT_DOUBLE_EQ(m.brier, 2.0);
  EXPECT_DOUBLE_EQ(m.ece, 1.0);  // confidence 1, accuracy 0
}

TEST(CalibrationMetrics, PerfectlyCalibratedBinsGiveZeroEce) {
  // Confidence .75 with 3 of 4 correct in the one bin.
  auto p = ProbabilityMatrix::from_rows({{.75, .25}, {.75, .25}, {.75, .25}, {.75, .25}});
  auto m = calibration_metrics(p, {0, 0, 0, 1}, 15);
  EXPECT_NEAR(m.ece, 0.0, 1e-15);
}

}  // namespace
}  // namespace ferkit
