// metrics.json (schema and values), aggregation over seeds, and the predictions CSV.
#include <cmath>
#include <random>

#include <nlohmann/json.hpp>

#include "ferkit/error.h"
#include "ferkit/metrics.h"
#include "ferkit/options.h"
#include "ferkit/predictions_csv.h"
#include "ferkit/taxonomy.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

struct Data {
  ProbabilityMatrix p;
  std::vector<int> y;
};

// Random probabilities with classes `absent` never in the labels.
Data random_data(int n, uint64_t seed, std::vector<int> absent = {kContempt}) {
  std::mt19937_64 rng(seed);
  std::vector<int> present;
  for (int k = 0; k < kNumClasses; ++k)
    if (std::find(absent.begin(), absent.end(), k) == absent.end()) present.push_back(k);
  Data d{ProbabilityMatrix(n, kNumClasses), {}};
  for (int i = 0; i < n; ++i) {
    const int y = present[rng() % present.size()];
    d.y.push_back(y);
    double sum = 0;
    for (int k = 0; k < kNumClasses; ++k) sum += d.p.at(i, k) = std::exp((k == y ? 1.0 : 0.0) + (rng() % 1000) / 300.0);
    for (int k = 0; k < kNumClasses; ++k) d.p.at(i, k) /= sum;
  }
  return d;
}

TEST(EvaluationReport, JsonHasTheSchemaAndTheReportValues) {
  const Data d = random_data(300, 1);
  EvaluationOptions o;
  o.bootstrap.resamples = 100;
  const auto r = evaluate(d.p, d.y, o);
  const nlohmann::json j = metrics_to_json(r, "resnet18-seed1", "abc123");

  for (const char* key : {"acc", "macro_f1", "bacc", "macro_auroc", "minority_f1"}) ASSERT_TRUE(j["8way"][key].is_number()) << key;
  for (const char* key : {"acc", "macro_f1", "bacc", "macro_auroc"}) ASSERT_TRUE(j["present_only"][key].is_number()) << key;
  EXPECT_DOUBLE_EQ(j["8way"]["acc"].get<double>(), r.all_classes.accuracy);
  EXPECT_DOUBLE_EQ(j["8way"]["macro_f1"].get<double>(), r.all_classes.macro_f1);
  EXPECT_DOUBLE_EQ(j["present_only"]["macro_f1"].get<double>(), r.present_only.macro_f1);
  // contempt is absent: present-only averages over 7 classes, so its macro-F1 is 8/7 of 8-way's
  // (contempt's F1 is 0 either way).
  EXPECT_NEAR(r.present_only.macro_f1, r.all_classes.macro_f1 * 8.0 / 7.0, 1e-12);
  EXPECT_EQ(j["present_only"]["present_names"].size(), 7u);
  EXPECT_EQ(j["8way"]["auroc_excluded"], nlohmann::json::array({"contempt"}));
  EXPECT_EQ(j["8way"]["per_class"].size(), 8u);
  for (int k = 0; k < kNumClasses; ++k) {
    const auto& c = j["8way"]["per_class"][class_name(k)];
    for (const char* key : {"precision", "recall", "f1", "support"}) ASSERT_TRUE(c[key].is_number()) << key;
    EXPECT_EQ(c["support"].get<int64_t>(), std::count(d.y.begin(), d.y.end(), k));
  }
  EXPECT_TRUE(j["8way"]["per_class"]["contempt"]["auroc"].is_null());
  ASSERT_EQ(j["8way"]["confusion"].size(), 8u);
  int64_t total = 0;
  for (const auto& row : j["8way"]["confusion"]) {
    ASSERT_EQ(row.size(), 8u);
    for (const auto& v : row) total += v.get<int64_t>();
  }
  EXPECT_EQ(total, 300);
  EXPECT_EQ(j["calibration"]["bins"].get<int>(), 15);
  EXPECT_DOUBLE_EQ(j["calibration"]["ece"].get<double>(), r.calibration.ece);
  for (const char* key : {"acc", "macro_f1", "bacc"}) {
    ASSERT_EQ(j["ci95"][key].size(), 2u) << key;
    EXPECT_LE(j["ci95"][key][0].get<double>(), j["ci95"][key][1].get<double>()) << key;
  }
  EXPECT_EQ(j["n"].get<int64_t>(), 300);
  EXPECT_EQ(j["model"], "resnet18-seed1");
  EXPECT_EQ(j["dataset_fingerprint"], "abc123");
  EXPECT_EQ(j["8way"]["minority_names"], nlohmann::json::array({"disgust", "fear", "sadness"}));
}

