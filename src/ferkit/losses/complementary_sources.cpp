// Where complementary labels come from: uniform over the other classes, the FERPlus classes no
// annotator voted for, or a confusion/teacher-weighted draw. Draws use std::mt19937_64 (not
// torch's generator) so they depend only on (seed, epoch, step) and are cheap per row.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "ferkit/complementary_labels.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

// splitmix64: decorrelates nearby (seed, epoch, step) triples.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::vector<int64_t> labels_of(const torch::Tensor& labels, const char* what) {
  FERKIT_CHECK(labels.defined() && labels.dim() == 1, what << ": labels must be a 1-D tensor");
  torch::Tensor l = labels.to(torch::kLong).contiguous().cpu();
  return std::vector<int64_t>(l.data_ptr<int64_t>(), l.data_ptr<int64_t>() + l.numel());
}

// k distinct draws from candidates (all when k <= 0 or k >= size), by a partial Fisher-Yates.
void take(std::vector<int64_t>& candidates, int k, std::mt19937_64& rng, float* row) {
  const size_t n = candidates.size();
  const size_t want = k <= 0 ? n : std::min<size_t>(n, static_cast<size_t>(k));
  for (size_t i = 0; i < want; ++i) {
    std::uniform_int_distribution<size_t> pick(i, n - 1);
    std::swap(candidates[i], candidates[pick(rng)]);
    row[candidates[i]] = 1.0f;
  }
}

}  // namespace

uint64_t complementary_seed(int64_t seed, int64_t epoch, int64_t step) {
  return mix(mix(mix(static_cast<uint64_t>(seed)) ^ static_cast<uint64_t>(epoch)) ^ static_cast<uint64_t>(step));
}

bool counts_as_vote(float votes) { return votes > 1.0f + 1e-6f; }

ComplementaryDraw draw_uniform_complementary(const torch::Tensor& labels, int64_t num_classes, int k,
                                             std::mt19937_64& rng) {
  FERKIT_CHECK(num_classes >= 2, "uniform complementary labels need at least 2 classes, got " << num_classes);
  FERKIT_CHECK(k >= 1, "uniform complementary labels: k must be >= 1, got " << k);
  auto y = labels_of(labels, "uniform complementary labels");
  ComplementaryDraw d;
  d.mask = torch::zeros({static_cast<int64_t>(y.size()), num_classes}, torch::kFloat32);
  float* m = d.mask.data_ptr<float>();
  for (size_t i = 0; i < y.size(); ++i) {
    std::vector<int64_t> candidates;
    for (int64_t c = 0; c < num_classes; ++c)
      if (c != y[i]) candidates.push_back(c);
    take(candidates, k, rng, m + i * num_classes);
  }
  return d;
}

ComplementaryDraw draw_vote_complementary(const torch::Tensor& votes, const torch::Tensor& labels, int64_t num_classes,
                                          int k, std::mt19937_64& rng) {
  FERKIT_CHECK(votes.defined(), "complementary source 'votes' needs annotator votes, but the batch has none");
  FERKIT_CHECK(votes.dim() == 2 && votes.size(1) >= num_classes,
               "complementary source 'votes': expected votes [B, >= " << num_classes << "], got " << votes.sizes());
  FERKIT_CHECK(k >= 0, "complementary source 'votes': k must be >= 0 (0 = all), got " << k);
  auto y = labels_of(labels, "complementary source 'votes'");
  FERKIT_CHECK(static_cast<int64_t>(y.size()) == votes.size(0),
               "complementary source 'votes': " << votes.size(0) << " vote rows for " << y.size() << " labels");
  torch::Tensor v = votes.to(torch::kFloat32).contiguous().cpu();
  const int64_t width = v.size(1);
  const float* pv = v.data_ptr<float>();
  ComplementaryDraw d;
  d.mask = torch::zeros({static_cast<int64_t>(y.size()), num_classes}, torch::kFloat32);
  float* m = d.mask.data_ptr<float>();
  for (size_t i = 0; i < y.size(); ++i) {
    std::vector<int64_t> candidates;
    for (int64_t c = 0; c < num_classes; ++c)
      if (c != y[i] && !counts_as_vote(pv[i * width + c])) candidates.push_back(c);
    if (candidates.empty()) ++d.rows_without;
    take(candidates, k, rng, m + i * num_classes);
  }
  return d;
}

ComplementaryDraw draw_weighted_complementary(const torch::Tensor& weights, const torch::Tensor& labels, int k,
                                              std::mt19937_64& rng) {
  FERKIT_CHECK(weights.defined() && weights.dim() == 2, "weighted complementary labels: weights must be [B, K]");
  FERKIT_CHECK(k >= 1, "weighted complementary labels: k must be >= 1, got " << k);
  auto y = labels_of(labels, "weighted complementary labels");
  FERKIT_CHECK(static_cast<int64_t>(y.size()) == weights.size(0),
               "weighted complementary labels: " << weights.size(0) << " weight rows for " << y.size() << " labels");
  const int64_t kc = weights.size(1);
  torch::Tensor w = weights.detach().to(torch::kFloat64).contiguous().cpu();
  const double* pw = w.data_ptr<double>();
  ComplementaryDraw d;
  d.mask = torch::zeros({static_cast<int64_t>(y.size()), kc}, torch::kFloat32);
  float* m = d.mask.data_ptr<float>();
  for (size_t i = 0; i < y.size(); ++i) {
    std::vector<double> row(pw + i * kc, pw + (i + 1) * kc);
    if (y[i] >= 0 && y[i] < kc) row[y[i]] = 0.0;
    for (double& x : row) {
      FERKIT_CHECK(std::isfinite(x) && x >= 0, "weighted complementary labels: row " << i << " has a weight " << x);
    }
    if (std::accumulate(row.begin(), row.end(), 0.0) <= 0) {  // nothing to follow: uniform, counted
      ++d.rows_without;
      for (int64_t c = 0; c < kc; ++c) row[c] = c == y[i] ? 0.0 : 1.0;
    }
    // k distinct classes: draw, remove, renormalise.
    for (int j = 0; j < std::min<int64_t>(k, kc - 1); ++j) {
      if (std::accumulate(row.begin(), row.end(), 0.0) <= 0) break;
      std::discrete_distribution<int64_t> pick(row.begin(), row.end());
      const int64_t c = pick(rng);
      m[i * kc + c] = 1.0f;
      row[c] = 0.0;
    }
  }
  return d;
}

NlnlPhase nlnl_phase(int epoch, int nl_epochs, int selnl_epochs) {
  if (epoch < nl_epochs) return NlnlPhase::kNegative;
  if (epoch < nl_epochs + selnl_epochs) return NlnlPhase::kSelectiveNegative;
  return NlnlPhase::kSelectivePositive;
}

const char* nlnl_phase_name(NlnlPhase phase) {
  switch (phase) {
    case NlnlPhase::kNegative: return "nl";
    case NlnlPhase::kSelectiveNegative: return "selnl";
    default: return "selpl";
  }
}

}  // namespace ferkit
