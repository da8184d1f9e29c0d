// Class-balanced batches: two of each present class per batch, the rest drawn with weights
// inverse to class frequency (see include/ferkit/balanced_sampler.h). torch::multinomial would
// draw the weighted part but not the per-batch guarantee, and it would need torch's generator
// instead of the loader's seeded AugmentRng.
#include "ferkit/balanced_sampler.h"

#include <algorithm>
#include <numeric>

#include "ferkit/error.h"

namespace ferkit {
namespace {

// Hands out the members of one class in shuffled cycles.
struct ClassCycle {
  std::vector<int64_t> order;
  size_t next = 0;
  int64_t draw(AugmentRng& rng) {
    if (next == order.size()) {
      std::shuffle(order.begin(), order.end(), rng);
      next = 0;
    }
    return order[next++];
  }
};

}  // namespace

ClassBalancedSampler::ClassBalancedSampler(const std::vector<int>& labels) : labels_(labels) {
  if (labels_.empty()) throw Error("class-balanced sampler", "a dataset with at least one sample", "an empty one");
  for (size_t i = 0; i < labels_.size(); ++i) {
    const int c = labels_[i];
    if (c < 0 || c >= kNumClasses)
      throw Error("class-balanced sampler: sample " + std::to_string(i),
                  "a label in [0, " + std::to_string(kNumClasses) + ")", std::to_string(c));
    members_[c].push_back(static_cast<int64_t>(i));
  }
  for (int c = 0; c < kNumClasses; ++c)
    if (!members_[c].empty()) present_.push_back(c);
}

bool ClassBalancedSampler::guarantees_two_per_class(int batch_size) const {
  return batch_size >= 2 * static_cast<int>(present_.size());
}

std::vector<double> ClassBalancedSampler::sample_weights() const {
  std::vector<double> w(labels_.size());
  const double per_class = 1.0 / static_cast<double>(present_.size());
  for (size_t i = 0; i < labels_.size(); ++i) w[i] = per_class / static_cast<double>(members_[labels_[i]].size());
  return w;
}

std::vector<std::vector<int64_t>> ClassBalancedSampler::epoch(int64_t num_batches, int batch_size,
                                                              AugmentRng& rng) const {
  FERKIT_CHECK(batch_size > 0, "class-balanced sampler: batch size must be > 0, got " << batch_size);
  FERKIT_CHECK(num_batches >= 0, "class-balanced sampler: number of batches must be >= 0, got " << num_batches);
  std::array<ClassCycle, kNumClasses> cycles;
  for (int c : present_) {
    cycles[c].order = members_[c];
    cycles[c].next = cycles[c].order.size();  // shuffle before the first draw
  }
  const bool guarantee = guarantees_two_per_class(batch_size);
  std::uniform_int_distribution<size_t> pick_class(0, present_.size() - 1);
  std::vector<std::vector<int64_t>> batches(static_cast<size_t>(num_batches));
  for (auto& batch : batches) {
    batch.reserve(batch_size);
    if (guarantee)
      for (int c : present_)
        for (int k = 0; k < 2; ++k) batch.push_back(cycles[c].draw(rng));
    // Uniform over present classes, then uniform within the class = weight 1 / class count.
    while (static_cast<int>(batch.size()) < batch_size) batch.push_back(cycles[present_[pick_class(rng)]].draw(rng));
    std::shuffle(batch.begin(), batch.end(), rng);
  }
  return batches;
}

}  // namespace ferkit
