// CCC, RMSE and fold intervals. The Student t CDF is hand-written (regularised incomplete beta by
// its continued fraction, Lentz's method) because no packaged C++ statistics library is a ferkit
// dependency (Boost.Math is not; torch 1.13's C++ API has no t distribution); the tests compare it
// with scipy.stats.t.
#include "ferkit/affect_metrics.h"

#include <cmath>
#include <limits>
#include <string>

#include "ferkit/error.h"

namespace ferkit {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_lengths(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  if (a.size() != b.size())
    throw Error(what, "predictions and targets of the same length",
                std::to_string(a.size()) + " predictions and " + std::to_string(b.size()) + " targets");
}

// Continued fraction of the incomplete beta function (Numerical Recipes' betacf, modified Lentz).
double beta_continued_fraction(double a, double b, double x) {
  const double tiny = 1e-300, eps = 1e-15;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < eps) break;
  }
  return h;
}

// I_x(a, b), the regularised incomplete beta function.
double regularised_beta(double a, double b, double x) {
  if (x <= 0) return 0.0;
  if (x >= 1) return 1.0;
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
  return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

}  // namespace

double concordance_correlation(const std::vector<double>& x, const std::vector<double>& y) {
  check_lengths(x, y, "CCC");
  const size_t n = x.size();
  if (n == 0) return kNaN;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= n;
  my /= n;
  double vx = 0, vy = 0, cov = 0;
  for (size_t i = 0; i < n; ++i) {
    vx += (x[i] - mx) * (x[i] - mx);
    vy += (y[i] - my) * (y[i] - my);
    cov += (x[i] - mx) * (y[i] - my);
  }
  vx /= n;
  vy /= n;
  cov /= n;
  const double denominator = vx + vy + (mx - my) * (mx - my);
  return denominator > 0 ? 2.0 * cov / denominator : kNaN;
}

double root_mean_squared_error(const std::vector<double>& x, const std::vector<double>& y) {
  check_lengths(x, y, "RMSE");
  if (x.empty()) return kNaN;
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) s += (x[i] - y[i]) * (x[i] - y[i]);
  return std::sqrt(s / x.size());
}

double pearson_correlation(const std::vector<double>& x, const std::vector<double>& y) {
  check_lengths(x, y, "Pearson correlation");
  const size_t n = x.size();
  if (n < 2) return kNaN;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= n;
  my /= n;
  double sxx = 0, syy = 0, sxy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : kNaN;
}

double student_t_cdf(double t, double df) {
  FERKIT_CHECK(df > 0, "Student t: degrees of freedom must be > 0, got " << df);
  if (std::isnan(t)) return kNaN;
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double tail = 0.5 * regularised_beta(df / 2.0, 0.5, df / (df + t * t));  // P(T > |t|)
  return t >= 0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double df) {
  FERKIT_CHECK(p > 0 && p < 1, "Student t quantile: p must be in (0, 1), got " << p);
  FERKIT_CHECK(df > 0, "Student t: degrees of freedom must be > 0, got " << df);
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -student_t_quantile(1.0 - p, df);
  // Bisection on the monotone CDF; the upper bracket grows until it holds p (df = 1, p = 0.9995
  // needs about 637).
  double lo = 0.0, hi = 2.0;
  while (student_t_cdf(hi, df) < p) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * std::max(1.0, hi); ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

FoldInterval fold_interval(const std::vector<double>& values, double level) {
  FERKIT_CHECK(level > 0 && level < 1, "fold interval: level must be in (0, 1), got " << level);
  FoldInterval r;
  r.level = level;
  double sum = 0;
  for (double v : values) {
    if (std::isfinite(v)) {
      sum += v;
      ++r.n;
    } else {
      ++r.left_out;
    }
  }
  if (r.n == 0) {
    r.mean = r.std = r.t_low = r.t_high = kNaN;
    return r;
  }
  r.mean = sum / r.n;
  if (r.n < 2) {
    r.std = r.t_low = r.t_high = kNaN;
    return r;
  }
  double ss = 0;
  for (double v : values)
    if (std::isfinite(v)) ss += (v - r.mean) * (v - r.mean);
  r.std = std::sqrt(ss / (r.n - 1));
  const double half = student_t_quantile(0.5 + level / 2.0, r.n - 1) * r.std / std::sqrt(static_cast<double>(r.n));
  r.t_low = r.mean - half;
  r.t_high = r.mean + half;
  return r;
}

}  // namespace ferkit
