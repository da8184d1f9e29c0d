// What the trainer does differently on a data-parallel run (internal): the state every rank must
// share, the per-epoch sums it reduces, and frozen BatchNorm (batch statistics over a rank's part
// of a batch differ from those over the global batch; frozen layers use their running statistics).
#pragma once

#include <map>
#include <string>

#include <torch/types.h>

#include "ferkit/distributed.h"
#include "ferkit/model.h"

namespace torch::optim { class Optimizer; }

namespace ferkit {

class WeightEma;
struct TrainState;

// Parameters, then buffers, in registration order (the same on every rank).
std::vector<torch::Tensor> model_state_tensors(torch::nn::Module& net);
// After rank 0 restored a resume (or built the model): its weights, buffers, optimiser and EMA
// states and train state on every rank.
void share_training_state(DataParallelGroup& group, FerNet& net, torch::optim::Optimizer& opt, WeightEma* ema,
                          TrainState& state, torch::Device device = torch::kCPU);
// Sums an epoch's running totals over the ranks (in place).
void reduce_epoch_sums(DataParallelGroup& group, double& loss_sum, int64_t& seen, int64_t& correct,
                       std::map<std::string, double>& term_sums);
// Puts every BatchNorm layer in eval mode (running statistics, no updates); the affine weights train.
void freeze_batchnorm(torch::nn::Module& net);

}  // namespace ferkit
