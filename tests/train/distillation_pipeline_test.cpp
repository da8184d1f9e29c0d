// Teachers end to end on the bundled sample: export logits bound to the data, distil from them,
// fuse an ensemble, calibrate a checkpoint, run an ablation.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include "ferkit/ablation.h"
#include "ferkit/calibrate.h"
#include "ferkit/checkpoint.h"
#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/manifest.h"
#include "ferkit/run_dir.h"
#include "ferkit/side_file.h"
#include "ferkit/teacher.h"
#include "ferkit/trainer.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

const std::filesystem::path kSource = FERKIT_SOURCE_DIR;

class DistillationPipeline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    torch::set_num_threads(1);
    set_verbosity(Verbosity::kQuiet);
    dir_ = new test::TempDir("distil");
    for (int seed : {0, 1}) {
      Recipe r = load_recipe(kSource / "configs/smoke.toml",
                             {"out=" + (dir_->path() / ("t" + std::to_string(seed))).string(), "epochs=2",
                              "seed=" + std::to_string(seed), "threads=1", "loader.threads=1"});
      train_model(r);
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    set_verbosity(Verbosity::kNormal);
  }
  static std::filesystem::path teacher(int i) { return dir_->path() / ("t" + std::to_string(i)) / "best.pt"; }
  static ReadOptions sample(const std::string& split, const std::string& mode = "majority") {
    ReadOptions o;
    o.format = "ferplus";
    o.path = kSource / "data/sample";
    o.split = split;
    o.label_mode = mode;
    return o;
  }
  static test::TempDir* dir_;
};
test::TempDir* DistillationPipeline::dir_ = nullptr;

TEST_F(DistillationPipeline, ExportedLogitsAreBoundToTheirDataAndDriveKd) {
  TeacherExportOptions e;
  e.model = teacher(0).string();
  e.data = sample("train");
  e.threads = 1;
  const auto logits = dir_->path() / "teacher_logits.npz";
  int64_t n = export_teacher_logits(e, logits);
  Dataset train = read_dataset(sample("train"));
  EXPECT_EQ(n, static_cast<int64_t>(train.samples.size()));
  // The side file belongs to exactly this dataset.
  SideFile s = read_side_file(logits, build_manifest(train, 1).identity(), "teacher_logits");
  EXPECT_EQ(s.cols, 8);
  // A student that reads other data (another label rule) is refused, not silently misaligned.
  Dataset other = read_dataset(sample("train", "probability"));
  EXPECT_THROW(read_side_file(logits, build_manifest(other, 1).identity(), "teacher_logits"), Error);

  Recipe student = load_recipe(kSource / "configs/smoke.toml",
                               {"out=" + (dir_->path() / "kd").string(), "epochs=1", "threads=1", "loader.threads=1",
                                "teacher=[{\"logits\": \"" + logits.string() + "\"}]",
                                "loss=[{\"name\": \"ce\", \"weight\": 0.5}, {\"name\": \"kd\", \"weight\": 0.5, \"temperature\": 4}]"});
  TrainResult r = train_model(student);
  EXPECT_TRUE(r.finished);
  auto row = nlohmann::json::parse(test::read_text(dir_->path() / "kd" / "metrics.jsonl").substr(0, test::read_text(dir_->path() / "kd" / "metrics.jsonl").find('\n')));
  EXPECT_TRUE(row.contains("train_kd"));
  EXPECT_GT(row["train_kd"].get<double>(), 0.0);

  Recipe mismatched = load_recipe(kSource / "configs/smoke.toml",
                                  {"out=" + (dir_->path() / "kd-bad").string(), "epochs=1", "threads=1", "loader.threads=1",
                                   "data.label_mode=probability", "teacher=[{\"logits\": \"" + logits.string() + "\"}]",
                                   "loss=[{\"name\": \"kd\"}]"});
  EXPECT_THROW(train_model(mismatched), Error);
}

TEST_F(DistillationPipeline, EnsembleSearchIsNoWorseThanTheBestSingleTeacher) {
  EnsembleSearchOptions o;
  o.models = {teacher(0).string(), teacher(1).string()};
  o.data = sample("valid");
  o.threads = 1;
  o.weight_step = 0.25;
  EnsembleRecipe r = search_ensemble(o);
  ASSERT_EQ(r.members.size(), 2u);
  EXPECT_NEAR(r.members[0].weight + r.members[1].weight, 1.0, 1e-12);
  // The grid contains each single teacher (weights 1/0), so the optimum is at least as good.
  EXPECT_GE(r.validation["ensemble"]["objective"].get<double>() + 1e-12, r.validation["best_single_objective"].get<double>());
  const auto recipe = dir_->path() / "ens.json";
  write_ensemble_recipe(recipe, r);
  EnsembleRecipe back = read_ensemble_recipe(recipe);
  EXPECT_EQ(back.members[1].model, r.members[1].model);
  // The recipe is one teacher: its fused logits are the log of the fused probabilities.
  Dataset valid = read_dataset(sample("valid"));
  LogitMatrix fused = teacher_logits(recipe, "auto", valid, 1);
  LogitMatrix z0 = teacher_logits(teacher(0), "auto", valid, 1), z1 = teacher_logits(teacher(1), "auto", valid, 1);
  auto p0 = softmax_with_temperature(z0, r.members[0].temperature), p1 = softmax_with_temperature(z1, r.members[1].temperature);
  for (int k = 0; k < 8; ++k)
    EXPECT_NEAR(std::exp(fused.at(0, k)), r.members[0].weight * p0.at(0, k) + r.members[1].weight * p1.at(0, k), 1e-9);
}

