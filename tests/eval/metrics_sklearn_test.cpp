// Every classification and calibration metric against scikit-learn (or numpy by the formula, for
// NLL and Brier), run at test time on randomised cases: several seeds, absent classes, ties.
#include <cmath>
#include <cstdio>
#include <random>

#include <nlohmann/json.hpp>

#include "ferkit/metrics.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

struct Case {
  ProbabilityMatrix p;
  std::vector<int> labels;
};

// seed picks the size, which classes occur in the labels and whether the probabilities are
// coarse (many exact ties in scores and in the argmax) or continuous.
Case make_case(int seed) {
  std::mt19937_64 rng(static_cast<uint64_t>(seed) * 7919 + 1);
  const int n = 150 + static_cast<int>(rng() % 250);
  std::vector<int> present;
  const std::vector<std::vector<int>> absent_sets = {{}, {7}, {5, 7}, {0, 3, 6}, {1}, {2, 4, 5, 6}};
  const auto& absent = absent_sets[seed % absent_sets.size()];
  for (int k = 0; k < kNumClasses; ++k)
    if (std::find(absent.begin(), absent.end(), k) == absent.end()) present.push_back(k);
  const bool coarse = seed % 2 == 1;
  Case c;
  c.p = ProbabilityMatrix(n, kNumClasses);
  std::normal_distribution<double> noise(0.0, 1.0);
  for (int i = 0; i < n; ++i) {
    const int y = present[rng() % present.size()];
    c.labels.push_back(y);
    std::vector<double> w(kNumClasses);
    double sum = 0;
    for (int k = 0; k < kNumClasses; ++k) {
      if (coarse) {
        w[k] = static_cast<double>(rng() % 4) + (k == y ? static_cast<double>(rng() % 3) : 0.0);
      } else {
        w[k] = std::exp(1.5 * noise(rng) + (k == y ? 1.2 : 0.0));
      }
      sum += w[k];
    }
    if (sum == 0) {  // all-zero weights: a uniform row (ties everywhere)
      std::fill(w.begin(), w.end(), 1.0);
      sum = kNumClasses;
    }
    for (int k = 0; k < kNumClasses; ++k) c.p.at(i, k) = w[k] / sum;
  }
  return c;
}

nlohmann::json sklearn_reference(const Case& c, const std::filesystem::path& data) {
  std::FILE* f = std::fopen(data.c_str(), "w");
  for (int64_t i = 0; i < c.p.rows; ++i) {
    std::fprintf(f, "%d", c.labels[i]);
    for (int k = 0; k < kNumClasses; ++k) std::fprintf(f, " %.17g", c.p.at(i, k));
    std::fprintf(f, "\n");
  }
  std::fclose(f);
  const std::string script = R"PY(
import json, warnings
import numpy as np
from sklearn.metrics import (accuracy_score, f1_score, recall_score, balanced_accuracy_score,
                             roc_auc_score, confusion_matrix, precision_recall_fscore_support)
warnings.simplefilter("ignore")
d = np.loadtxt(")PY" + data.string() + R"PY(", ndmin=2)
y = d[:, 0].astype(int); p = d[:, 1:]
pred = p.argmax(axis=1)
K = 8
present = sorted(set(y.tolist()))
out = {}
out["acc"] = accuracy_score(y, pred)
out["f1_8"] = f1_score(y, pred, labels=list(range(K)), average="macro", zero_division=0)
out["bacc_8"] = recall_score(y, pred, labels=list(range(K)), average="macro", zero_division=0)
out["f1_p"] = f1_score(y, pred, labels=present, average="macro", zero_division=0)
out["bacc_p"] = balanced_accuracy_score(y, pred)
out["bacc_p_recall"] = recall_score(y, pred, labels=present, average="macro", zero_division=0)
aucs = {k: roc_auc_score((y == k).astype(int), p[:, k]) for k in present if 0 < (y == k).sum() < len(y)}
out["class_auroc"] = {str(k): v for k, v in aucs.items()}
out["macro_auroc"] = float(np.mean(list(aucs.values())))
if len(present) == K:
    out["ovr_auroc"] = roc_auc_score(y, p, multi_class="ovr", average="macro", labels=list(range(K)))
out["confusion"] = confusion_matrix(y, pred, labels=list(range(K))).tolist()
pr, rc, f1, sup = precision_recall_fscore_support(y, pred, labels=list(range(K)), zero_division=0)
out["precision"], out["recall"], out["f1"], out["support"] = pr.tolist(), rc.tolist(), f1.tolist(), sup.tolist()
onehot = np.eye(K)[y]
out["brier"] = float(np.mean(np.sum((p - onehot) ** 2, axis=1)))
out["nll"] = float(np.mean(-np.log(np.maximum(p[np.arange(len(y)), y], 1e-12))))
conf = p.max(axis=1); correct = (pred == y)
edges = np.arange(16) / 15.0
b = np.searchsorted(edges[1:-1], conf, side="left")   # bins (lo, hi], 0 in bin 0
ece = 0.0
for i in range(15):
    m = b == i
    if m.any(): ece += m.sum() / len(y) * abs(correct[m].mean() - conf[m].mean())
out["ece"] = ece
out["present"] = present
print(json.dumps(out))
)PY";
  return nlohmann::json::parse(test::run_python(script));
}

