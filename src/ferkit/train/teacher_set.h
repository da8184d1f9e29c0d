// The teachers of a distillation recipe, providing teacher logits [T, B, 8] for each training batch
// (internal to the trainer).
//
// A checkpoint teacher runs on the batch's own (augmented) images, so it must take the student's
// input (same size, channels and normalisation); a teacher with another input is distilled from its
// exported logits instead (`ferkit teacher export`), which are bound to the training manifest.
#pragma once

#include <memory>
#include <vector>

#include <torch/types.h>

#include "ferkit/checkpoint.h"
#include "ferkit/loader.h"
#include "ferkit/manifest.h"
#include "ferkit/side_file.h"
#include "ferkit/train_options.h"

namespace ferkit {

class TeacherSet {
 public:
  TeacherSet(const std::vector<TeacherOptions>& teachers, const ModelSpec& student, const DatasetIdentity& train_identity);
  int size() const { return static_cast<int>(sources_.size()); }
  // [T, B, 8] logits for the batch (undefined when there are no teachers).
  torch::Tensor logits(const Batch& batch);

 private:
  struct Source {
    FerNet net{nullptr};
    SideFile side;
  };
  std::vector<Source> sources_;
};

}  // namespace ferkit
