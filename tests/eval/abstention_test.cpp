// Per-class thresholds, unknown predictions and the coverage-risk curve on hand-built cases.
#include <cmath>

#include "ferkit/abstention.h"
#include "ferkit/error.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

// Three classes. Predictions of class 0 (confidence, correct): .95 y, .9 y, .8 n (true 1),
// .7 y, .6 n (true 2). Predictions of class 1: .9 n (true 0), .8 y. Class 2 is never predicted.
struct Case {
  ProbabilityMatrix p = ProbabilityMatrix::from_rows({
      {.95, .025, .025}, {.9, .05, .05}, {.8, .1, .1}, {.7, .15, .15}, {.6, .2, .2},  // predicted 0
      {.05, .9, .05}, {.1, .8, .1},                                                    // predicted 1
  });
  std::vector<int> y = {0, 0, 1, 0, 2, 0, 1};
};

TEST(Abstention, ThresholdMaximisesF1UnderThePrecisionTarget) {
  Case c;
  const auto t = fit_abstention_thresholds(c.p, c.y);  // target .75
  ASSERT_EQ(t.thresholds.size(), 3u);
  // Class 0 (support 4), accepting confidences above:
  //   .9 -> 1 kept, P 1, F1 2/5;  .8 -> 2 kept, P 1, F1 4/6;  .7 -> 3 kept, P 2/3 (below .75);
  //   .6 -> 4 kept, P 3/4, F1 6/8 (best);  0 -> 5 kept, P 3/5 (below).
  EXPECT_DOUBLE_EQ(t.thresholds[0], 0.6);
  EXPECT_TRUE(t.per_class[0].reached_target);
  EXPECT_DOUBLE_EQ(t.per_class[0].precision, 0.75);
  EXPECT_DOUBLE_EQ(t.per_class[0].recall, 0.75);
  EXPECT_DOUBLE_EQ(t.per_class[0].f1, 0.75);
  EXPECT_EQ(t.per_class[0].accepted, 4);
  EXPECT_EQ(t.per_class[0].predicted, 5);
  // Class 1: .9 wrong first, so precision is 0 then 1/2: never .75 -> threshold 1 (always abstain).
  EXPECT_DOUBLE_EQ(t.thresholds[1], 1.0);
  EXPECT_FALSE(t.per_class[1].reached_target);
  // Class 2 is never predicted: unreached as well.
  EXPECT_DOUBLE_EQ(t.thresholds[2], 1.0);
  EXPECT_EQ(t.unreached(), (std::vector<int>{1, 2}));

  // A lower target accepts more of class 1: at .5, accepting both (P 1/2, F1 1/2) beats
  // accepting none; .9 alone has P 0.
  AbstentionOptions lax;
  lax.target_precision = 0.5;
  const auto u = fit_abstention_thresholds(c.p, c.y, lax);
  EXPECT_DOUBLE_EQ(u.thresholds[1], 0.0);
  EXPECT_DOUBLE_EQ(u.per_class[1].f1, 0.5);
  // Class 0 at .5: accept-all (P 3/5, F1 6/9) loses to .6 (F1 6/8).
  EXPECT_DOUBLE_EQ(u.thresholds[0], 0.6);
}

TEST(Abstention, PredictionsAtOrBelowTheThresholdBecomeUnknown) {
  Case c;
  const auto pred = apply_abstention(c.p, {0.6, 1.0, 1.0});
  // .6 is not above .6: unknown. Class 1 always abstains.
  EXPECT_EQ(pred, (std::vector<int>{0, 0, 0, 0, kUnknown, kUnknown, kUnknown}));
  EXPECT_DOUBLE_EQ(abstention_rate(pred), 3.0 / 7);
  const auto s = summarise_selective(pred, c.y);
  EXPECT_EQ(s.accepted, 4);
  EXPECT_EQ(s.abstained, 3);
  EXPECT_DOUBLE_EQ(s.coverage, 4.0 / 7);
  EXPECT_DOUBLE_EQ(s.selective_accuracy, 0.75);
  EXPECT_DOUBLE_EQ(s.selective_risk, 0.25);
  // A threshold of 1 rejects even a confidence of exactly 1.
  const auto certain = ProbabilityMatrix::from_rows({{1.0, 0.0}});
  EXPECT_EQ(apply_abstention(certain, {1.0, 1.0}), (std::vector<int>{kUnknown}));
  EXPECT_EQ(apply_abstention(certain, {0.99, 1.0}), (std::vector<int>{0}));
}

TEST(Abstention, CoverageRiskCurveAndAurcByHand) {
  // Distinct confidences .9 ok, .8 wrong, .7 ok, .6 wrong: risks 0, 1/2, 1/3, 1/2 at coverage
  // 1/4 .. 1; AURC = mean of the risks.
  const auto p = ProbabilityMatrix::from_rows({{.9, .1}, {.2, .8}, {.7, .3}, {.4, .6}});
  const std::vector<int> y = {0, 0, 0, 0};
  const auto c = coverage_risk_curve(p, y);
  ASSERT_EQ(c.coverage.size(), 4u);
  EXPECT_DOUBLE_EQ(c.coverage[0], 0.25);
  EXPECT_DOUBLE_EQ(c.risk[0], 0.0);
  EXPECT_DOUBLE_EQ(c.risk[1], 0.5);
  EXPECT_DOUBLE_EQ(c.risk[2], 1.0 / 3);
  EXPECT_DOUBLE_EQ(c.risk[3], 0.5);
  EXPECT_DOUBLE_EQ(c.coverage[3], 1.0);
  EXPECT_NEAR(c.aurc, (0 + 0.5 + 1.0 / 3 + 0.5) / 4, 1e-15);
  EXPECT_DOUBLE_EQ(c.confidence[1], 0.8);

  // Tied confidences are accepted together: .9 ok, .8 wrong, .8 ok, .6 wrong.
  const auto q = ProbabilityMatrix::from_rows({{.9, .1}, {.2, .8}, {.8, .2}, {.4, .6}});
  const auto d = coverage_risk_curve(q, y);
  ASSERT_EQ(d.coverage.size(), 3u);
  EXPECT_DOUBLE_EQ(d.coverage[1], 0.75);
  EXPECT_DOUBLE_EQ(d.risk[1], 1.0 / 3);
  EXPECT_NEAR(d.aurc, 0.0 * 0.25 + (1.0 / 3) * 0.5 + 0.5 * 0.25, 1e-15);
  // At full coverage the selective risk is the error rate.
  EXPECT_DOUBLE_EQ(d.risk.back(), 0.5);
}

TEST(Abstention, BadInputIsAnError) {
  Case c;
  EXPECT_THROW(apply_abstention(c.p, {0.5, 0.5}), Error);
  AbstentionOptions o;
  o.target_precision = 1.5;
  EXPECT_THROW(fit_abstention_thresholds(c.p, c.y, o), Error);
  EXPECT_THROW(summarise_selective({0, -2}, {0, 1}), Error);
  EXPECT_THROW(summarise_selective({0}, {0, 1}), Error);
  EXPECT_THROW(coverage_risk_curve(c.p, {0}), Error);
}

}  // namespace
}  // namespace ferkit
