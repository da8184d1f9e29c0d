// CCC, RMSE, the Student t distribution and fold intervals: hand-computed values, and scipy.
#include <cmath>
#include <sstream>

#include <gtest/gtest.h>

#include "ferkit/affect_metrics.h"
#include "ferkit/error.h"
#include "prior_fixtures.h"

namespace ferkit {
namespace {

TEST(AffectMetrics, CccAndRmseByHand) {
  EXPECT_NEAR(concordance_correlation({1, 2, 3}, {1, 2, 3}), 1.0, 1e-15);
  // means 2 and 3, variances 2/3, covariance 2/3: 2 (2/3) / (2/3 + 2/3 + 1) = 4/7
  EXPECT_NEAR(concordance_correlation({1, 2, 3}, {2, 3, 4}), 4.0 / 7.0, 1e-15);
  // perfectly anti-correlated, same moments: -1
  EXPECT_NEAR(concordance_correlation({1, 2, 3}, {3, 2, 1}), -1.0, 1e-15);
  // a constant prediction of a varying target has no concordance
  EXPECT_EQ(concordance_correlation({0.5, 0.5, 0.5}, {1, 2, 3}), 0.0);
  EXPECT_TRUE(std::isnan(concordance_correlation({2, 2}, {2, 2})));
  EXPECT_TRUE(std::isnan(concordance_correlation({}, {})));
  EXPECT_NEAR(root_mean_squared_error({0, 0}, {3, 4}), std::sqrt(12.5), 1e-15);
  EXPECT_NEAR(pearson_correlation({1, 2, 3}, {2, 4, 6.5}), 0.9979487158, 1e-9);
  const std::string e = test::error_of([] { concordance_correlation({1, 2}, {1, 2, 3}); });
  EXPECT_NE(e.find("2 predictions and 3 targets"), std::string::npos) << e;
}

TEST(AffectMetrics, StudentTMatchesTables) {
  // Two-sided 95% critical values from standard tables.
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.706204736, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 4), 2.776445105, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 6), 2.4469118488, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.025, 6), -2.4469118488, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 1e6), 1.959966, 1e-5);
  EXPECT_EQ(student_t_quantile(0.5, 3), 0.0);
  EXPECT_NEAR(student_t_cdf(0.0, 5), 0.5, 1e-15);
  // df = 1 is Cauchy: F(t) = 1/2 + atan(t) / pi
  EXPECT_NEAR(student_t_cdf(1.7, 1), 0.5 + std::atan(1.7) / M_PI, 1e-12);
  EXPECT_THROW(student_t_quantile(1.0, 3), Error);
  EXPECT_THROW(student_t_cdf(1.0, 0), Error);
}

TEST(AffectMetrics, StudentTMatchesScipy) {
  FERKIT_REQUIRE_PYTHON("scipy");
  std::istringstream ref(test::run_python(
      "from scipy.stats import t\n"
      "for df in (1, 2, 3, 6, 27, 100):\n"
      "    for p in (0.6, 0.9, 0.975, 0.995):\n"
      "        print(df, p, repr(t.ppf(p, df)), repr(t.cdf(-1.3, df)))\n"));
  int rows = 0;
  double df, p, q, c;
  while (ref >> df >> p >> q >> c) {
    EXPECT_NEAR(student_t_quantile(p, df), q, 1e-8 * std::max(1.0, std::fabs(q))) << "df " << df << " p " << p;
    EXPECT_NEAR(student_t_cdf(-1.3, df), c, 1e-12) << "df " << df;
    ++rows;
  }
  EXPECT_EQ(rows, 24);
}

TEST(AffectMetrics, FoldIntervalByHandAndNanFolds) {
  FoldInterval s = fold_interval({1, 2, 3, 4, 5});
  EXPECT_EQ(s.n, 5);
  EXPECT_DOUBLE_EQ(s.mean, 3.0);
  EXPECT_NEAR(s.std, std::sqrt(2.5), 1e-15);
  const double half = 2.776445105 * std::sqrt(2.5) / std::sqrt(5.0);
  EXPECT_NEAR(s.t_low, 3.0 - half, 1e-8);
  EXPECT_NEAR(s.t_high, 3.0 + half, 1e-8);
  // A fold whose CCC is undefined is left out and counted, never averaged in.
  FoldInterval w = fold_interval({1, std::nan(""), 3});
  EXPECT_EQ(w.n, 2);
  EXPECT_EQ(w.left_out, 1);
  EXPECT_DOUBLE_EQ(w.mean, 2.0);
  FoldInterval one = fold_interval({0.4});
  EXPECT_DOUBLE_EQ(one.mean, 0.4);
  EXPECT_TRUE(std::isnan(one.std) && std::isnan(one.t_low));
}

}  // namespace
}  // namespace ferkit