TEST(EvaluationReport, OptionsBindFromConfigWithNestedBootstrap) {
  EvaluationOptions o;
  bind_options(nlohmann::json::parse(R"({"minority_classes": ["fear"], "bootstrap": {"resamples": 50, "seed": 3}})"), o,
               "eval");
  EXPECT_EQ(o.minority_classes, (std::vector<std::string>{"fear"}));
  EXPECT_EQ(o.bootstrap.resamples, 50);
  EXPECT_EQ(o.bootstrap.seed, 3);
  EXPECT_EQ(o.ece_bins, 15);  // untouched default
  try {
    bind_options(nlohmann::json::parse(R"({"bootstrap": {"resample": 50}})"), o, "eval");
    FAIL() << "an unknown key was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("resamples"), std::string::npos) << e.what();
  }
  EXPECT_EQ(to_json(o)["bootstrap"]["level"].get<double>(), 0.95);
}

TEST(EvaluationReport, UndefinedAurocIsNull) {
  Data d = random_data(20, 2, {0, 1, 2, 3, 4, 5, 7});  // only fear present
  EvaluationOptions o;
  o.bootstrap.resamples = 10;
  const auto j = metrics_to_json(evaluate(d.p, d.y, o), "m", "f");
  EXPECT_TRUE(j["8way"]["macro_auroc"].is_null());
  EXPECT_TRUE(j["present_only"]["macro_auroc"].is_null());
  EXPECT_EQ(j["present_only"]["present_names"], nlohmann::json::array({"fear"}));
}

TEST(AggregateRuns, MeanAndSampleStdOfEveryNumericLeaf) {
  const auto a = nlohmann::json::parse(R"({"x": 1, "g": {"y": [1, 10], "s": "same", "u": null}, "m": "run-a"})");
  const auto b = nlohmann::json::parse(R"({"x": 2, "g": {"y": [2, 10], "s": "same", "u": 0.5}, "m": "run-b"})");
  const auto c = nlohmann::json::parse(R"({"x": 4, "g": {"y": [3, 10], "s": "same", "u": 0.7}, "m": "run-c"})");
  const auto agg = aggregate_runs({a, b, c});
  EXPECT_EQ(agg["runs"].get<int>(), 3);
  EXPECT_NEAR(agg["mean"]["x"].get<double>(), 7.0 / 3, 1e-15);
  // deviations -4/3, -1/3, 5/3: sum of squares 42/9, over n - 1 = 2
  EXPECT_NEAR(agg["std"]["x"].get<double>(), std::sqrt(42.0 / 9 / 2), 1e-15);
  EXPECT_NEAR(agg["mean"]["g"]["y"][0].get<double>(), 2.0, 1e-15);
  EXPECT_NEAR(agg["std"]["g"]["y"][0].get<double>(), 1.0, 1e-15);
  EXPECT_NEAR(agg["std"]["g"]["y"][1].get<double>(), 0.0, 1e-15);
  EXPECT_EQ(agg["mean"]["g"]["s"], "same");
  EXPECT_TRUE(agg["mean"]["g"]["u"].is_null());  // undefined in one run: undefined aggregate
  EXPECT_EQ(agg["mean"]["m"], nlohmann::json::array({"run-a", "run-b", "run-c"}));
  EXPECT_TRUE(aggregate_runs({a})["std"]["x"].is_null());
}

