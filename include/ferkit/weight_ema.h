// Exponential moving average of a model's weights (Polyak averaging), kept beside the model.
//
//   ferkit::WeightEma ema(*net, 0.999);
//   ... optimizer.step(); ema.update(*net);
//   ema.swap_into(*net);   // evaluate / save the averaged weights; swap_into again to go back
//
// Parameters and floating-point buffers (BatchNorm running statistics) are averaged together, so
// the averaged weights meet matching normalisation statistics; integer buffers are copied. The
// decay warms up as min(decay, (1 + n) / (10 + n)) after n updates (as TensorFlow's
// ExponentialMovingAverage with num_updates): early in training the average does not stay anchored
// to the random initialisation.
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
  // The decay the next update will use.
  double current_decay() const;
  int64_t updates() const { return updates_; }
  void set_updates(int64_t n) { updates_ = n; }
  // Exchanges the model's weights with the averaged ones.
  void swap_into(torch::nn::Module& model);
  double decay() const { return decay_; }
  std::map<std::string, torch::Tensor>& shadow() { return shadow_; }

 private:
  double decay_;
  int64_t updates_ = 0;
  std::map<std::string, torch::Tensor> shadow_;
};

}  // namespace ferkit
