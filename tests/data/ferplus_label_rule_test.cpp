// The FERPlus label rule on hand-computed rows (votes: neutral, happiness, surprise, sadness,
// anger, disgust, fear, contempt, unknown, not-a-face).
#include <gtest/gtest.h>

#include "ferkit/error.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

using Votes = std::array<float, 10>;
using Target = std::array<float, kNumClasses>;

void expect_target(const Votes& v, FerplusLabelMode mode, const Target& expected) {
  Target t{};
  ASSERT_TRUE(ferplus_votes_to_target(v, mode, t)) << ferplus_label_mode_name(mode);
  for (int k = 0; k < kNumClasses; ++k) EXPECT_NEAR(t[k], expected[k], 1e-6) << class_name(k);
}

void expect_dropped(const Votes& v, FerplusLabelMode mode) {
  Target t{};
  EXPECT_FALSE(ferplus_votes_to_target(v, mode, t)) << ferplus_label_mode_name(mode);
}

constexpr auto kMajority = FerplusLabelMode::kMajority;
constexpr auto kProbability = FerplusLabelMode::kProbability;
constexpr auto kMulti = FerplusLabelMode::kMultiTarget;

TEST(FerplusLabelRule, MajorityKeepsAClearWinnerAfterOutlierRemoval) {
  // Singles (surprise 1, sadness 1) are removed: 6 of 8 remaining votes > half.
  expect_target({6, 0, 1, 1, 0, 0, 0, 0, 2, 0}, kMajority, {1, 0, 0, 0, 0, 0, 0, 0});
}

TEST(FerplusLabelRule, MajorityDropsRowsWithoutAMajority) {
  // After removing sadness 1: 4 of 9 is not more than half.
  expect_dropped({4, 0, 0, 1, 3, 2, 0, 0, 0, 0}, kMajority);
  // A tie 5:5 is not more than half either.
  expect_dropped({5, 5, 0, 0, 0, 0, 0, 0, 0, 0}, kMajority);
}

TEST(FerplusLabelRule, MajorityDropsUnknownAndNotAFaceWinners) {
  expect_dropped({2, 0, 0, 0, 0, 0, 0, 0, 7, 1}, kMajority);  // unknown 7 of 9
  expect_dropped({0, 0, 3, 0, 0, 0, 0, 0, 0, 7}, kMajority);  // not-a-face 7 of 10
}

TEST(FerplusLabelRule, OutlierRemovalOfSingleVotes) {
  // Happiness' single vote is removed in every mode: a pure neutral target.
  expect_target({9, 1, 0, 0, 0, 0, 0, 0, 0, 0}, kMajority, {1, 0, 0, 0, 0, 0, 0, 0});
  expect_target({9, 1, 0, 0, 0, 0, 0, 0, 0, 0}, kProbability, {1, 0, 0, 0, 0, 0, 0, 0});
  expect_target({9, 1, 0, 0, 0, 0, 0, 0, 0, 0}, kMulti, {1, 0, 0, 0, 0, 0, 0, 0});
  // Ten single votes leave nothing: dropped.
  expect_dropped({1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, kMajority);
  expect_dropped({1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, kProbability);
  expect_dropped({1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, kMulti);
}

TEST(FerplusLabelRule, ProbabilityTakesTopClassesUntilThreeQuarters) {
  // 5 (sum 5 < 7.5), then 3 (sum 8 >= 7.5): 5/8, 3/8; anger's 2 is not reached.
  expect_target({5, 3, 0, 0, 2, 0, 0, 0, 0, 0}, kProbability, {0.625f, 0.375f, 0, 0, 0, 0, 0, 0});
  // Outlier removal first: the single happiness vote goes, 7 >= 0.75 * 9 at once.
  expect_target({7, 1, 2, 0, 0, 0, 0, 0, 0, 0}, kProbability, {1, 0, 0, 0, 0, 0, 0, 0});
}

TEST(FerplusLabelRule, ProbabilityTiesEnterTogether) {
  expect_target({4, 4, 0, 0, 2, 0, 0, 0, 0, 0}, kProbability, {0.5f, 0.5f, 0, 0, 0, 0, 0, 0});
  Target t{};
  ASSERT_TRUE(ferplus_votes_to_target({4, 4, 0, 0, 2, 0, 0, 0, 0, 0}, kProbability, t));
  EXPECT_EQ(argmax(t), kNeutral);  // ties go to the first class
}

TEST(FerplusLabelRule, ProbabilityDiscardsMoreThanThreeClasses) {
  // Five classes tie at 2 and enter in one step: count 5 > 3, so the row is discarded.
  expect_dropped({2, 2, 2, 2, 2, 0, 0, 0, 0, 0}, kProbability);
  // Three classes at 3 (count 3) are kept: 1/3 each.
  const float third = 1.0f / 3;
  expect_target({3, 3, 3, 0, 0, 0, 0, 0, 0, 0}, kProbability, {third, third, third, 0, 0, 0, 0, 0});
}

TEST(FerplusLabelRule, ProbabilityUnknownAfterAnEmotionIsRemoved) {
  // neutral 6 (6 < 7.5), then unknown 2 ties with not-a-face 2: unknown stops the loop and, as an
  // emotion came first, is taken out again; 6 > 5 keeps the row as pure neutral.
  expect_target({6, 0, 0, 0, 0, 0, 0, 0, 2, 2}, kProbability, {1, 0, 0, 0, 0, 0, 0, 0});
  // neutral 5, then unknown 3 is taken out: 5 is not more than half of 10, dropped.
  expect_dropped({5, 0, 0, 0, 0, 0, 0, 0, 3, 2}, kProbability);
}

TEST(FerplusLabelRule, ProbabilityUnknownWinningDropsTheRow) {
  expect_dropped({0, 0, 0, 0, 0, 0, 0, 0, 8, 2}, kProbability);
  expect_dropped({2, 0, 0, 0, 0, 0, 0, 0, 0, 8}, kProbability);
}

TEST(FerplusLabelRule, MultiTargetKeepsClassesWithThirtyPercent) {
  // >= 3 of 10: neutral 5, happiness 3; surprise 2 is below 30 %.
  expect_target({5, 3, 2, 0, 0, 0, 0, 0, 0, 0}, kMulti, {0.625f, 0.375f, 0, 0, 0, 0, 0, 0});
  // A tie: half and half, hard label the first.
  expect_target({4, 4, 2, 0, 0, 0, 0, 0, 0, 0}, kMulti, {0.5f, 0.5f, 0, 0, 0, 0, 0, 0});
  // Unknown and not-a-face pass the 30 % bar but neutral wins; the target covers the 8 emotions.
  expect_target({4, 0, 0, 0, 0, 0, 0, 0, 3, 3}, kMulti, {1, 0, 0, 0, 0, 0, 0, 0});
  // 30 % of 9 is 2.7: only neutral 3 is kept, and 3 is not more than half of 9: dropped.
  expect_dropped({3, 2, 2, 2, 0, 0, 0, 0, 0, 0}, kMulti);
  // Unknown wins: dropped.
  expect_dropped({3, 0, 0, 0, 0, 0, 0, 0, 7, 0}, kMulti);
}

TEST(FerplusLabelRule, ModeNames) {
  EXPECT_EQ(parse_ferplus_label_mode("majority"), kMajority);
  EXPECT_EQ(parse_ferplus_label_mode("crossentropy"), kProbability);
  EXPECT_EQ(parse_ferplus_label_mode("multi_target"), kMulti);
  try {
    parse_ferplus_label_mode("vote");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'vote'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferkit
