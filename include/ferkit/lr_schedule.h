// Learning-rate schedule: linear warm-up, then cosine decay (or constant), evaluated per step.
//
//   ferkit::LrSchedule s{opts, steps_per_epoch, epochs};
//   double lr = s.at(step);       // step counts optimiser steps from 0
#pragma once

#include <cstdint>
#include <string>

namespace ferkit {

struct ScheduleOptions {
  std::string kind = "cosine";  // cosine | constant
  double lr = 2e-3;             // peak learning rate (reached at the end of warm-up)
  double warmup_epochs = 1.0;   // linear warm-up from lr * warmup_start
  double warmup_start = 0.01;   // fraction of lr the warm-up starts from
  double min_lr_ratio = 0.01;   // cosine floor as a fraction of lr
  template <class V>
  void visit(V& v) {
    v("kind", kind, "cosine | constant");
    v("lr", lr, "peak learning rate");
    v("warmup_epochs", warmup_epochs, "linear warm-up length in epochs");
    v("warmup_start", warmup_start, "fraction of lr the warm-up starts from");
    v("min_lr_ratio", min_lr_ratio, "cosine floor as a fraction of lr");
  }
};

class LrSchedule {
 public:
  LrSchedule(const ScheduleOptions& o, int64_t steps_per_epoch, int epochs);
  double at(int64_t step) const;
  int64_t total_steps() const { return total_; }

 private:
  ScheduleOptions o_;
  int64_t warmup_ = 0, total_ = 0;
};

}  // namespace ferkit
