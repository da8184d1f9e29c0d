#include "ferkit/train/teacher_set.h"

#include <torch/torch.h>

#include "ferkit/error.h"

namespace ferkit {

TeacherSet::TeacherSet(const std::vector<TeacherOptions>& teachers, const ModelSpec& student,
                       const DatasetIdentity& train_identity) {
  for (size_t i = 0; i < teachers.size(); ++i) {
    const auto& t = teachers[i];
    Source s;
    if (!t.checkpoint.empty()) {
      Checkpoint ck = load_checkpoint(t.checkpoint);
      const ModelSpec& m = ck.sidecar.model;
      if (m.input_size != student.input_size || m.in_channels != student.in_channels || m.mean != student.mean ||
          m.std != student.std)
        throw Error("teacher[" + std::to_string(i) + "] " + t.checkpoint,
                    "the student's input (" + std::to_string(student.input_size) + "x" + std::to_string(student.input_size) +
                        ", " + std::to_string(student.in_channels) + " channel(s), same normalisation) to run on its batches",
                    std::to_string(m.input_size) + "x" + std::to_string(m.input_size) + ", " + std::to_string(m.in_channels) +
                        " channel(s); export its logits with `ferkit teacher export` and use logits = ... instead");
      ck.net->eval();
      s.net = ck.net;
    } else {
      s.side = read_side_file(t.logits, train_identity, "teacher_logits");
      FERKIT_CHECK(s.side.cols == 8, "teacher[" << i << "] " << t.logits << ": expected 8 logits per sample, got " << s.side.cols);
    }
    sources_.push_back(std::move(s));
  }
}

torch::Tensor TeacherSet::logits(const Batch& batch) {
  if (sources_.empty()) return {};
  std::vector<torch::Tensor> out;
  for (auto& s : sources_) {
    if (s.net) {
      torch::NoGradGuard g;
      out.push_back(s.net->forward(batch.images).logits.detach());
    } else {
      const int64_t b = batch.size();
      torch::Tensor z = torch::empty({b, 8});
      auto idx = batch.indices.accessor<int64_t, 1>();
      for (int64_t i = 0; i < b; ++i) std::memcpy(z[i].data_ptr<float>(), s.side.row(idx[i]), 8 * sizeof(float));
      // A mixed image gets the same mix of the stored (clean-image) logits.
      if (batch.mix_lambda.defined()) {
        torch::Tensor lam = batch.mix_lambda.view({b, 1});
        z = lam * z + (1 - lam) * z.index_select(0, batch.mix_partner);
      }
      out.push_back(z);
    }
  }
  return torch::stack(out, 0);
}

}  // namespace ferkit
