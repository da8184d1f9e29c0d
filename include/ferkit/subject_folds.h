// Subject-independent cross-validation folds: every subject's rows fall in exactly one fold.
//
//   ferkit::SubjectFolds f = ferkit::leave_subjects_out_folds(subject_of_row, /*folds=*/5, /*seed=*/0);
//   f.fold_of_row[i];    // 0..K-1
//   f.subjects[k];       // the subjects held out in fold k (ascending)
//
// Contract: the distinct subject ids, sorted ascending, are shuffled with std::mt19937_64(seed)
// (std::shuffle) and dealt round-robin to folds 0..K-1, so fold sizes in subjects differ by at most
// one and the same (ids, K, seed) give the same folds. 2 <= K <= number of subjects, else an Error
// naming both numbers.
#pragma once

#include <cstdint>
#include <vector>

namespace ferkit {

struct SubjectFolds {
  std::vector<int> fold_of_row;                 // per row, 0-based fold
  std::vector<std::vector<int64_t>> subjects;   // per fold, held-out subject ids (ascending)
};

SubjectFolds leave_subjects_out_folds(const std::vector<int64_t>& subject_of_row, int folds, int64_t seed);

}  // namespace ferkit
