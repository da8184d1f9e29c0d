// Stratified bootstrap: determinism, class counts kept in every resample, percentile rule, and the
// intervals of the evaluation report.
#include <cmath>
#include <algorithm>
#include <map>
#include <set>
#include <random>

#include "ferkit/bootstrap.h"
#include "ferkit/error.h"
#include "ferkit/metrics.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

std::vector<int> strata_of(const std::vector<int>& counts) {
  std::vector<int> s;
  for (size_t c = 0; c < counts.size(); ++c)
    for (int i = 0; i < counts[c]; ++i) s.push_back(static_cast<int>(c));
  // Interleave so that members of a stratum are not contiguous.
  std::mt19937_64 rng(3);
  std::shuffle(s.begin(), s.end(), rng);
  return s;
}

TEST(Bootstrap, EveryResampleKeepsTheClassCountsAndDrawsWithinTheClass) {
  const auto strata = strata_of({50, 3, 0, 17, 1});
  std::map<int, int> expected;
  for (int s : strata) ++expected[s];
  StratifiedResampler r(strata, 42);
  std::vector<int64_t> idx;
  std::set<int64_t> distinct;
  for (int b = 0; b < 200; ++b) {
    r.draw(idx);
    ASSERT_EQ(idx.size(), strata.size());
    std::map<int, int> counts;
    for (int64_t i : idx) {
      ASSERT_GE(i, 0);
      ASSERT_LT(i, static_cast<int64_t>(strata.size()));
      ++counts[strata[i]];
      distinct.insert(i);
    }
    ASSERT_EQ(counts, expected) << "resample " << b;
  }
  EXPECT_EQ(distinct.size(), strata.size());  // 200 resamples reach every sample
}

TEST(Bootstrap, SameSeedSameDrawsOtherSeedOtherDraws) {
  const auto strata = strata_of({40, 20, 10});
  StratifiedResampler a(strata, 7), b(strata, 7), c(strata, 8);
  std::vector<int64_t> ia, ib, ic;
  bool differs = false;
  for (int i = 0; i < 5; ++i) {
    a.draw(ia);
    b.draw(ib);
    c.draw(ic);
    EXPECT_EQ(ia, ib);
    differs = differs || ia != ic;
  }
  EXPECT_TRUE(differs);

  std::vector<double> values(strata.size());
  std::mt19937_64 rng(1);
  for (auto& v : values) v = std::uniform_real_distribution<double>(0, 1)(rng);
  auto mean = [&](const std::vector<int64_t>& idx) {
    double s = 0;
    for (int64_t i : idx) s += values[i];
    return s / static_cast<double>(idx.size());
  };
  BootstrapOptions o;
  o.seed = 11;
  const Interval x = bootstrap_ci(mean, strata, o), y = bootstrap_ci(mean, strata, o);
  EXPECT_EQ(x.lo, y.lo);
  EXPECT_EQ(x.hi, y.hi);
  o.seed = 12;
  const Interval z = bootstrap_ci(mean, strata, o);
  EXPECT_TRUE(z.lo != x.lo || z.hi != x.hi);
}

TEST(Bootstrap, PercentileInterpolatesLikeNumpy) {
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 25), 1.75);   // numpy.percentile([1,2,3,4], 25)
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 97.5), 3.925);
  EXPECT_DOUBLE_EQ(percentile({5}, 2.5), 5.0);
  EXPECT_DOUBLE_EQ(percentile({0, 10}, 50), 5.0);
  EXPECT_TRUE(std::isnan(percentile({1, NAN, 3}, 50)));
  EXPECT_THROW(percentile({}, 50), Error);
  EXPECT_THROW(percentile({1}, 101), Error);
}

TEST(Bootstrap, UniformBelowStaysInRangeAndIsRoughlyUniform) {
  std::mt19937_64 rng(5);
  std::vector<int> hits(3, 0);
  for (int i = 0; i < 30000; ++i) {
    const uint64_t v = uniform_below(rng, 3);
    ASSERT_LT(v, 3u);
    ++hits[v];
  }
  for (int h : hits) EXPECT_NEAR(h, 10000, 400);  // > 4 standard deviations
}

TEST(Bootstrap, StratificationRemovesBetweenClassVariance) {
  // Each class is either always right or always wrong: with class counts fixed, every resample
  // has the same accuracy, so the stratified interval has zero width (a plain bootstrap would not).
  std::vector<int> y, pred;
  for (int i = 0; i < 30; ++i) y.push_back(0), pred.push_back(0);
  for (int i = 0; i < 10; ++i) y.push_back(1), pred.push_back(0);
  auto acc = [&](const std::vector<int64_t>& idx) {
    double c = 0;
    for (int64_t i : idx) c += y[i] == pred[i];
    return c / static_cast<double>(idx.size());
  };
  const Interval ci = bootstrap_ci(acc, y);
  EXPECT_DOUBLE_EQ(ci.lo, 0.75);
  EXPECT_DOUBLE_EQ(ci.hi, 0.75);
}

TEST(Bootstrap, ReportIntervalsContainThePointEstimateAndAreDeterministic) {
  std::mt19937_64 rng(9);
  const int n = 400;
  ProbabilityMatrix p(n, kNumClasses);
  std::vector<int> y;
  for (int i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng() % 6);  // classes 6 and 7 absent
    y.push_back(label);
    double sum = 0;
    for (int k = 0; k < kNumClasses; ++k) sum += p.at(i, k) = std::exp((k == label ? 1.5 : 0.0) + (rng() % 1000) / 400.0);
    for (int k = 0; k < kNumClasses; ++k) p.at(i, k) /= sum;
  }
  EvaluationOptions o;
  o.bootstrap.resamples = 300;
  const auto r1 = evaluate(p, y, o), r2 = evaluate(p, y, o);
  EXPECT_TRUE(r1.ci_accuracy.contains(r1.all_classes.accuracy));
  EXPECT_TRUE(r1.ci_macro_f1.contains(r1.all_classes.macro_f1));
  EXPECT_TRUE(r1.ci_balanced_accuracy.contains(r1.all_classes.balanced_accuracy));
  EXPECT_LT(r1.ci_accuracy.lo, r1.ci_accuracy.hi);
  EXPECT_EQ(r1.ci_macro_f1.lo, r2.ci_macro_f1.lo);
  EXPECT_EQ(r1.ci_macro_f1.hi, r2.ci_macro_f1.hi);
  // The interval of acc is the one a generic bootstrap_ci gives for the same seed and strata.
  const auto pred = argmax_rows(p);
  const Interval generic = bootstrap_ci(
      [&](const std::vector<int64_t>& idx) {
        double c = 0;
        for (int64_t i : idx) c += pred[i] == y[i];
        return c / static_cast<double>(idx.size());
      },
      y, o.bootstrap);
  EXPECT_DOUBLE_EQ(generic.lo, r1.ci_accuracy.lo);
  EXPECT_DOUBLE_EQ(generic.hi, r1.ci_accuracy.hi);
}

TEST(Bootstrap, BadOptionsAndEmptyInputAreErrors) {
  auto one = [](const std::vector<int64_t>&) { return 1.0; };
  EXPECT_THROW(bootstrap_ci(one, {}), Error);
  BootstrapOptions o;
  o.resamples = 0;
  EXPECT_THROW(bootstrap_ci(one, {0, 1}, o), Error);
  o.resamples = 10;
  o.level = 1.0;
  EXPECT_THROW(bootstrap_ci(one, {0, 1}, o), Error);
}

}  // namespace
}  // namespace ferkit
