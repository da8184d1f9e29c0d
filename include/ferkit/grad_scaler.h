// Dynamic loss scaling for mixed-precision training (LibTorch 1.13 has no C++ GradScaler; this
// follows torch.cuda.amp.GradScaler's rules).
//
//   ferkit::GradScaler scaler;                       // scale 65536, x2 every 2000 clean steps, x0.5 on inf
//   scaler.scale(loss).backward();                   // gradients are scale x the true ones
//   group->average_gradients(params, share);         // (data-parallel) an inf anywhere reaches all ranks
//   if (scaler.unscale(params)) clip_grad_norm_(params, 1.0);   // true gradients, all finite
//   scaler.step(opt);                                // opt.step() unless a gradient was inf/nan
//   scaler.update();                                 // shrink after an overflow, grow after a clean run
//
// Contract: unscale() divides every defined gradient by the scale once per step and records
// whether any gradient holds inf or nan; step() skips the optimiser step then (and counts it);
// update() multiplies the scale by backoff_factor after a skipped step, by growth_factor after
// growth_interval consecutive clean steps, and never lets it fall below min_scale. Disabled
// (enabled = false), every call is the identity and step() always steps.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace torch::optim { class Optimizer; }

namespace ferkit {

struct GradScalerOptions {
  bool enabled = true;          // false: no scaling (float32 training)
  double init_scale = 65536.0;  // first loss scale (2^16, as torch)
  double growth_factor = 2.0;   // scale multiplier after growth_interval clean steps
  double backoff_factor = 0.5;  // scale multiplier after a step with inf/nan gradients
  int growth_interval = 2000;   // clean steps between growths
  double min_scale = 1.0;       // lower bound of the scale
};

class GradScaler {
 public:
  explicit GradScaler(GradScalerOptions options = {});
  torch::Tensor scale(const torch::Tensor& loss) const;
  // Divides the gradients by the scale; returns true when all are finite.
  bool unscale(const std::vector<torch::Tensor>& params);
  // opt.step() unless unscale() found inf/nan (unscales first if it was not called). Returns
  // whether the optimiser stepped.
  bool step(torch::optim::Optimizer& opt, const std::vector<torch::Tensor>& params);
  // Adjusts the scale after the step and resets the per-step state.
  void update();

  double current_scale() const { return scale_; }
  int64_t skipped_steps() const { return skipped_; }
  int growth_tracker() const { return clean_steps_; }
  // For checkpoints: scale and clean-step count.
  void load_state(double scale, int growth_tracker);

 private:
  GradScalerOptions options_;
  double scale_;
  int clean_steps_ = 0;
  int64_t skipped_ = 0;
  bool unscaled_ = false;
  bool found_inf_ = false;
};

}  // namespace ferkit
