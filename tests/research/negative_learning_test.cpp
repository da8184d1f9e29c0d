// Negative (complementary-label) learning: the loss against hand-computed values, the sources'
// invariants (votes, teacher weights by a chi-square test, NLNL phases) and the bad-input errors.
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "ferkit/complementary_labels.h"
#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

LossBatch batch_of(const torch::Tensor& logits, const torch::Tensor& labels) {
  LossBatch b;
  b.student.logits = logits;
  b.labels = labels;
  b.targets = torch::one_hot(labels, logits.size(1)).to(torch::kFloat32);
  return b;
}

TEST(NegativeLoss, HandComputedValues) {
  // Row 0: p = (1/8, 2/8, 5/8), complementary {0, 2}: (-log(7/8) - log(3/8)) / 2.
  // Row 1: p = (1/3, 1/3, 1/3), complementary {1}: -log(2/3). Row 2: no label, left out.
  auto z = torch::tensor({{0.0, std::log(2.0), std::log(5.0)}, {1.0, 1.0, 1.0}, {3.0, 0.0, 0.0}}, torch::kFloat64);
  auto mask = torch::tensor({{1.0, 0.0, 1.0}, {0.0, 1.0, 0.0}, {0.0, 0.0, 0.0}}, torch::kFloat64);
  const double row0 = (-std::log(7.0 / 8) - std::log(3.0 / 8)) / 2, row1 = -std::log(2.0 / 3);
  EXPECT_NEAR(negative_learning_loss(z, mask).item<double>(), (row0 + row1) / 2, 1e-12);
  // d/dz_j of -log(1 - p_c) = p_j - [j != c] p_j / (1 - p_c): with p = 1/3 each and c = 1,
  // 1/3 for z_1 and 1/3 - 1/2 = -1/6 for the others.
  auto z1 = torch::tensor({{1.0, 1.0, 1.0}}, torch::kFloat64).requires_grad_(true);
  negative_learning_loss(z1, torch::tensor({{0.0, 1.0, 0.0}}, torch::kFloat64)).backward();
  EXPECT_NEAR(z1.grad()[0][1].item<double>(), 1.0 / 3, 1e-12);
  EXPECT_NEAR(z1.grad()[0][0].item<double>(), -1.0 / 6, 1e-12);
  // Finite when p_c -> 1 (a naive log(1 - softmax) gives inf): -log(1 - p_1) = log(1 + e^200) = 200.
  auto big = torch::tensor({{0.0, 200.0}}, torch::kFloat32);
  const double v = negative_learning_loss(big, torch::tensor({{0.0f, 1.0f}})).item<double>();
  EXPECT_TRUE(std::isfinite(v));
  EXPECT_NEAR(v, 200.0, 1e-3);
  // No complementary label anywhere: zero (and still differentiable).
  auto zz = torch::randn({2, 3}).requires_grad_(true);
  auto none = negative_learning_loss(zz, torch::zeros({2, 3}));
  EXPECT_EQ(none.item<double>(), 0.0);
  none.backward();
}

TEST(NegativeSources, UniformNeverReturnsTheLabelAndIsReproducible) {
  auto labels = torch::randint(0, 8, {500}, torch::kLong);
  std::mt19937_64 a(complementary_seed(3, 1, 7)), b(complementary_seed(3, 1, 7)), c(complementary_seed(3, 1, 8));
  auto da = draw_uniform_complementary(labels, 8, 2, a), db = draw_uniform_complementary(labels, 8, 2, b);
  auto dc = draw_uniform_complementary(labels, 8, 2, c);
  EXPECT_TRUE(torch::equal(da.mask, db.mask));
  EXPECT_FALSE(torch::equal(da.mask, dc.mask));  // another step draws differently
  EXPECT_TRUE(torch::all(da.mask.sum(1) == 2).item<bool>());
  EXPECT_EQ(da.mask.gather(1, labels.unsqueeze(1)).sum().item<double>(), 0.0);
  // k above K - 1 is clipped to every other class.
  std::mt19937_64 r(1);
  EXPECT_TRUE(torch::all(draw_uniform_complementary(labels, 8, 20, r).mask.sum(1) == 7).item<bool>());
}

