// Exponential moving average of a model's weights (Polyak averaging), kept beside the model.
//
//   ferkit::WeightEma ema(*net, 0.999);
//   ... optimizer.step(); ema.update(*net);
//   ema.swap_into(*net);   // evaluate / save the averaged weights; swap_into again to go back
//
// Parameters are averaged; buffers (BatchNorm running statistics) are copied, as timm does.
#pragma once

#include <map>
#include <string>

#include <torch/nn/module.h>
#include <torch/types.h>

namespace ferkit {

class WeightEma {
 public:
  WeightEma(torch::nn::Module& model, double decay);
  void update(torch::nn::Module& model);
  // Exchanges the model's weights with the averaged ones.
  void swap_into(torch::nn::Module& model);
  double decay() const { return decay_; }
  std::map<std::string, torch::Tensor>& shadow() { return shadow_; }

 private:
  double decay_;
  std::map<std::string, torch::Tensor> shadow_;
};

}  // namespace ferkit
