#include "ferkit/lr_schedule.h"

#include <algorithm>
#include <cmath>

#include "ferkit/error.h"

namespace ferkit {

LrSchedule::LrSchedule(const ScheduleOptions& o, int64_t steps_per_epoch, int epochs) : o_(o) {
  FERKIT_CHECK(o.lr > 0, "schedule.lr must be > 0, got " << o.lr);
  FERKIT_CHECK(o.kind == "cosine" || o.kind == "constant", "schedule.kind must be cosine or constant, got '" << o.kind << "'");
  FERKIT_CHECK(o.warmup_epochs >= 0, "schedule.warmup_epochs must be >= 0, got " << o.warmup_epochs);
  FERKIT_CHECK(o.min_lr_ratio >= 0 && o.min_lr_ratio <= 1, "schedule.min_lr_ratio must be in [0, 1], got " << o.min_lr_ratio);
  FERKIT_CHECK(steps_per_epoch > 0 && epochs > 0, "schedule: need steps_per_epoch > 0 and epochs > 0");
  total_ = steps_per_epoch * epochs;
  warmup_ = std::min<int64_t>(total_, static_cast<int64_t>(std::llround(o.warmup_epochs * steps_per_epoch)));
}

double LrSchedule::at(int64_t step) const {
  if (step < warmup_) {
    double f = static_cast<double>(step) / static_cast<double>(warmup_);
    return o_.lr * (o_.warmup_start + (1.0 - o_.warmup_start) * f);
  }
  if (o_.kind == "constant") return o_.lr;
  int64_t span = std::max<int64_t>(1, total_ - warmup_);
  double f = std::min(1.0, static_cast<double>(step - warmup_) / static_cast<double>(span));
  double floor = o_.lr * o_.min_lr_ratio;
  return floor + 0.5 * (o_.lr - floor) * (1.0 + std::cos(M_PI * f));
}

}  // namespace ferkit
