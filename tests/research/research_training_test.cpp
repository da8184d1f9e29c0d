// Both methods through the trainer on the bundled sample (data/sample, 1 thread, a few steps):
// the negative term is logged by name, deep_momentum trains and resumes, and recipes that cannot
// work fail with errors that name the data and the switch.
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <set>

#include <gtest/gtest.h>

#include "ferkit/ablation.h"
#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/trainer.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

Recipe smoke(const std::filesystem::path& out, std::vector<std::string> extra) {
  std::vector<std::string> ov = {"out=" + out.string(), "threads=1", "loader.threads=1", "epochs=1",
                                 "max_steps_per_epoch=3"};
  ov.insert(ov.end(), extra.begin(), extra.end());
  return load_recipe(std::filesystem::path(FERKIT_SOURCE_DIR) / "configs/smoke.toml", ov);
}

nlohmann::json first_row(const std::filesystem::path& dir) {
  std::ifstream in(dir / "metrics.jsonl");
  std::string line;
  std::getline(in, line);
  return nlohmann::json::parse(line);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

class ResearchTraining : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    set_verbosity(Verbosity::kQuiet);
  }
  void TearDown() override { set_verbosity(Verbosity::kNormal); }
};

TEST_F(ResearchTraining, NegativeTermsAreLoggedByName) {
  test::TempDir dir("neg");
  Recipe r = smoke(dir / "run", {R"(loss=[{"name": "ce"}, {"name": "negative", "weight": 0.5, "source": "votes", "k": 0}])"});
  TrainResult res = train_model(r);
  ASSERT_TRUE(res.finished);
  auto row = first_row(dir / "run");
  ASSERT_TRUE(row.contains("train_negative")) << row.dump();
  EXPECT_GT(row["train_negative"].get<double>(), 0.0);
  EXPECT_NEAR(row["train_loss"].get<double>(), row["train_ce"].get<double>() + row["train_negative"].get<double>(), 1e-6);
}

TEST_F(ResearchTraining, DeepMomentumLocalTrainsWithAMultiFrequencyHead) {
  test::TempDir dir("dm-local");
  TrainResult r = train_model(smoke(dir / "run", {"optim.name=deep_momentum", "optim.deep_momentum.hidden=8",
                                                  "optim.deep_momentum.head_every=[1, 4]", "schedule.lr=0.01"}));
  ASSERT_TRUE(r.finished);
  auto row = first_row(dir / "run");
  EXPECT_TRUE(std::isfinite(row["train_loss"].get<double>())) << row.dump();
}

TEST_F(ResearchTraining, DeepMomentumMetaResumesFromItsSavedState) {
  test::TempDir dir("dm-meta");
  const std::vector<std::string> ov = {"optim.name=deep_momentum", "optim.deep_momentum.memory_training=meta",
                                       "optim.deep_momentum.hidden=8", "schedule.lr=0.01", "epochs=2"};
  TrainControl stop;
  stop.stop_after_epochs = 1;
  EXPECT_FALSE(train_model(smoke(dir / "run", ov), stop).finished);
  TrainControl resume;
  resume.resume = true;
  TrainResult rest = train_model(smoke(dir / "run", ov), resume);  // loads last_optimizer.pt
  ASSERT_TRUE(rest.finished);
  EXPECT_TRUE(std::isfinite(rest.best_metric));
}

TEST_F(ResearchTraining, RecipesThatCannotWorkAreClearErrors) {
  test::TempDir dir("bad");
  // Votes on data without votes: a folder dataset (one folder per class) has none.
  for (const char* split : {"train", "valid"})
    for (const char* cls : {"happiness", "sadness"})
      for (int i = 0; i < 3; ++i) {
        std::filesystem::create_directories(dir / "faces" / split / cls);
        test::write_png(dir / "faces" / split / cls / (std::to_string(i) + ".png"), i + (cls[0] == 'h' ? 0 : 10));
      }
  std::string e = error_of([&] {
    train_model(smoke(dir / "votes", {"data.format=folder", "data.path=" + (dir / "faces").string(),
                                      R"(loss=[{"name": "negative", "source": "votes"}])"}));
  });
  EXPECT_NE(e.find("votes"), std::string::npos) << e;
  EXPECT_NE(e.find("folder"), std::string::npos) << e;
  e = error_of([&] { train_model(smoke(dir / "teacher", {R"(loss=[{"name": "negative", "source": "teacher"}])"})); });
  EXPECT_NE(e.find("needs a teacher"), std::string::npos) << e;
  e = error_of([&] { train_model(smoke(dir / "lambda", {R"(loss=[{"name": "negative", "weight": -1}])"})); });
  EXPECT_NE(e.find("lambda_neg"), std::string::npos) << e;
  e = error_of([&] { train_model(smoke(dir / "width", {"optim.name=deep_momentum", "optim.deep_momentum.hidden=0"})); });
  EXPECT_NE(e.find("hidden"), std::string::npos) << e;
}

TEST_F(ResearchTraining, AblationConfigResolvesEveryArm) {
  test::TempDir dir("ablation");
  AblationSpec spec = read_ablation(std::filesystem::path(FERKIT_SOURCE_DIR) / "configs/ablation_negative_nested.toml");
  spec.out = dir / "abl";
  EXPECT_GE(spec.seeds.size(), 2u);
  std::set<std::string> labels;
  for (const auto& a : spec.arms) labels.insert(a.label);
  for (const char* want : {"CE", "CE+KD", "+neg uniform", "+neg votes", "+neg teacher", "+neg selective (NLNL)",
                           "+deep momentum local", "+deep momentum meta"})
    EXPECT_TRUE(labels.count(want)) << want;
  run_ablation(spec, /*dry_run=*/true);
  for (const auto& a : spec.arms)
    for (int64_t s : spec.seeds) {
      auto cfg = dir / "abl" / (a.name + "-s" + std::to_string(s)) / "planned_config.json";
      ASSERT_TRUE(std::filesystem::exists(cfg)) << cfg;
      auto j = nlohmann::json::parse(std::ifstream(cfg));
      EXPECT_EQ(j["model"]["architecture"], "mobilenetv3_small_48") << a.name;
      EXPECT_EQ(j["seed"], s) << a.name;
      // Every arm's loss builds (the dry run only resolves the recipe).
      LossSetup setup;
      setup.num_teachers = static_cast<int>(j["teacher"].size());
      EXPECT_NO_THROW(build_loss(j["loss"], setup, a.name)) << a.name;
    }
}

}  // namespace
}  // namespace ferkit
