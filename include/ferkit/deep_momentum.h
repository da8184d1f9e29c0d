// `deep_momentum`: SGD (or AdamW) whose momentum buffer is replaced by a small memory network
// applied element-wise — the deep-momentum optimiser of the nested-learning formulation.
//
//   ferkit::DeepMomentumOptions o;              // base = "sgd", memory_training = "local", hidden 32, depth 1
//   ferkit::DeepMomentum opt(model->parameters(), o, /*lr=*/0.01, /*beta1=*/0.9);
//   loss.backward();  opt.step();               // a torch::optim::Optimizer: zero_grad(), step(), set_lr
//
// Per element of every parameter (one MLP shared by all of them), with s = RMS of (g_t, m_{t-1})
// over the tensor (so the memory sees unit-scale inputs):
//   x_t = (g_t / s, m_{t-1} / s [, sqrt(v_hat_t) / s])
//   m_t = clip(s * M_phi(x_t), +-(|g_t| + beta1 |m_{t-1}|)),
//   M_phi(x) = a . x + w_out . h_D(x),  h_l = tanh(W_l h_{l-1}), h_0 = x   (no biases)
//   (odd: M_phi(-x) = -M_phi(x), M_phi(0) = 0; the clip, `envelope`, keeps any phi from compounding
//   its own momentum beyond what classical momentum reaches)
//   sgd:   theta -= lr * m_t                               (weight decay added to g_t, as torch's SGD)
//   adamw: theta *= 1 - lr * wd;  theta -= lr * (1 - beta1) / (1 - beta1^t) * m_t / (sqrt(v_hat_t) + eps)
// Initialised with a = (1, beta1, 0) and w_out = 0, the memory *is* classical momentum
// (m_t = beta1 m_{t-1} + g_t); training moves it away from that. The memory learns by
//   local: an associative-memory loss (first order): the memory maps the previous state x_{t-1}
//          to the incoming gradient, || M_phi(x_{t-1}) - g_t / ((1 - beta1) s_{t-1}) ||^2 (the
//          classical momentum is its fixed point on a constant gradient stream);
//   meta:  the loss after the update: d L(theta_{t-1} - lr u_{t-1}(phi)) / d phi
//          = -lr (d u_{t-1} / d phi)^T grad L(theta_t), one unrolled step, every meta_every steps
//          (with a closure: the same batch re-evaluated after the update; without: the next batch).
// Memory-saving switches: accumulate_steps, hidden/depth, head_every (multi-frequency head:
// blocks updated every f steps with their mean gradient), precision (bf16/fp16 on GPU builds).
// Errors: hidden or depth 0, no parameter that requires a gradient, a meta step when no parameter
// has a gradient. docs/research.md has the derivations and the memory analysis.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/optim/adam.h>
#include <torch/optim/optimizer.h>

#include "ferkit/deep_momentum_options.h"
#include "ferkit/model.h"
#include "ferkit/train_options.h"

namespace ferkit {

// The element-wise memory M_phi: [N, inputs] -> [N].
struct MemoryMlp {
  torch::Tensor skip;                 // a [inputs]: the linear path
  std::vector<torch::Tensor> weight;  // W_l [hidden, in]; no biases anywhere: M_phi is odd
  torch::Tensor out_weight;           // w_out [hidden]
  std::vector<torch::Tensor> parameters() const;
  torch::Tensor forward(const torch::Tensor& x) const;
  int64_t numel() const;
};

struct DeepMomentumGroupOptions : public torch::optim::OptimizerCloneableOptions<DeepMomentumGroupOptions> {
  double lr = 1e-2;
  double weight_decay = 0.0;
  double get_lr() const override { return lr; }
  void set_lr(const double v) override { lr = v; }
};

class DeepMomentum : public torch::optim::Optimizer {
 public:
  // One group per entry of groups (lr and weight decay per group); update_every[i] (optional,
  // parallel to the flattened parameters) gives a parameter's period in steps (multi-frequency).
  DeepMomentum(std::vector<torch::optim::OptimizerParamGroup> groups, const DeepMomentumOptions& options,
               double lr, double beta1, double beta2 = 0.999, std::vector<int64_t> update_every = {});
  DeepMomentum(std::vector<torch::Tensor> params, const DeepMomentumOptions& options, double lr, double beta1,
               double beta2 = 0.999);
  // Without a closure: memory learning from the incoming gradients, then the update. With one:
  // the update, the closure (re-evaluates the loss and calls backward at the new parameters), then
  // memory learning from those gradients. Returns the closure's loss (or an undefined tensor).
  torch::Tensor step(LossClosure closure = nullptr) override;
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;

  MemoryMlp& memory() { return memory_; }
  // d(objective)/d(phi) of the last memory-learning step, one tensor per memory parameter.
  const std::vector<torch::Tensor>& last_memory_gradient() const { return last_memory_grad_; }
  int64_t memory_steps() const { return memory_steps_; }

 private:
  struct Slot;
  void learn_memory();
  DeepMomentumOptions o_;
  double beta1_, beta2_;
  MemoryMlp memory_;
  std::unique_ptr<torch::optim::Adam> memory_opt_;
  std::vector<std::shared_ptr<Slot>> slots_;  // parallel to the flattened parameters
  std::vector<torch::Tensor> last_memory_grad_;
  int64_t calls_ = 0, memory_steps_ = 0;
};

// The trainer's factory: a DeepMomentum over net's parameters with the trainer's grouping
// (weight decay on >= 2-D parameters only) and, when head_every is set, the head's blocks (the
// FerNet modules after the backbone, in order) at their periods.
std::unique_ptr<torch::optim::Optimizer> make_deep_momentum_optimizer(FerNet& net, const OptimizerOptions& o, double lr);

}  // namespace ferkit