TEST(NegativeSources, VotesNeverReturnAVotedClassAfterTheOutlierRule) {
  std::mt19937_64 gen(11);
  std::uniform_int_distribution<int> count(0, 4);
  const int64_t n = 400;
  auto votes = torch::zeros({n, 10});
  for (int64_t i = 0; i < n; ++i)
    for (int c = 0; c < 10; ++c) votes[i][c] = count(gen) == 0 ? 0 : count(gen);  // many 1s: outliers
  auto labels = votes.slice(1, 0, 8).argmax(1);
  for (int k : {0, 1, 2}) {
    std::mt19937_64 rng(complementary_seed(0, 0, k));
    auto d = draw_vote_complementary(votes, labels, 8, k, rng);
    int64_t without = 0;
    for (int64_t i = 0; i < n; ++i) {
      int free_classes = 0;
      for (int c = 0; c < 8; ++c) {
        const float v = votes[i][c].item<float>();
        const bool is_free = c != labels[i].item<int64_t>() && v <= 1.0f;  // 0 or 1 vote = none
        free_classes += is_free;
        if (d.mask[i][c].item<float>() > 0) EXPECT_TRUE(is_free) << "row " << i << " class " << c << " votes " << v;
      }
      const int want = k == 0 ? free_classes : std::min(k, free_classes);
      EXPECT_EQ(d.mask[i].sum().item<float>(), want) << "row " << i;
      without += free_classes == 0;
    }
    EXPECT_EQ(d.rows_without, without);
  }
  // A single vote is an outlier: the class is still complementary.
  std::mt19937_64 rng(0);
  auto one = draw_vote_complementary(torch::tensor({{8.f, 1.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 1.f, 0.f}}),
                                     torch::tensor({0}, torch::kLong), 8, 0, rng);
  EXPECT_EQ(one.mask[0][1].item<float>(), 1.0f);
  EXPECT_EQ(one.mask.sum().item<float>(), 7.0f);
}

TEST(NegativeSources, TeacherDrawsFollowTheConfusionWeights) {
  // Every row has label 0 and the confusion row (0, 50, 10, 25, 5, 0, 8, 2): draws of one class
  // must follow w_c / sum w (c != 0); Pearson chi-square, fixed seed, df = 6 (seven positive
  // weights minus one); 0.999 quantile of chi2(6) = 22.458.
  const std::vector<double> w = {0, 50, 10, 25, 5, 0, 8, 2};
  const int64_t n = 20000;
  auto weights = torch::tensor(w, torch::kFloat64).unsqueeze(0).repeat({n, 1});
  auto labels = torch::zeros({n}, torch::kLong);
  std::mt19937_64 rng(complementary_seed(42, 0, 0));
  auto d = draw_weighted_complementary(weights, labels, 1, rng);
  auto counts = d.mask.sum(0);
  double total_w = 0, chi2 = 0;
  for (double x : w) total_w += x;
  for (int c = 0; c < 8; ++c) {
    const double observed = counts[c].item<double>();
    if (w[c] == 0) {
      EXPECT_EQ(observed, 0.0) << "class " << c << " has no weight";
      continue;
    }
    const double expected = n * w[c] / total_w;
    chi2 += (observed - expected) * (observed - expected) / expected;
  }
  EXPECT_LT(chi2, 22.458);
  EXPECT_EQ(counts.sum().item<double>(), static_cast<double>(n));
  // A label's own column never counts, even when it carries the weight.
  std::mt19937_64 r2(1);
  auto self = draw_weighted_complementary(torch::tensor({{9.0, 0.0, 1.0}}), torch::tensor({0}, torch::kLong), 1, r2);
  EXPECT_EQ(self.mask[0][2].item<float>(), 1.0f);
}

TEST(NegativeSources, ConfusionFromJsonCsvAndMetrics) {
  test::TempDir dir("confusion");
  std::string rows;
  for (int r = 0; r < 8; ++r) {
    rows += std::string(r ? "," : "") + "[";
    for (int c = 0; c < 8; ++c) rows += std::string(c ? "," : "") + std::to_string(r * 10 + c);
    rows += "]";
  }
  test::write_text(dir / "plain.json", "[" + rows + "]");
  test::write_text(dir / "metrics.json", "{\"n\": 3, \"8way\": {\"acc\": 0.5, \"confusion\": [" + rows + "]}}");
  std::string csv = "true,a,b,c,d,e,f,g,h\n";
  for (int r = 0; r < 8; ++r) {
    csv += "class" + std::to_string(r);
    for (int c = 0; c < 8; ++c) csv += "," + std::to_string(r * 10 + c);
    csv += "\n";
  }
  test::write_text(dir / "c.csv", csv);
  for (const char* f : {"plain.json", "metrics.json", "c.csv"}) {
    auto m = read_confusion_matrix(dir / f, 8);
    ASSERT_EQ(m.size(), 8u) << f;
    EXPECT_EQ(m[3][5], 35.0) << f;
  }
  test::write_text(dir / "bad.csv", "1,2\n3,x\n");
  const std::string e = error_of([&] { read_confusion_matrix(dir / "bad.csv", 2); });
  EXPECT_NE(e.find("bad.csv:2"), std::string::npos) << e;
  const std::string e2 = error_of([&] { read_confusion_matrix(dir / "plain.json", 7); });
  EXPECT_NE(e2.find("plain.json"), std::string::npos) << e2;
}

