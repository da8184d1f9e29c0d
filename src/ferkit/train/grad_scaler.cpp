// GradScaler (see the header): hand-written because LibTorch 1.13's C++ API has no gradient
// scaler (torch.cuda.amp.GradScaler is Python); the inf check is one fused reduction per step.
#include "ferkit/grad_scaler.h"

#include <torch/torch.h>

#include <algorithm>

#include "ferkit/error.h"

namespace ferkit {

GradScaler::GradScaler(GradScalerOptions o) : options_(o), scale_(o.init_scale) {
  if (!(o.init_scale > 0)) throw Error("grad scaler init_scale", "a value > 0", std::to_string(o.init_scale));
  if (!(o.growth_factor > 1)) throw Error("grad scaler growth_factor", "a value > 1", std::to_string(o.growth_factor));
  if (!(o.backoff_factor > 0 && o.backoff_factor < 1))
    throw Error("grad scaler backoff_factor", "a value in (0, 1)", std::to_string(o.backoff_factor));
  if (o.growth_interval < 1) throw Error("grad scaler growth_interval", "a value >= 1", std::to_string(o.growth_interval));
}

torch::Tensor GradScaler::scale(const torch::Tensor& loss) const {
  return options_.enabled ? loss * scale_ : loss;
}

bool GradScaler::unscale(const std::vector<torch::Tensor>& params) {
  if (!options_.enabled || unscaled_) return !found_inf_;
  torch::NoGradGuard g;
  std::vector<torch::Tensor> bad;
  const double inv = 1.0 / scale_;
  for (const auto& p : params) {
    if (!p.grad().defined()) continue;
    torch::Tensor grad = p.grad();
    grad.mul_(inv);
    bad.push_back(torch::isfinite(grad).logical_not().any());
  }
  found_inf_ = !bad.empty() && torch::stack(bad).any().item<bool>();
  unscaled_ = true;
  return !found_inf_;
}

bool GradScaler::step(torch::optim::Optimizer& opt, const std::vector<torch::Tensor>& params) {
  if (!options_.enabled) {
    opt.step();
    return true;
  }
  if (!unscale(params)) {
    ++skipped_;
    return false;
  }
  opt.step();
  return true;
}

void GradScaler::update() {
  if (!options_.enabled) return;
  if (found_inf_) {
    scale_ = std::max(options_.min_scale, scale_ * options_.backoff_factor);
    clean_steps_ = 0;
  } else if (++clean_steps_ >= options_.growth_interval) {
    scale_ *= options_.growth_factor;
    clean_steps_ = 0;
  }
  unscaled_ = false;
  found_inf_ = false;
}

void GradScaler::load_state(double scale, int growth_tracker) {
  if (!(scale > 0)) throw Error("grad scaler state", "a scale > 0", std::to_string(scale));
  scale_ = scale;
  clean_steps_ = growth_tracker;
}

}  // namespace ferkit
