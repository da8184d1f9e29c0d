// ClassBalancedSampler: batches in which every class is seen, for imbalanced data (FERPlus has
// ~100x more happiness than contempt).
//
//   std::vector<int> labels = ...;                      // hard label per dataset index
//   ferkit::ClassBalancedSampler sampler(labels);
//   ferkit::AugmentRng rng(ferkit::derive_seed(seed, epoch, 0, 1));
//   auto batches = sampler.epoch(/*num_batches=*/100, /*batch_size=*/32, rng);
//   // batches[b]: 32 dataset indices; each present class at least twice when 32 >= 2 * classes
//
// Contract:
// - Draws with replacement. Sampling weight of a sample = 1 / (count of its class): every present
//   class is equally likely per draw; within a class the samples are visited in a shuffled cycle
//   (each sample once before any repeats), reshuffled when the cycle ends.
// - When batch_size >= 2 * present classes, every batch first takes two samples of each present
//   class, then fills the rest by weighted draws; the batch is then shuffled. Smaller batches are
//   filled by weighted draws alone (no per-batch guarantee is possible).
// - Deterministic given the generator state.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "ferkit/augment.h"
#include "ferkit/taxonomy.h"

namespace ferkit {

class ClassBalancedSampler {
 public:
  // labels[i]: class of dataset index i, in [0, kNumClasses). Throws ferkit::Error naming the
  // first index with a label out of range, or when labels is empty.
  explicit ClassBalancedSampler(const std::vector<int>& labels);

  // num_batches batches of batch_size dataset indices each.
  std::vector<std::vector<int64_t>> epoch(int64_t num_batches, int batch_size, AugmentRng& rng) const;

  // Classes with at least one sample, ascending.
  const std::vector<int>& present_classes() const { return present_; }
  // True when batch_size leaves room for two samples of every present class.
  bool guarantees_two_per_class(int batch_size) const;
  // Per-sample weight 1 / (count of its class), normalised to sum to 1.
  std::vector<double> sample_weights() const;

 private:
  std::vector<int> labels_;
  std::array<std::vector<int64_t>, kNumClasses> members_;
  std::vector<int> present_;
};

}  // namespace ferkit
