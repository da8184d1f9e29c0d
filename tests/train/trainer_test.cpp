#include <torch/torch.h>

#include <fstream>

#include <gtest/gtest.h>

#include "ferkit/checkpoint.h"
#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/run_dir.h"
#include "ferkit/trainer.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

// The bundled synthetic sample (data/sample) at 1 thread: a few seconds per run.
Recipe smoke_recipe(const std::filesystem::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> ov = {"out=" + out.string(), "threads=1", "loader.threads=1"};
  ov.insert(ov.end(), extra.begin(), extra.end());
  return load_recipe(std::filesystem::path(FERKIT_SOURCE_DIR) / "configs/smoke.toml", ov);
}

std::vector<nlohmann::json> epoch_rows(const std::filesystem::path& dir) {
  std::ifstream in(dir / "metrics.jsonl");
  std::vector<nlohmann::json> rows;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    set_verbosity(Verbosity::kQuiet);
  }
  void TearDown() override { set_verbosity(Verbosity::kNormal); }
};

TEST_F(TrainerTest, WritesACompleteRunDirectory) {
  test::TempDir dir("train");
  TrainResult r = train_model(smoke_recipe(dir / "run", {"epochs=2"}));
  ASSERT_TRUE(r.finished);
  for (const char* f : {"run.json", "config.json", "fingerprint.json", "dataset.json", "metrics.jsonl", "metrics.csv",
                        "best.pt", "best.json", "last.pt", "last.json", "last_optimizer.pt", "train_state.json",
                        "metrics.json", "predictions.csv", "confusion_counts.png", "reliability.png", "curves_accuracy.png"})
    EXPECT_TRUE(std::filesystem::exists(dir / "run" / f)) << f;
  auto rows = epoch_rows(dir / "run");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1]["epoch"], 2);
  EXPECT_TRUE(rows[0].contains("train_ce"));  // every loss term is logged by name
  // The best checkpoint is the epoch with the best validation macro-F1 (first on ties).
  int best = rows[0]["valid_macro_f1"] >= rows[1]["valid_macro_f1"] ? 1 : 2;
  EXPECT_EQ(r.best_epoch, best);
  // It loads from its two files alone and carries the dataset fingerprint and the config.
  Checkpoint ck = load_checkpoint(dir / "run" / "best.pt");
  auto fp = read_json_file(dir / "run" / "fingerprint.json");
  EXPECT_EQ(ck.sidecar.dataset_fingerprint, fp["train_dataset"].get<std::string>());
  EXPECT_EQ(ck.sidecar.config["model"]["architecture"], "mobilenetv3_small_48");
  EXPECT_EQ(ck.sidecar.temperature, 1.0);
  auto metrics = read_json_file(dir / "run" / "metrics.json");
  for (const char* k : {"8way", "present_only", "calibration", "ci95", "n", "dataset_fingerprint", "model"})
    EXPECT_TRUE(metrics.contains(k)) << k;
  EXPECT_EQ(metrics["dataset_fingerprint"], fp["valid_dataset"]);
}

TEST_F(TrainerTest, ResumeGivesTheSameMetricsAsAnUninterruptedRun) {
  test::TempDir dir("resume");
  const std::vector<std::string> ov = {"epochs=3", "ema=true", "ema_decay=0.9"};
  train_model(smoke_recipe(dir / "full", ov));
  TrainControl stop;
  stop.stop_after_epochs = 1;
  TrainResult partial = train_model(smoke_recipe(dir / "split", ov), stop);
  EXPECT_FALSE(partial.finished);
  EXPECT_EQ(epoch_rows(dir / "split").size(), 1u);
  TrainControl resume;
  resume.resume = true;
  TrainResult rest = train_model(smoke_recipe(dir / "split", ov), resume);
  EXPECT_TRUE(rest.finished);
  auto a = epoch_rows(dir / "full"), b = epoch_rows(dir / "split");
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  for (size_t e = 0; e < 3; ++e)
    for (const char* k : {"train_loss", "train_acc", "valid_acc", "valid_macro_f1", "valid_nll", "lr"})
      EXPECT_NEAR(a[e][k].get<double>(), b[e][k].get<double>(), 1e-6) << "epoch " << e + 1 << " " << k;
  // The resumed run directory records the resume.
  EXPECT_TRUE(read_json_file(dir / "split" / "run.json").contains("resumed"));
}

TEST_F(TrainerTest, RefusesToOverwriteARunWithoutResume) {
  test::TempDir dir("overwrite");
  train_model(smoke_recipe(dir / "run", {"epochs=1"}));
  EXPECT_THROW(train_model(smoke_recipe(dir / "run", {"epochs=1"})), Error);
}

TEST_F(TrainerTest, BadRecipesGiveClearErrors) {
  test::TempDir dir("bad");
  auto message = [&](std::vector<std::string> ov) -> std::string {
    try {
      train_model(smoke_recipe(dir / ("r" + std::to_string(std::rand())), ov));
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message({"model.architecture=resnet19"}).find("resnet18"), std::string::npos);
  EXPECT_NE(message({"data.format=ferplus2"}).find("did you mean ferplus"), std::string::npos);
  EXPECT_NE(message({"data.path=/nonexistent/ferplus"}).find("/nonexistent/ferplus"), std::string::npos);
  try {
    smoke_recipe(dir / "x", {"schedule.lr_max=1"});
    FAIL() << "a typo in a key must be an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("schedule.lr_max"), std::string::npos) << e.what();
  }
  EXPECT_NE(message({"loss=[{\"name\": \"kd\"}]"}).find("teacher"), std::string::npos);
}

TEST(StratifiedSubset, KeepsEveryClassAndCountsTheRest) {
  Dataset d;
  for (int i = 0; i < 100; ++i) {
    Sample s;
    s.label = i < 90 ? 0 : (i < 99 ? 1 : 2);
    s.target = one_hot(s.label);
    d.samples.push_back(s);
  }
  Dataset sub = stratified_subset(d, 20, 3);
  auto c = sub.class_counts();
  EXPECT_EQ(c[0], 18);
  EXPECT_EQ(c[1], 2);
  EXPECT_EQ(c[2], 1);  // at least one of a present class
  EXPECT_EQ(sub.total_dropped(), 100 - static_cast<int64_t>(sub.samples.size()));
  EXPECT_EQ(stratified_subset(d, 0, 3).samples.size(), 100u);
}

}  // namespace
}  // namespace ferkit