TEST(AggregateRuns, MetricsOfThreeSeedsAggregateToTheirMean) {
  std::vector<nlohmann::json> runs;
  std::vector<double> accs;
  EvaluationOptions o;
  o.bootstrap.resamples = 20;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    const Data d = random_data(120, seed);
    const auto r = evaluate(d.p, d.y, o);
    accs.push_back(r.all_classes.accuracy);
    runs.push_back(metrics_to_json(r, "seed" + std::to_string(seed), "fp"));
  }
  const auto agg = aggregate_runs(runs);
  const double mean = (accs[0] + accs[1] + accs[2]) / 3;
  double ss = 0;
  for (double a : accs) ss += (a - mean) * (a - mean);
  EXPECT_NEAR(agg["mean"]["8way"]["acc"].get<double>(), mean, 1e-15);
  EXPECT_NEAR(agg["std"]["8way"]["acc"].get<double>(), std::sqrt(ss / 2), 1e-15);
  EXPECT_EQ(agg["mean"]["dataset_fingerprint"], "fp");
  EXPECT_TRUE(agg["mean"]["ci95"]["acc"].is_array());
}

TEST(AggregateRuns, ShapeMismatchNamesRunAndPath) {
  const auto a = nlohmann::json::parse(R"({"8way": {"acc": 0.5, "macro_f1": 0.4}})");
  const auto b = nlohmann::json::parse(R"({"8way": {"acc": 0.6, "macro_f2": 0.4}})");
  try {
    aggregate_runs({a, b});
    FAIL() << "differing keys were accepted";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("run 1"), std::string::npos) << m;
    EXPECT_NE(m.find("/8way/macro_f1"), std::string::npos) << m;
  }
  const auto c = nlohmann::json::parse(R"({"8way": {"acc": "high", "macro_f1": 0.4}})");
  EXPECT_THROW(aggregate_runs({a, c}), Error);
  EXPECT_THROW(aggregate_runs({}), Error);
}

TEST(PredictionsCsv, RoundTripIsExact) {
  const Data d = random_data(25, 4);
  std::vector<std::string> paths;
  for (int i = 0; i < 25; ++i) paths.push_back("FER2013Test/fer" + std::to_string(i) + (i == 3 ? ",odd.png" : ".png"));
  std::vector<int> predicted = argmax_rows(d.p);
  predicted[2] = -1;
  test::TempDir dir("pred");
  write_predictions_csv(dir / "p.csv", paths, d.y, d.p, predicted);
  const auto t = read_predictions_csv(dir / "p.csv");
  EXPECT_EQ(t.paths, paths);
  EXPECT_EQ(t.labels, d.y);
  EXPECT_EQ(t.probs.values, d.p.values);  // bit-identical doubles
  EXPECT_EQ(t.predicted, predicted);
  const std::string text = test::read_text(dir / "p.csv");
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "path,true_label,p_neutral,p_happiness,p_surprise,p_sadness,p_anger,p_disgust,p_fear,p_contempt,"
            "predicted,abstained");
  EXPECT_NE(text.find(",unknown,1\n"), std::string::npos);

  write_predictions_csv(dir / "q.csv", paths, d.y, d.p);
  const auto u = read_predictions_csv(dir / "q.csv");
  EXPECT_TRUE(u.predicted.empty());
  EXPECT_EQ(u.probs.values, d.p.values);
}

TEST(PredictionsCsv, ErrorsNameFileAndLine) {
  test::TempDir dir("pred-bad");
  test::write_text(dir / "bad.csv",
                   "path,true_label,p_neutral,p_happiness,p_surprise,p_sadness,p_anger,p_disgust,p_fear,p_contempt\n"
                   "a.png,happiness,0,1,0,0,0,0,0,0\n"
                   "b.png,bored,0,1,0,0,0,0,0,0\n");
  try {
    read_predictions_csv(dir / "bad.csv");
    FAIL() << "label 'bored' was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:3"), std::string::npos) << e.what();
  }
  test::write_text(dir / "sum.csv",
                   "path,true_label,p_neutral,p_happiness,p_surprise,p_sadness,p_anger,p_disgust,p_fear,p_contempt\n"
                   "a.png,happiness,0,0.9,0,0,0,0,0,0\n");
  try {
    read_predictions_csv(dir / "sum.csv");
    FAIL() << "a row summing to 0.9 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sum.csv:2"), std::string::npos) << e.what();
  }
  const Data d = random_data(2, 5);
  EXPECT_THROW(write_predictions_csv(dir / "x.csv", {"only-one"}, d.y, d.p), Error);
}

}  // namespace
}  // namespace ferkit
