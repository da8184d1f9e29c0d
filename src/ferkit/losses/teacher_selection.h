// Picking teacher logits out of a batch, with errors that name the loss term (internal).
#pragma once

#include <string>

#include "ferkit/error.h"
#include "ferkit/loss_term.h"

namespace ferkit {

inline void require_teacher_index(int teacher, const LossSetup& setup, const std::string& where) {
  FERKIT_CHECK(setup.num_teachers > 0, where << ": this term distils from a teacher, but the recipe has no [[teacher]]");
  FERKIT_CHECK(teacher >= 0 && teacher < setup.num_teachers,
               where << ".teacher = " << teacher << ", but the recipe has " << setup.num_teachers << " teacher(s)");
}

inline torch::Tensor select_teacher(const LossBatch& b, int teacher, const std::string& term) {
  FERKIT_CHECK(b.teacher_logits.defined(), "loss term '" << term << "' needs teacher logits, but the batch has none");
  FERKIT_CHECK(b.teacher_logits.dim() == 3 && teacher < b.teacher_logits.size(0),
               "loss term '" << term << "': teacher " << teacher << " not in teacher logits " << b.teacher_logits.sizes());
  FERKIT_CHECK(b.teacher_logits.size(2) == b.student.logits.size(1),
               "loss term '" << term << "': teacher has " << b.teacher_logits.size(2) << " classes, student "
                             << b.student.logits.size(1));
  return b.teacher_logits[teacher];
}

}  // namespace ferkit
