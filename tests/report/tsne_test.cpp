// t-SNE: affinities against scikit-learn's, neighbours kept on separated clusters (our kNN check
// and scikit-learn's trustworthiness), determinism, and the input checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "ferkit/error.h"
#include "ferkit/report/tsne.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

// k Gaussian clusters of m points in d dimensions, centres 10 apart, unit spread.
struct Clusters {
  std::vector<float> x;
  std::vector<int> label;
  int64_t n = 0, d = 0;
};

Clusters make_clusters(int k, int m, int d, unsigned seed) {
  Clusters c;
  c.n = k * m;
  c.d = d;
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.f, 1.f);
  for (int a = 0; a < k; ++a)
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < d; ++j) c.x.push_back((j == a ? 10.f : 0.f) + noise(rng));
      c.label.push_back(a);
    }
  return c;
}

std::string python_array(const std::vector<float>& v) {
  std::ostringstream s;
  s.precision(9);
  s << "[";
  for (size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
  s << "]";
  return s.str();
}

double knn_agreement(const std::vector<double>& y, const std::vector<int>& label, int k) {
  const int64_t n = static_cast<int64_t>(label.size());
  int64_t same = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::vector<std::pair<double, int64_t>> d;
    for (int64_t j = 0; j < n; ++j)
      if (j != i) d.push_back({std::hypot(y[2 * i] - y[2 * j], y[2 * i + 1] - y[2 * j + 1]), j});
    std::partial_sort(d.begin(), d.begin() + k, d.end());
    for (int t = 0; t < k; ++t) same += label[d[t].second] == label[i];
  }
  return static_cast<double>(same) / (n * k);
}

TEST(Tsne, AffinitiesMatchScikitLearn) {
  FERKIT_REQUIRE_PYTHON("sklearn");
  const Clusters c = make_clusters(3, 12, 5, 3);
  const double perplexity = 8.0;
  const std::vector<double> p = tsne_affinities(c.x, c.n, c.d, perplexity);
  const std::string out = test::run_python(
      "import numpy as np\n"
      "from sklearn.manifold._t_sne import _joint_probabilities\n"
      "from sklearn.metrics import pairwise_distances\n"
      "from scipy.spatial.distance import squareform\n"
      "x = np.array(" + python_array(c.x) + ", dtype=np.float64).reshape(" + std::to_string(c.n) + ", " + std::to_string(c.d) + ")\n"
      "d = pairwise_distances(x, metric='euclidean', squared=True)\n"
      "P = squareform(_joint_probabilities(d, " + std::to_string(perplexity) + ", 0))\n"
      "print(' '.join(repr(float(v)) for v in P.ravel()))\n");
  std::istringstream in(out);
  std::vector<double> ref;
  double v;
  while (in >> v) ref.push_back(v);
  ASSERT_EQ(ref.size(), p.size()) << out.substr(0, 200);
  double total = 0, max_ref = 0, max_diff = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    total += p[i];
    max_ref = std::max(max_ref, ref[i]);
    max_diff = std::max(max_diff, std::abs(p[i] - ref[i]));
  }
  EXPECT_NEAR(total, 1.0, 1e-9);
  // Both stop the bisection at |entropy - log(perplexity)| <= 1e-5 (scikit-learn in float32 distances).
  EXPECT_LT(max_diff, 1e-3 * max_ref) << "largest P " << max_ref;
  for (int64_t i = 0; i < c.n; ++i) {
    EXPECT_EQ(p[i * c.n + i], 0.0);
    for (int64_t j = 0; j < i; ++j) EXPECT_EQ(p[i * c.n + j], p[j * c.n + i]);
  }
}

TEST(Tsne, SeparatedClustersKeepTheirNeighbours) {
  const Clusters c = make_clusters(4, 30, 10, 11);
  TsneOptions o;
  o.perplexity = 15;
  o.iterations = 500;
  const TsneResult r = tsne(c.x, c.n, c.d, o);
  ASSERT_EQ(r.embedding.size(), static_cast<size_t>(2 * c.n));
  for (double v : r.embedding) ASSERT_TRUE(std::isfinite(v));
  EXPECT_GT(knn_agreement(r.embedding, c.label, 5), 0.9);
  EXPECT_GT(r.kl_divergence, 0.0);
  EXPECT_LT(r.kl_divergence, 2.0);  // a separable set embeds well: the final KL is small

  // The same seed gives the same map; another seed another one.
  EXPECT_EQ(tsne(c.x, c.n, c.d, o).embedding, r.embedding);
  o.seed = 1;
  EXPECT_NE(tsne(c.x, c.n, c.d, o).embedding, r.embedding);
}

TEST(Tsne, TrustworthinessByScikitLearnIsHigh) {
  FERKIT_REQUIRE_PYTHON("sklearn");
  const Clusters c = make_clusters(3, 25, 8, 5);
  TsneOptions o;
  o.perplexity = 10;
  o.iterations = 400;
  const TsneResult r = tsne(c.x, c.n, c.d, o);
  std::vector<float> y(r.embedding.begin(), r.embedding.end());
  const std::string out = test::run_python(
      "import numpy as np\nfrom sklearn.manifold import trustworthiness\n"
      "x = np.array(" + python_array(c.x) + ").reshape(" + std::to_string(c.n) + ", " + std::to_string(c.d) + ")\n"
      "y = np.array(" + python_array(y) + ").reshape(" + std::to_string(c.n) + ", 2)\n"
      "print(trustworthiness(x, y, n_neighbors=5))\n");
  EXPECT_GT(std::stod(out), 0.9) << out;
}

TEST(Tsne, RejectsBadInput) {
  const Clusters c = make_clusters(2, 5, 3, 1);
  EXPECT_THROW(tsne_affinities(c.x, c.n, c.d, 10.0), Error);  // perplexity > n - 1 = 9
  EXPECT_THROW(tsne_affinities(c.x, c.n, c.d + 1, 3.0), Error);  // size mismatch
  std::vector<float> bad = c.x;
  bad[4] = NAN;
  try {
    tsne_affinities(bad, c.n, c.d, 3.0);
    FAIL() << "no error for a NaN";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("point 1 coordinate 1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferkit
