// Building a DeepMomentum for the trainer: its weight-decay grouping and the multi-frequency head.
#include <torch/torch.h>

#include "ferkit/deep_momentum.h"
#include "ferkit/error.h"

namespace ferkit {

std::unique_ptr<torch::optim::Optimizer> make_deep_momentum_optimizer(FerNet& net, const OptimizerOptions& o, double lr) {
  const auto& dm = o.deep_momentum;
  // Head blocks: the top-level FerNet modules after the backbone (projection, classifier), in order;
  // head_every[i] applies to block i (the last period to any further block; extra periods are unused).
  std::vector<std::string> blocks;
  for (auto& p : net->named_parameters()) {
    const std::string top = p.key().substr(0, p.key().find('.'));
    if (top != "backbone" && (blocks.empty() || blocks.back() != top)) blocks.push_back(top);
  }
  std::vector<torch::Tensor> decay, no_decay;
  std::vector<int64_t> decay_every, no_decay_every;
  for (auto& p : net->named_parameters()) {
    if (!p.value().requires_grad()) continue;
    int64_t every = 1;
    if (!dm.head_every.empty()) {
      const std::string top = p.key().substr(0, p.key().find('.'));
      for (size_t b = 0; b < blocks.size(); ++b)
        if (blocks[b] == top) every = dm.head_every[std::min(b, dm.head_every.size() - 1)];
    }
    const bool d = p.value().dim() > 1;  // biases and normalisation scales are not decayed
    (d ? decay : no_decay).push_back(p.value());
    (d ? decay_every : no_decay_every).push_back(every);
  }
  auto group = [&](std::vector<torch::Tensor> params, double wd) {
    auto go = std::make_unique<DeepMomentumGroupOptions>();
    go->lr = lr;
    go->weight_decay = wd;
    return torch::optim::OptimizerParamGroup(std::move(params), std::move(go));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  std::vector<int64_t> every = decay_every;
  every.insert(every.end(), no_decay_every.begin(), no_decay_every.end());
  groups.push_back(group(std::move(decay), o.weight_decay));
  if (!no_decay.empty()) groups.push_back(group(std::move(no_decay), 0.0));
  return std::make_unique<DeepMomentum>(std::move(groups), dm, lr, o.beta1, o.beta2, std::move(every));
}

}  // namespace ferkit
