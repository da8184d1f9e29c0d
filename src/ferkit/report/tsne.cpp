// Exact t-SNE (ferkit/report/tsne.h). Hand-written: Debian packages no C++ t-SNE library; the
// steps follow scikit-learn's exact method so that the affinities can be checked against it.
#include "ferkit/report/tsne.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "ferkit/error.h"

namespace ferkit {
namespace {

constexpr double kMachineEpsilon = std::numeric_limits<double>::epsilon();

void check_input(const std::vector<float>& x, int64_t n, int64_t d, double perplexity) {
  FERKIT_CHECK(n >= 2 && d >= 1, "t-SNE: expected at least 2 points of dimension >= 1, got " << n << " x " << d);
  FERKIT_CHECK(static_cast<int64_t>(x.size()) == n * d,
               "t-SNE: expected " << n << " x " << d << " = " << n * d << " values, got " << x.size());
  FERKIT_CHECK(perplexity > 0 && perplexity <= static_cast<double>(n - 1),
               "t-SNE: perplexity must be in (0, n - 1] = (0, " << n - 1 << "], got " << perplexity
                                                               << " (use fewer neighbours or more points)");
  for (size_t i = 0; i < x.size(); ++i)
    FERKIT_CHECK(std::isfinite(x[i]), "t-SNE: point " << i / d << " coordinate " << i % d << " is not finite");
}

// p(j | i) for every i, each row's precision found by bisection on the entropy.
std::vector<double> conditional_affinities(const std::vector<double>& dist, int64_t n, double perplexity) {
  const double desired_entropy = std::log(perplexity);
  std::vector<double> p(static_cast<size_t>(n * n), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    const double* di = dist.data() + i * n;
    double* pi = p.data() + i * n;
    // Distances shifted by the row's smallest: the same p, without exp() underflowing to 0.
    double dmin = std::numeric_limits<double>::infinity();
    for (int64_t j = 0; j < n; ++j)
      if (j != i) dmin = std::min(dmin, di[j]);
    double beta = 1.0, beta_min = -std::numeric_limits<double>::infinity(),
           beta_max = std::numeric_limits<double>::infinity();
    for (int step = 0; step < 100; ++step) {
      double sum = 0;
      for (int64_t j = 0; j < n; ++j) {
        pi[j] = j == i ? 0.0 : std::exp(-(di[j] - dmin) * beta);
        sum += pi[j];
      }
      if (sum == 0.0) sum = 1e-8;
      double weighted = 0;
      for (int64_t j = 0; j < n; ++j) {
        pi[j] /= sum;
        weighted += (di[j] - dmin) * pi[j];
      }
      const double diff = std::log(sum) + beta * weighted - desired_entropy;
      if (std::abs(diff) <= 1e-5) break;
      if (diff > 0) {
        beta_min = beta;
        beta = std::isinf(beta_max) ? beta * 2 : (beta + beta_max) / 2;
      } else {
        beta_max = beta;
        beta = std::isinf(beta_min) ? beta / 2 : (beta + beta_min) / 2;
      }
    }
  }
  return p;
}

std::vector<double> squared_distances(const std::vector<float>& x, int64_t n, int64_t d) {
  std::vector<double> dist(static_cast<size_t>(n * n), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j) {
      double s = 0;
      for (int64_t k = 0; k < d; ++k) {
        const double t = static_cast<double>(x[i * d + k]) - x[j * d + k];
        s += t * t;
      }
      dist[i * n + j] = dist[j * n + i] = s;
    }
  return dist;
}

double standard_normal(std::mt19937_64& rng) {
  // Box-Muller on 53-bit uniforms: identical on every standard library (std::normal_distribution is not).
  auto uniform = [&] { return (static_cast<double>(rng() >> 11) + 0.5) * (1.0 / 9007199254740992.0); };
  const double u1 = uniform(), u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace

std::vector<double> tsne_affinities(const std::vector<float>& x, int64_t n, int64_t d, double perplexity) {
  check_input(x, n, d, perplexity);
  std::vector<double> p = conditional_affinities(squared_distances(x, n, d), n, perplexity);
  double total = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j) {
      const double s = p[i * n + j] + p[j * n + i];
      p[i * n + j] = p[j * n + i] = s;
      total += 2 * s;
    }
  total = std::max(total, kMachineEpsilon);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) p[i * n + j] = i == j ? 0.0 : std::max(p[i * n + j] / total, kMachineEpsilon);
  return p;
}

TsneResult tsne(const std::vector<float>& x, int64_t n, int64_t d, const TsneOptions& o) {
  FERKIT_CHECK(o.iterations >= 0 && o.exaggeration_iterations >= 0,
               "t-SNE: iterations must be >= 0, got " << o.iterations << " and " << o.exaggeration_iterations);
  FERKIT_CHECK(o.early_exaggeration > 0, "t-SNE: early_exaggeration must be > 0, got " << o.early_exaggeration);
  const std::vector<double> p = tsne_affinities(x, n, d, o.perplexity);
  const double lr = o.learning_rate > 0 ? o.learning_rate : std::max(n / o.early_exaggeration / 4.0, 50.0);

  std::mt19937_64 rng(static_cast<uint64_t>(o.seed));
  std::vector<double> y(static_cast<size_t>(2 * n));
  for (double& v : y) v = 1e-4 * standard_normal(rng);
  std::vector<double> update(y.size(), 0.0), gains(y.size(), 1.0), grad(y.size());
  std::vector<double> num(static_cast<size_t>(n * n), 0.0);

  for (int it = 0; it < o.iterations; ++it) {
    const bool early = it < o.exaggeration_iterations;
    const double exaggeration = early ? o.early_exaggeration : 1.0;
    const double momentum = early ? 0.5 : 0.8;
    // Student-t kernel 1 / (1 + |y_i - y_j|^2), symmetric.
    double sum_num = 0;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = i + 1; j < n; ++j) {
        const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
        const double q = 1.0 / (1.0 + dx * dx + dy * dy);
        num[i * n + j] = num[j * n + i] = q;
        sum_num += 2 * q;
      }
    // dC/dy_i = 4 sum_j (P_ij - Q_ij) num_ij (y_i - y_j)
    for (int64_t i = 0; i < n; ++i) {
      double gx = 0, gy = 0;
      const double* pi = p.data() + i * n;
      const double* ni = num.data() + i * n;
      for (int64_t j = 0; j < n; ++j) {
        if (j == i) continue;
        const double q = std::max(ni[j] / sum_num, kMachineEpsilon);
        const double m = (exaggeration * pi[j] - q) * ni[j];
        gx += m * (y[2 * i] - y[2 * j]);
        gy += m * (y[2 * i + 1] - y[2 * j + 1]);
      }
      grad[2 * i] = 4 * gx;
      grad[2 * i + 1] = 4 * gy;
    }
    for (size_t k = 0; k < y.size(); ++k) {
      gains[k] = update[k] * grad[k] < 0 ? gains[k] + 0.2 : gains[k] * 0.8;
      gains[k] = std::max(gains[k], 0.01);
      update[k] = momentum * update[k] - lr * gains[k] * grad[k];
      y[k] += update[k];
    }
  }

  TsneResult r;
  double sum_num = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
      num[i * n + j] = 1.0 / (1.0 + dx * dx + dy * dy);
      sum_num += num[i * n + j];
    }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      if (i != j) {
        const double q = std::max(num[i * n + j] / sum_num, kMachineEpsilon);
        r.kl_divergence += p[i * n + j] * std::log(p[i * n + j] / q);
      }
  r.embedding = std::move(y);
  return r;
}

}  // namespace ferkit
