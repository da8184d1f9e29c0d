#include "ferkit/weight_ema.h"

#include <torch/torch.h>

#include <algorithm>

#include "ferkit/error.h"

namespace ferkit {

WeightEma::WeightEma(torch::nn::Module& model, double decay) : decay_(decay) {
  FERKIT_CHECK(decay > 0 && decay < 1, "ema_decay must be in (0, 1), got " << decay);
  torch::NoGradGuard g;
  for (const auto& p : model.named_parameters()) shadow_[p.key()] = p.value().detach().clone();
  for (const auto& b : model.named_buffers()) shadow_[b.key()] = b.value().detach().clone();
}

double WeightEma::current_decay() const {
  return std::min(decay_, (1.0 + static_cast<double>(updates_)) / (10.0 + static_cast<double>(updates_)));
}

void WeightEma::update(torch::nn::Module& model) {
  torch::NoGradGuard g;
  const double d = current_decay();
  for (const auto& p : model.named_parameters()) shadow_.at(p.key()).mul_(d).add_(p.value().detach(), 1.0 - d);
  for (const auto& b : model.named_buffers()) {
    torch::Tensor& s = shadow_.at(b.key());
    if (s.is_floating_point()) s.mul_(d).add_(b.value(), 1.0 - d);
    else s.copy_(b.value());
  }
  ++updates_;
}

void WeightEma::swap_into(torch::nn::Module& model) {
  torch::NoGradGuard g;
  auto swap = [&](const std::string& name, torch::Tensor t) {
    torch::Tensor tmp = t.detach().clone();
    t.copy_(shadow_.at(name));
    shadow_.at(name).copy_(tmp);
  };
  for (const auto& p : model.named_parameters()) swap(p.key(), p.value());
  for (const auto& b : model.named_buffers()) swap(b.key(), b.value());
}

}  // namespace ferkit
