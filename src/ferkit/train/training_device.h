// Where the trainer computes (internal): the device from the recipe, batches moved there (pinned
// first, images channels-last), and the float16 autocast scope of AMP. CPU runs never touch CUDA:
// everything CUDA-only is decided at runtime (torch::cuda::is_available()), so a CPU LibTorch
// compiles and runs this file unchanged.
#pragma once

#include <string>

#include <torch/types.h>

#include "ferkit/distributed.h"
#include "ferkit/loader.h"

namespace ferkit {

// "cpu", "cuda" (cuda:LOCAL_RANK on a data-parallel rank, else cuda:0) or "cuda:N". An Error
// naming the recipe field when CUDA is asked for but absent, or amp is asked for on the CPU.
torch::Device training_device(const std::string& spec, bool amp, const DistributedOptions& d);
// Pins the host tensors and copies them to device without blocking; images channels-last.
void batch_to_device(Batch& batch, const torch::Device& device);
// 4-D parameters and buffers to channels-last (convolution weights; faster with cuDNN).
void module_to_channels_last(torch::nn::Module& net);

// Float16 autocast (CUDA) while alive; a no-op scope when disabled.
class AutocastScope {
 public:
  explicit AutocastScope(bool enabled);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool enabled_;
};

}  // namespace ferkit
