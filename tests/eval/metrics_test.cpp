// Classification metrics on small cases computed by hand: 8-way vs present-only, AUROC with ties and
// absent classes, argmax ties, minority-F1, and the error messages.
#include <cmath>

#include "ferkit/error.h"
#include "ferkit/metrics.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

// A probability row of K classes that puts `top` on class k and spreads the rest evenly.
std::vector<double> row(int k, double top, int num_classes) {
  std::vector<double> r(static_cast<size_t>(num_classes), (1.0 - top) / (num_classes - 1));
  r[k] = top;
  return r;
}

TEST(Metrics, HandComputedThreeClassCase) {
  // labels 0 0 1 1 2, predictions 0 1 1 1 0
  auto p = ProbabilityMatrix::from_rows({row(0, .6, 3), row(1, .5, 3), row(1, .7, 3), row(1, .8, 3), row(0, .4, 3)});
  std::vector<int> y = {0, 0, 1, 1, 2};
  auto m = classification_metrics(p, y, all_classes(3));
  EXPECT_DOUBLE_EQ(m.accuracy, 3.0 / 5);
  ASSERT_EQ(m.confusion, (ConfusionMatrix{{1, 1, 0}, {0, 2, 0}, {1, 0, 0}}));
  // class 0: tp 1 fp 1 fn 1; class 1: tp 2 fp 1 fn 0; class 2: tp 0 fp 0 fn 1
  EXPECT_DOUBLE_EQ(m.per_class[0].precision, 0.5);
  EXPECT_DOUBLE_EQ(m.per_class[0].recall, 0.5);
  EXPECT_DOUBLE_EQ(m.per_class[1].precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.per_class[1].recall, 1.0);
  EXPECT_DOUBLE_EQ(m.per_class[1].f1, 0.8);
  EXPECT_DOUBLE_EQ(m.per_class[2].precision, 0.0);  // never predicted: zero_division = 0
  EXPECT_DOUBLE_EQ(m.per_class[2].f1, 0.0);
  EXPECT_EQ(m.per_class[2].support, 1);
  EXPECT_NEAR(m.macro_f1, (0.5 + 0.8 + 0.0) / 3, 1e-15);
  EXPECT_NEAR(m.balanced_accuracy, (0.5 + 1.0 + 0.0) / 3, 1e-15);
}

TEST(Metrics, PresentOnlyAveragesOverPresentClassesButKeepsAbsentPredictionsAsErrors) {
  // Class 2 never occurs in the labels but is predicted once (for a true 0).
  auto p = ProbabilityMatrix::from_rows({row(0, .7, 3), row(2, .6, 3), row(1, .8, 3), row(1, .9, 3)});
  std::vector<int> y = {0, 0, 1, 1};
  auto present = present_classes(y, 3);
  ASSERT_EQ(present, (std::vector<int>{0, 1}));
  auto all = classification_metrics(p, y, all_classes(3));
  auto po = classification_metrics(p, y, present);
  // F1: class 0 = 2/3, class 1 = 1, class 2 = 0 (tp 0, fp 1). Recall: 0.5, 1, 0 (no true sample).
  EXPECT_NEAR(all.macro_f1, (2.0 / 3 + 1.0 + 0.0) / 3, 1e-15);
  EXPECT_NEAR(po.macro_f1, (2.0 / 3 + 1.0) / 2, 1e-15);
  EXPECT_NEAR(all.balanced_accuracy, 0.5, 1e-15);
  EXPECT_NEAR(po.balanced_accuracy, 0.75, 1e-15);
  EXPECT_DOUBLE_EQ(all.accuracy, 0.75);
  EXPECT_DOUBLE_EQ(po.accuracy, 0.75);  // the prediction of absent class 2 is still an error
  EXPECT_EQ(po.averaged_classes, present);
}

TEST(Metrics, AurocCountsTiesAsHalf) {
  // pairs (pos, neg): (.9,.5) 1, (.9,.1) 1, (.5,.5) 1/2, (.5,.1) 1 -> 3.5 / 4
  EXPECT_DOUBLE_EQ(binary_auroc({0.9, 0.5, 0.5, 0.1}, {true, true, false, false}), 0.875);
  EXPECT_DOUBLE_EQ(binary_auroc({0.2, 0.2, 0.2}, {true, false, false}), 0.5);
  EXPECT_DOUBLE_EQ(binary_auroc({0.1, 0.9}, {true, false}), 0.0);
  EXPECT_TRUE(std::isnan(binary_auroc({0.3, 0.4}, {false, false})));
  EXPECT_TRUE(std::isnan(binary_auroc({0.3, 0.4}, {true, true})));
}

