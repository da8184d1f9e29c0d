#include "ferkit/weight_ema.h"

#include <torch/torch.h>

#include "ferkit/error.h"

namespace ferkit {

WeightEma::WeightEma(torch::nn::Module& model, double decay) : decay_(decay) {
  FERKIT_CHECK(decay > 0 && decay < 1, "ema_decay must be in (0, 1), got " << decay);
  torch::NoGradGuard g;
  for (const auto& p : model.named_parameters()) shadow_[p.key()] = p.value().detach().clone();
  for (const auto& b : model.named_buffers()) shadow_[b.key()] = b.value().detach().clone();
}

void WeightEma::update(torch::nn::Module& model) {
  torch::NoGradGuard g;
  for (const auto& p : model.named_parameters()) shadow_.at(p.key()).mul_(decay_).add_(p.value().detach(), 1.0 - decay_);
  for (const auto& b : model.named_buffers()) shadow_.at(b.key()).copy_(b.value());
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