TEST(NegativeSelective, SwitchesPhasesAtTheConfiguredEpochs) {
  for (int e = 0; e < 2; ++e) EXPECT_EQ(nlnl_phase(e, 2, 3), NlnlPhase::kNegative);
  for (int e = 2; e < 5; ++e) EXPECT_EQ(nlnl_phase(e, 2, 3), NlnlPhase::kSelectiveNegative);
  for (int e = 5; e < 9; ++e) EXPECT_EQ(nlnl_phase(e, 2, 3), NlnlPhase::kSelectivePositive);
  EXPECT_EQ(nlnl_phase(0, 0, 0), NlnlPhase::kSelectivePositive);

  // Through the recipe term: SelNL drops rows with p_y <= threshold, SelPL is cross-entropy on
  // rows with p_y > selpl_threshold only.
  LossSetup setup;
  auto loss = build_loss(nlohmann::json::parse(R"([{"name": "negative", "source": "selective", "nl_epochs": 2,
      "selnl_epochs": 3, "selnl_threshold": 0.4, "selpl_threshold": 0.6, "k": 7}])"), setup);
  // p_y: row 0 = e^2 / (e^2 + 7) = 0.51, row 1 = 1/8, row 2 = e^3/(e^3+7) = 0.74.
  auto z = torch::zeros({3, 8}, torch::kFloat64);
  z[0][1] = 2.0;
  z[2][4] = 3.0;
  auto labels = torch::tensor({1, 1, 4}, torch::kLong);
  LossBatch b = batch_of(z, labels);
  auto at = [&](int epoch) {
    b.epoch = epoch;
    std::map<std::string, double> v;
    for (auto& [name, t] : loss.forward(b)) v[name] = t.item<double>();
    return v;
  };
  auto nl_all = torch::ones({3, 8}, torch::kFloat64);  // k = 7: every other class
  nl_all.scatter_(1, labels.unsqueeze(1), 0.0);
  auto nl = at(1);
  EXPECT_NEAR(nl["negative"], negative_learning_loss(z, nl_all).item<double>(), 1e-12);
  EXPECT_EQ(nl["negative_selpl"], 0.0);
  auto selnl = at(3);
  auto keep = nl_all.clone();
  keep[1].zero_();  // p_y = 1/8 <= 0.4
  EXPECT_NEAR(selnl["negative"], negative_learning_loss(z, keep).item<double>(), 1e-12);
  auto selpl = at(5);
  EXPECT_EQ(selpl["negative"], 0.0);
  auto rows = torch::tensor({2}, torch::kLong);  // only p_y = 0.74 > 0.6
  EXPECT_NEAR(selpl["negative_selpl"],
              torch::nn::functional::cross_entropy(z.index_select(0, rows), labels.index_select(0, rows)).item<double>(), 1e-12);
}

TEST(NegativeErrors, BadInputIsAClearError) {
  LossSetup setup;
  auto build = [&](const std::string& table) { build_loss(nlohmann::json::parse("[" + table + "]"), setup); };
  std::string e = error_of([&] { build(R"({"name": "negative", "weight": -0.5})"); });
  EXPECT_NE(e.find("lambda_neg"), std::string::npos) << e;
  EXPECT_NE(e.find("-0.5"), std::string::npos) << e;
  e = error_of([&] { build(R"({"name": "negative", "source": "teacher"})"); });
  EXPECT_NE(e.find("needs a teacher"), std::string::npos) << e;
  e = error_of([&] { build(R"({"name": "negative", "source": "confusion"})"); });
  EXPECT_NE(e.find("uniform, votes, teacher or selective"), std::string::npos) << e;
  // votes on a batch without votes: the term says what it needs.
  auto loss = build_loss(nlohmann::json::parse(R"([{"name": "negative", "source": "votes", "k": 0}])"), setup);
  EXPECT_TRUE(loss.needs_votes());
  LossBatch b = batch_of(torch::zeros({2, 8}), torch::tensor({0, 1}, torch::kLong));
  e = error_of([&] { loss.forward(b); });
  EXPECT_NE(e.find("needs annotator votes"), std::string::npos) << e;
  // A teacher-guided source with a recipe teacher asks for its logits.
  setup.num_teachers = 1;
  auto guided = build_loss(nlohmann::json::parse(R"([{"name": "negative", "source": "teacher"}])"), setup);
  EXPECT_TRUE(guided.needs_teacher());
  e = error_of([&] { guided.forward(b); });
  EXPECT_NE(e.find("teacher logits"), std::string::npos) << e;
}

}  // namespace
}  // namespace ferkit