TEST(Metrics, ClassAbsentFromLabelsIsExcludedFromMacroAuroc) {
  auto p = ProbabilityMatrix::from_rows({{.6, .3, .1}, {.5, .1, .4}, {.2, .7, .1}, {.3, .4, .3}});
  std::vector<int> y = {0, 0, 1, 1};
  auto m = classification_metrics(p, y, all_classes(3));
  // class 0 scores: pos {.6, .5} vs neg {.2, .3}: 4/4. class 1: pos {.7, .4} vs neg {.3, .1}: 4/4.
  EXPECT_DOUBLE_EQ(m.class_auroc[0], 1.0);
  EXPECT_DOUBLE_EQ(m.class_auroc[1], 1.0);
  EXPECT_TRUE(std::isnan(m.class_auroc[2]));
  EXPECT_EQ(m.auroc_classes, (std::vector<int>{0, 1}));
  EXPECT_EQ(m.auroc_excluded, (std::vector<int>{2}));
  EXPECT_DOUBLE_EQ(m.macro_auroc, 1.0);  // not (1 + 1 + 0) / 3 and not NaN

  // A lower AUROC for class 1 shows it is an average, not a max.
  auto q = ProbabilityMatrix::from_rows({{.6, .3, .1}, {.5, .1, .4}, {.2, .7, .1}, {.3, .2, .5}});
  auto mq = classification_metrics(q, y, all_classes(3));
  // class 1: pos {.7, .2} vs neg {.3, .1}: (.7>.3, .7>.1, .2<.3, .2>.1) = 3/4
  EXPECT_DOUBLE_EQ(mq.macro_auroc, (1.0 + 0.75) / 2);
}

TEST(Metrics, SingleClassPresentHasNoAuroc) {
  auto p = ProbabilityMatrix::from_rows({{.6, .4}, {.3, .7}});
  auto m = classification_metrics(p, {0, 0}, all_classes(2));
  EXPECT_TRUE(std::isnan(m.macro_auroc));
  EXPECT_EQ(m.auroc_excluded, (std::vector<int>{0, 1}));
}

TEST(Metrics, ArgmaxTakesTheFirstMaximumOnTies) {
  auto p = ProbabilityMatrix::from_rows({{.4, .4, .2}, {.25, .25, .5}, {.2, .4, .4}});
  EXPECT_EQ(argmax_rows(p), (std::vector<int>{0, 2, 1}));
  auto c = max_per_row(p);
  EXPECT_DOUBLE_EQ(c[0], .4);
  EXPECT_DOUBLE_EQ(c[1], .5);
}

TEST(Metrics, MinorityF1IsTheMeanF1OfTheConfiguredClasses) {
  // 8 classes, one sample per class, all predicted correctly except disgust (predicted as anger).
  ProbabilityMatrix p(8, kNumClasses);
  std::vector<int> y;
  for (int k = 0; k < kNumClasses; ++k) {
    const int predicted = k == kDisgust ? kAnger : k;
    auto r = row(predicted, 0.65, kNumClasses);
    for (int j = 0; j < kNumClasses; ++j) p.at(k, j) = r[j];
    y.push_back(k);
  }
  EvaluationOptions o;
  o.bootstrap.resamples = 20;
  auto r = evaluate(p, y, o);
  // disgust F1 0, fear 1, sadness 1 -> 2/3.
  EXPECT_NEAR(r.minority_f1, 2.0 / 3, 1e-15);
  o.minority_classes = {"disgust", "anger"};  // anger: tp 1, fp 1 -> F1 2/3
  r = evaluate(p, y, o);
  EXPECT_NEAR(r.minority_f1, (0.0 + 2.0 / 3) / 2, 1e-15);
  o.minority_classes = {"boredom"};
  EXPECT_THROW(evaluate(p, y, o), Error);
}

TEST(Metrics, ErrorsNameTheRowOrLabel) {
  auto bad = ProbabilityMatrix::from_rows({{.5, .5}, {.7, .7}});
  try {
    classification_metrics(bad, {0, 1}, all_classes(2));
    FAIL() << "a row summing to 1.4 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("row 1"), std::string::npos) << e.what();
  }
  auto good = ProbabilityMatrix::from_rows({{.5, .5}, {.3, .7}});
  try {
    classification_metrics(good, {0, 5}, all_classes(2));
    FAIL() << "label 5 of 2 classes was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("label 1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("got 5"), std::string::npos) << e.what();
  }
  EXPECT_THROW(classification_metrics(good, {0}, all_classes(2)), Error);
  EXPECT_THROW(classification_metrics(good, {0, 1}, {}), Error);
  auto negative = ProbabilityMatrix::from_rows({{1.2, -0.2}});
  EXPECT_THROW(check_probabilities(negative, "x"), Error);
  ProbabilityMatrix three(1, 3);  // evaluate() needs the 8 canonical classes
  three.at(0, 0) = 1;
  EXPECT_THROW(evaluate(three, {0}), Error);
}

}  // namespace
}  // namespace ferkit
