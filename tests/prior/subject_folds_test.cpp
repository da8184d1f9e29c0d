// Leave-subjects-out folds: every subject in exactly one fold, balanced, seeded.
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "ferkit/error.h"
#include "ferkit/subject_folds.h"
#include "prior_fixtures.h"

namespace ferkit {
namespace {

std::vector<int64_t> rows_of(int subjects, int per_subject) {
  std::vector<int64_t> s;
  for (int r = 0; r < per_subject; ++r)
    for (int i = 1; i <= subjects; ++i) s.push_back(i * 10);  // interleaved, non-contiguous ids
  return s;
}

TEST(SubjectFolds, EachSubjectInExactlyOneFoldAndBalanced) {
  const auto rows = rows_of(28, 5);
  SubjectFolds f = leave_subjects_out_folds(rows, 5, 0);
  ASSERT_EQ(f.fold_of_row.size(), rows.size());
  ASSERT_EQ(f.subjects.size(), 5u);
  std::map<int64_t, std::set<int>> folds_of_subject;
  for (size_t i = 0; i < rows.size(); ++i) folds_of_subject[rows[i]].insert(f.fold_of_row[i]);
  EXPECT_EQ(folds_of_subject.size(), 28u);
  for (const auto& [s, folds] : folds_of_subject) EXPECT_EQ(folds.size(), 1u) << "subject " << s;
  std::set<int64_t> all;
  for (size_t k = 0; k < 5; ++k) {
    EXPECT_GE(f.subjects[k].size(), 5u);  // 28 = 6 + 6 + 6 + 5 + 5
    EXPECT_LE(f.subjects[k].size(), 6u);
    for (int64_t s : f.subjects[k]) {
      EXPECT_TRUE(all.insert(s).second) << "subject " << s << " in two folds";
      EXPECT_EQ(*folds_of_subject[s].begin(), static_cast<int>(k));
    }
  }
  EXPECT_EQ(all.size(), 28u);
}

TEST(SubjectFolds, SeededAndErrors) {
  const auto rows = rows_of(12, 2);
  EXPECT_EQ(leave_subjects_out_folds(rows, 3, 7).fold_of_row, leave_subjects_out_folds(rows, 3, 7).fold_of_row);
  bool differs = false;
  for (int64_t seed = 1; seed < 6 && !differs; ++seed)
    differs = leave_subjects_out_folds(rows, 3, 0).subjects != leave_subjects_out_folds(rows, 3, seed).subjects;
  EXPECT_TRUE(differs);
  const std::string e = test::error_of([&] { leave_subjects_out_folds(rows, 13, 0); });
  EXPECT_NE(e.find("subjects (12)"), std::string::npos) << e;
  EXPECT_NE(e.find("13 folds"), std::string::npos) << e;
  EXPECT_THROW(leave_subjects_out_folds(rows, 1, 0), Error);
}

}  // namespace
}  // namespace ferkit