class MetricsVsSklearn : public ::testing::TestWithParam<int> {};

TEST_P(MetricsVsSklearn, AllMetricsAgreeTo1e9) {
  FERKIT_REQUIRE_PYTHON("sklearn, numpy");
  const Case c = make_case(GetParam());
  test::TempDir dir("sklearn");
  const nlohmann::json ref = sklearn_reference(c, dir / "case.txt");
  const double tol = 1e-9;

  const auto m8 = classification_metrics(c.p, c.labels, all_classes(kNumClasses));
  const auto present = present_classes(c.labels, kNumClasses);
  const auto mp = classification_metrics(c.p, c.labels, present);
  EXPECT_EQ(present, ref["present"].get<std::vector<int>>());

  EXPECT_NEAR(m8.accuracy, ref["acc"].get<double>(), tol);
  EXPECT_NEAR(m8.macro_f1, ref["f1_8"].get<double>(), tol);
  EXPECT_NEAR(m8.balanced_accuracy, ref["bacc_8"].get<double>(), tol);
  EXPECT_NEAR(mp.accuracy, ref["acc"].get<double>(), tol);
  EXPECT_NEAR(mp.macro_f1, ref["f1_p"].get<double>(), tol);
  EXPECT_NEAR(mp.balanced_accuracy, ref["bacc_p"].get<double>(), tol);
  EXPECT_NEAR(mp.balanced_accuracy, ref["bacc_p_recall"].get<double>(), tol);
  EXPECT_NEAR(m8.macro_auroc, ref["macro_auroc"].get<double>(), tol);
  EXPECT_NEAR(mp.macro_auroc, ref["macro_auroc"].get<double>(), tol);
  if (ref.contains("ovr_auroc")) EXPECT_NEAR(m8.macro_auroc, ref["ovr_auroc"].get<double>(), tol);

  for (int k = 0; k < kNumClasses; ++k) {
    const std::string key = std::to_string(k);
    if (ref["class_auroc"].contains(key)) {
      EXPECT_NEAR(m8.class_auroc[k], ref["class_auroc"][key].get<double>(), tol) << "class " << k;
    } else {
      EXPECT_TRUE(std::isnan(m8.class_auroc[k])) << "class " << k << " has no AUROC in sklearn";
      EXPECT_NE(std::find(m8.auroc_excluded.begin(), m8.auroc_excluded.end(), k), m8.auroc_excluded.end());
    }
    EXPECT_NEAR(m8.per_class[k].precision, ref["precision"][k].get<double>(), tol) << "class " << k;
    EXPECT_NEAR(m8.per_class[k].recall, ref["recall"][k].get<double>(), tol) << "class " << k;
    EXPECT_NEAR(m8.per_class[k].f1, ref["f1"][k].get<double>(), tol) << "class " << k;
    EXPECT_EQ(m8.per_class[k].support, ref["support"][k].get<int64_t>()) << "class " << k;
    for (int j = 0; j < kNumClasses; ++j)
      EXPECT_EQ(m8.confusion[k][j], ref["confusion"][k][j].get<int64_t>()) << k << "," << j;
  }

  const auto cal = calibration_metrics(c.p, c.labels, 15);
  EXPECT_NEAR(cal.brier, ref["brier"].get<double>(), tol);
  EXPECT_NEAR(cal.nll, ref["nll"].get<double>(), tol);
  EXPECT_NEAR(cal.ece, ref["ece"].get<double>(), tol);
}

INSTANTIATE_TEST_SUITE_P(Seeds, MetricsVsSklearn, ::testing::Range(0, 6));

}  // namespace
}  // namespace ferkit