TEST_F(DistillationPipeline, EnsembleRecipesRejectBadWeights) {
  const auto f = dir_->path() / "bad_ens.json";
  write_json_file(f, {{"members", nlohmann::json::array()}});
  EXPECT_THROW(read_ensemble_recipe(f), Error);  // empty
  write_json_file(f, {{"members", {{{"model", "a.pt"}, {"weight", -1.0}}}}});
  EXPECT_THROW(read_ensemble_recipe(f), Error);
  write_json_file(f, {{"members", {{{"model", "a.pt"}, {"temperature", 0.0}}}}});
  EXPECT_THROW(read_ensemble_recipe(f), Error);
  write_json_file(f, {{"members", {{{"model", "a.pt"}, {"weight", 2.0}}, {{"model", "b.pt"}, {"weight", 2.0}}}}});
  EnsembleRecipe r = read_ensemble_recipe(f);  // normalised with a warning
  EXPECT_DOUBLE_EQ(r.members[0].weight, 0.5);
}

TEST_F(DistillationPipeline, CalibrateWritesTemperatureAndThresholdsIntoTheSidecar) {
  const auto model = dir_->path() / "cal.pt";
  std::filesystem::copy_file(teacher(0), model);
  std::filesystem::copy_file(teacher(0).replace_extension(".json"), dir_->path() / "cal.json");
  CalibrateOptions o;
  o.model = model;
  o.data = sample("valid");
  o.threads = 1;
  o.holdout = 0.0;  // 30 samples: fit on all of them
  CalibrationResult r = calibrate_model(o);
  Sidecar s = read_sidecar(model);
  EXPECT_DOUBLE_EQ(s.temperature, r.temperature);
  EXPECT_GT(s.temperature, 0.0);
  EXPECT_EQ(s.abstain_thresholds.size(), 8u);
  // Fitting minimises NLL: the fitted temperature is no worse than T = 1 on the fitting data.
  EXPECT_LE(r.report["fit"]["after"]["nll"].get<double>(), r.report["fit"]["before"]["nll"].get<double>() + 1e-9);
  EXPECT_TRUE(std::filesystem::exists(dir_->path() / "calibration.json"));
}

TEST_F(DistillationPipeline, AblationDryRunResolvesEveryArmAndSeed) {
  const auto file = dir_->path() / "abl.toml";
  test::write_text(file, "name = \"t\"\nbase = \"" + (kSource / "configs/smoke.toml").string() +
                             "\"\nseeds = [0, 1]\nout = \"" + (dir_->path() / "abl").string() +
                             "\"\noverrides = [\"epochs=1\"]\n"
                             "[[arm]]\nname = \"B0\"\nlabel = \"CE\"\nloss = [{ name = \"ce\" }]\n"
                             "[[arm]]\nname = \"B1\"\nlabel = \"focal\"\nloss = [{ name = \"focal\", gamma = 2.0 }]\n");
  AblationResult r = run_ablation(read_ablation(file), /*dry_run=*/true);
  for (const char* arm : {"B0", "B1"})
    for (int s : {0, 1}) {
      auto cfg = read_json_file(dir_->path() / "abl" / (std::string(arm) + "-s" + std::to_string(s)) / "planned_config.json");
      EXPECT_EQ(cfg["seed"], s);
      EXPECT_EQ(cfg["epochs"], 1);
      EXPECT_EQ(cfg["loss"][0]["name"], std::string(arm) == "B0" ? "ce" : "focal");
    }
  // --out sends the runs elsewhere (a smoke run must not be reused as the real one).
  auto cli = test::run_cli({"ablate", "--recipe", file.string(), "--dry-run", "--out", (dir_->path() / "elsewhere").string()});
  ASSERT_EQ(cli.status, 0) << cli.err;
  EXPECT_TRUE(std::filesystem::exists(dir_->path() / "elsewhere/B1-s1/planned_config.json"));
  test::write_text(file, "name = \"t\"\nbase = \"missing.toml\"\n[[arm]]\nname = \"B0\"\n");
  EXPECT_THROW(read_ablation(file), Error);
}

}  // namespace
}  // namespace ferkit
