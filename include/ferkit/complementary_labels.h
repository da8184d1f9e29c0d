// Negative (complementary-label) learning: the loss and the sources of complementary labels.
//
// A complementary label ybar is a class a sample is *not*. The loss pushes its probability down:
//   L_i = (1 / |S_i|) sum_{ybar in S_i} -log(1 - p_ybar),  L = mean of L_i over rows with S_i non-empty
//
//   torch::Tensor mask = ferkit::draw_uniform_complementary(labels, 8, 1, rng);      // [B, K] 0/1
//   torch::Tensor l = ferkit::negative_learning_loss(logits, mask);
//   torch::Tensor from_votes = ferkit::draw_vote_complementary(votes, labels, 8, /*k=*/0, rng);
//
// Every draw takes a std::mt19937_64 seeded by complementary_seed(seed, epoch, step), so a run is
// reproducible and does not depend on torch's global generator. Rows that get no complementary
// label (a `votes` row where every class got votes) contribute nothing; the draw counts them.
// The recipe term "negative" (src/ferkit/losses/negative.cpp) wraps these; docs/research.md has
// the formulas and switches.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <torch/types.h>

namespace ferkit {

// -log(1 - p_c) averaged over the classes with mask > 0 in each row (mask [B, K], 0/1 or
// weights), then over rows with at least one such class. Computed as
// logsumexp(z) - logsumexp_{j != c}(z_j), which stays finite when p_c -> 1. Zero when no row has
// a complementary label.
torch::Tensor negative_learning_loss(const torch::Tensor& logits, const torch::Tensor& mask);

// A generator seed that depends only on (seed, epoch, step).
uint64_t complementary_seed(int64_t seed, int64_t epoch, int64_t step);

struct ComplementaryDraw {
  torch::Tensor mask;            // [B, K] float32, 1 where the class is a complementary label
  int64_t rows_without = 0;      // rows that got no complementary label (they add nothing)
};

// `uniform`: k distinct classes drawn uniformly from the classes != y (k clipped to K - 1).
ComplementaryDraw draw_uniform_complementary(const torch::Tensor& labels, int64_t num_classes, int k,
                                             std::mt19937_64& rng);

// A FERPlus vote count counts as a vote only above 1 (the outlier rule: a single vote is none).
bool counts_as_vote(float votes);
// `votes`: the classes c < K with no vote (after the outlier rule) and c != y; all of them (k = 0)
// or k drawn uniformly without replacement. votes [B, V >= K] as the loader gives them.
ComplementaryDraw draw_vote_complementary(const torch::Tensor& votes, const torch::Tensor& labels,
                                          int64_t num_classes, int k, std::mt19937_64& rng);

// `teacher`: k distinct classes c != y drawn with probability proportional to weights[i][c]
// (weights [B, K]: a confusion-matrix row C[y] per sample, or a teacher's probabilities). A row
// whose off-diagonal weights are all zero falls back to uniform and is counted in rows_without.
ComplementaryDraw draw_weighted_complementary(const torch::Tensor& weights, const torch::Tensor& labels, int k,
                                              std::mt19937_64& rng);

// A K x K confusion matrix (rows = true class, columns = predicted) from a file: JSON (an array
// of K arrays, or an object holding one under "confusion" at any depth, as a run's metrics.json)
// or CSV (K rows of K numbers; a header row and a leading label column are skipped). Errors name
// the file and row.
std::vector<std::vector<double>> read_confusion_matrix(const std::filesystem::path& file, int num_classes);

// The NLNL schedule (Kim et al. 2019): NL (negative learning on every sample) for nl_epochs,
// then SelNL (negative learning only on samples with p_y > selnl_threshold) for selnl_epochs,
// then SelPL (cross-entropy only on samples with p_y > selpl_threshold) for the rest.
enum class NlnlPhase { kNegative, kSelectiveNegative, kSelectivePositive };
NlnlPhase nlnl_phase(int epoch, int nl_epochs, int selnl_epochs);
const char* nlnl_phase_name(NlnlPhase phase);

}  // namespace ferkit
