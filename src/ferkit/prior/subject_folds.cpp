#include "ferkit/subject_folds.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "ferkit/error.h"

namespace ferkit {

SubjectFolds leave_subjects_out_folds(const std::vector<int64_t>& subject_of_row, int folds, int64_t seed) {
  std::set<int64_t> distinct(subject_of_row.begin(), subject_of_row.end());
  std::vector<int64_t> ids(distinct.begin(), distinct.end());
  FERKIT_CHECK(folds >= 2 && folds <= static_cast<int>(ids.size()),
               "leave-subjects-out folds: expected 2 <= folds <= the number of subjects (" << ids.size() << "), got "
                                                                                           << folds << " folds");
  std::mt19937_64 rng(static_cast<uint64_t>(seed));
  std::shuffle(ids.begin(), ids.end(), rng);
  SubjectFolds f;
  f.subjects.resize(static_cast<size_t>(folds));
  std::map<int64_t, int> fold_of;
  for (size_t j = 0; j < ids.size(); ++j) {
    const int k = static_cast<int>(j % static_cast<size_t>(folds));
    fold_of[ids[j]] = k;
    f.subjects[static_cast<size_t>(k)].push_back(ids[j]);
  }
  for (auto& s : f.subjects) std::sort(s.begin(), s.end());
  f.fold_of_row.reserve(subject_of_row.size());
  for (int64_t s : subject_of_row) f.fold_of_row.push_back(fold_of.at(s));
  return f;
}

}  // namespace ferkit
