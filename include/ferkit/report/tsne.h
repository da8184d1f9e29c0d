// t-SNE: a 2-D map of high-dimensional points that keeps each point's neighbours near it, for
// looking at a model's feature space (exact t-SNE, van der Maaten & Hinton 2008).
//
//   ferkit::TsneOptions o;                        // perplexity 30, 1000 iterations, seed 0
//   ferkit::TsneResult r = ferkit::tsne(features, n, 256, o);   // features: n x 256, row-major
//   r.embedding[2 * i], r.embedding[2 * i + 1];   // point i;   r.kl_divergence: final KL(P || Q)
//
// Contract (the choices of scikit-learn's TSNE(method="exact"), so the two can be compared):
// - Affinities: squared Euclidean distances; per point a binary search over the Gaussian precision
//   until the entropy of p(.|i) equals log(perplexity) within 1e-5 (at most 100 steps); then
//   P = (P_cond + P_cond^T) / sum, floored at the double machine epsilon. perplexity must be below n.
// - Map: Student-t kernel (1 degree of freedom); start from N(0, 1e-4^2) drawn with `seed`
//   (Box-Muller on std::mt19937_64, the same on every standard library); gradient descent with
//   momentum 0.5 and P multiplied by early_exaggeration for the first exaggeration_iterations, then
//   momentum 0.8; per-coordinate gains (+0.2 when the step changes sign, x0.8 otherwise, >= 0.01);
//   learning rate max(n / early_exaggeration / 4, 50) unless learning_rate > 0.
// - Cost: O(n^2) memory and time per iteration; meant for a subsample (about 1000 points).
//
// Hand-written because Debian packages no C++ t-SNE library (dlib, OpenCV and LibTorch have none);
// the exact method is short, and the tests compare its affinities with scikit-learn's.
#pragma once

#include <cstdint>
#include <vector>

namespace ferkit {

struct TsneOptions {
  double perplexity = 30.0;           // effective number of neighbours per point
  int iterations = 1000;              // gradient steps in all
  int exaggeration_iterations = 250;  // steps with P multiplied by early_exaggeration
  double early_exaggeration = 12.0;   // early cluster separation factor
  double learning_rate = 0.0;         // 0: max(n / early_exaggeration / 4, 50)
  int64_t seed = 0;                   // seed of the initial map
  template <class V>
  void visit(V& v) {
    v("perplexity", perplexity, "effective number of neighbours per point");
    v("iterations", iterations, "gradient steps in all");
    v("exaggeration_iterations", exaggeration_iterations, "steps with early exaggeration");
    v("early_exaggeration", early_exaggeration, "early cluster separation factor");
    v("learning_rate", learning_rate, "step size (0: max(n / early_exaggeration / 4, 50))");
    v("seed", seed, "seed of the initial map");
  }
};

struct TsneResult {
  std::vector<double> embedding;  // n x 2, row-major
  double kl_divergence = 0;       // KL(P || Q) at the end
};

// The symmetric joint affinities P (n x n, row-major, zero diagonal, sums to 1).
// Throws ferkit::Error when n < 2, d < 1, x.size() != n * d or perplexity is not in (0, n - 1].
std::vector<double> tsne_affinities(const std::vector<float>& x, int64_t n, int64_t d, double perplexity);

TsneResult tsne(const std::vector<float>& x, int64_t n, int64_t d, const TsneOptions& options = {});

}  // namespace ferkit
