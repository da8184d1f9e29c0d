// The switches of the `deep_momentum` optimiser ([optim.deep_momentum] in a recipe; torch-free so
// train_options.h can hold it). The optimiser itself: ferkit/deep_momentum.h.
//
//   [optim]  name = "deep_momentum"
//   [optim.deep_momentum]  base = "sgd"  memory_training = "local"  hidden = 32  depth = 1
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ferkit {

struct DeepMomentumOptions {
  std::string base = "sgd";               // sgd (momentum replaced) | adamw (first moment replaced)
  std::string memory_training = "local";  // local (first-order associative loss) | meta (one unrolled step) | none
  int hidden = 32;                        // hidden width of the element-wise memory MLP (>= 1)
  int depth = 1;                          // hidden layers of the memory MLP (>= 1)
  bool second_moment = false;             // also feed sqrt(v_t) (the second moment) to the memory
  double memory_lr = 1e-3;                // Adam step size of the memory's own weights
  bool envelope = true;                   // clip the update element-wise to |g_t| + beta1 |m_{t-1}| (classical momentum's reach)
  int meta_every = 1;                     // meta: one meta-gradient step every k optimiser steps
  int accumulate_steps = 1;               // gradient accumulation: one update per n step() calls
  std::vector<int64_t> head_every;        // multi-frequency head: block i of the head updated every head_every[i] steps ([] = all every step)
  std::string precision = "fp32";         // memory arithmetic: fp32 | bf16 | fp16 (bf16/fp16 only on a CUDA build)
  template <class V>
  void visit(V& v) {
    v("base", base, "sgd | adamw: which optimiser's momentum the memory replaces");
    v("memory_training", memory_training, "local | meta | none: how the memory's weights learn");
    v("hidden", hidden, "hidden width of the memory MLP (>= 1)");
    v("depth", depth, "hidden layers of the memory MLP (>= 1)");
    v("second_moment", second_moment, "feed sqrt(v_t) to the memory as a third input");
    v("memory_lr", memory_lr, "Adam step size of the memory's weights");
    v("envelope", envelope, "clip each update element to |g| + beta1 |m| (what classical momentum can reach)");
    v("meta_every", meta_every, "meta: a meta-gradient step every k optimiser steps");
    v("accumulate_steps", accumulate_steps, "gradient accumulation: one update per n steps");
    v("head_every", head_every, "multi-frequency head: update period of each head block, in steps");
    v("precision", precision, "memory arithmetic: fp32 | bf16 | fp16 (GPU builds only for the last two)");
  }
};

}  // namespace ferkit
