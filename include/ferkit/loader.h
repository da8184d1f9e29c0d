// DataLoader: decodes, augments and batches a Dataset into torch tensors on worker threads.
//
//   ferkit::Dataset train = ferkit::read_dataset(read_opts);
//   ferkit::LoaderOptions lo;                 // batch_size 64, 2 workers, shuffle, train mode
//   ferkit::AugmentOptions aug;               // ferkit/augment.h
//   ferkit::DataLoader loader(train, model_spec, lo, aug);   // or an InputSpec
//   for (int64_t epoch = 0; epoch < epochs; ++epoch) {
//     loader.set_epoch(epoch);                // new order and augmentations, same for a given seed
//     ferkit::Batch batch;
//     while (loader.next(batch)) {
//       auto out = net->forward(batch.images);              // [B, C, H, W] float32, normalised
//       auto loss = soft_cross_entropy(out.logits, batch.targets);
//     }
//   }
//   loader.dropped_per_epoch();               // samples left out by drop_last (0 by default)
//
// Contract:
// - Determinism: a batch depends only on (seed, epoch, batch index) and the dataset, never on the
//   number of workers or their timing. Each sample's generator is seeded from (seed, epoch,
//   dataset index); the epoch order from (seed, epoch); batch mixing from (seed, epoch, batch).
// - mode = "eval": no augmentation and no mixing; images are exactly preprocess_face_into of the
//   decoded crop (after CLAHE when augment.clahe is on), the preprocessing every backend uses.
// - Epoch order: dataset order, or a seeded permutation (shuffle). With balanced = true each
//   batch is drawn with replacement (ClassBalancedSampler): an epoch is ceil(N / B) full batches.
// - Nothing is dropped silently: the last short batch is kept unless drop_last, in which case
//   dropped_per_epoch() counts the samples left out of every epoch.
// - Errors: an unreadable image is a ferkit::Error naming its path and provenance ("FER2013Train/
//   label.csv:17"), rethrown by next() on the caller's thread; the loader stays usable after
//   set_epoch(). Invalid options throw from the constructor naming the field.
// - The Dataset must outlive the loader (it is read, not copied). next() is called from one
//   thread. Workers start at set_epoch()/the first next() and prefetch up to `prefetch` batches.
// - Sharding (data-parallel training, ferkit/distributed.h): after shard(r, w) every planned batch
//   is a global batch of w * batch_size samples drawn as above (the order depends only on the
//   seed, never on the rank), and this loader yields part r of it: shard_range(n, r, w), so the w
//   ranks together see each global batch exactly once, without overlap. The last short batch of n
//   samples is split the same way (parts differ by at most one sample; a part may be empty when
//   n < w). batches_per_epoch/samples_per_epoch/dropped_per_epoch count global batches and samples.
//   Batch mixing (mixup/cutmix) pairs samples within a rank's part only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include "ferkit/augment.h"
#include "ferkit/dataset.h"
#include "ferkit/preprocess.h"

namespace ferkit {

struct ModelSpec;

struct LoaderOptions {
  int batch_size = 64;          // samples per batch
  int threads = 2;              // decode/augment worker threads (0 = on the caller's thread)
  int prefetch = 4;             // batches prepared ahead of the consumer
  int64_t seed = 0;             // seeds order, augmentation and mixing
  bool shuffle = true;          // seeded permutation per epoch (false: dataset order)
  bool drop_last = false;       // drop the last short batch (counted in dropped_per_epoch())
  std::string mode = "train";   // "train" (augment, mix) or "eval" (preprocessing only)
  bool balanced = false;        // class-balanced sampling (with replacement, >= 2 per class)
  bool cache_images = false;    // keep decoded crops in memory after their first use
  template <class V>
  void visit(V& v) {
    v("batch_size", batch_size, "samples per batch");
    v("threads", threads, "decode/augment worker threads (0 = on the caller's thread)");
    v("prefetch", prefetch, "batches prepared ahead of the consumer");
    v("seed", seed, "seeds order, augmentation and mixing");
    v("shuffle", shuffle, "seeded permutation per epoch (false: dataset order)");
    v("drop_last", drop_last, "drop the last short batch (counted in dropped_per_epoch)");
    v("mode", mode, "train (augment, mix) or eval (preprocessing only)");
    v("balanced", balanced, "class-balanced sampling (with replacement, >= 2 per class)");
    v("cache_images", cache_images, "keep decoded crops in memory after their first use");
  }
};

// One batch of B samples.
struct Batch {
  torch::Tensor images;       // [B, C, H, W] float32, (x/255 - mean) / std
  torch::Tensor targets;      // [B, 8] float32 distributions (mixed when the batch was mixed)
  torch::Tensor labels;       // [B] int64 hard labels of the samples themselves (never mixed)
  torch::Tensor indices;      // [B] int64 dataset indices
  torch::Tensor votes;        // [B, V] float32 annotator votes (mixed like targets) when every
                              // sample has V votes, else undefined
  torch::Tensor mix_lambda;   // [B] float32 weight of the sample itself (1 = not mixed)
  torch::Tensor mix_partner;  // [B] int64 row of the partner in this batch (itself = not mixed)
  int64_t batch_index = 0;    // position in the epoch
  int64_t epoch = 0;
  int64_t global_size = 0;    // samples of this batch over all ranks (= size() unless sharded)
  int64_t size() const { return indices.defined() ? indices.size(0) : 0; }
};

class DataLoader {
 public:
  // Validates the options (ferkit::Error naming the field). The input spec gives size, channels
  // (1 gray, 3 RGB) and normalisation; a ModelSpec gives the same through its fields.
  DataLoader(const Dataset& dataset, const InputSpec& input, const LoaderOptions& options,
             const AugmentOptions& augment = {});
  DataLoader(const Dataset& dataset, const ModelSpec& model, const LoaderOptions& options,
             const AugmentOptions& augment = {});
  ~DataLoader();
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  // Data-parallel sharding (see the contract); call before the first set_epoch()/next().
  // Throws an Error unless 0 <= rank < world_size.
  void shard(int rank, int world_size);
  // Starts epoch e from its first batch (abandoning any batches of the current epoch).
  void set_epoch(int64_t epoch);
  // The next batch of the current epoch; false when the epoch is over. Rethrows a worker's error.
  bool next(Batch& batch);

  int64_t epoch() const;
  int64_t batches_per_epoch() const;
  int64_t samples_per_epoch() const;   // sum of batch sizes in one epoch
  int64_t dropped_per_epoch() const;   // samples left out by drop_last in every epoch
  const LoaderOptions& options() const;
  const InputSpec& input() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The evaluation path for in-memory crops: [N, C, size, size] float32 through
// preprocess_face_into, for batched inference (8-bit gray or BGR crops of any size).
torch::Tensor images_to_tensor(const std::vector<cv::Mat>& crops, const InputSpec& input);

}  // namespace ferkit
