// `ferkit pipeline --quick` end to end on the bundled sample faces: every stage's outputs, the
// results table, reuse of finished stages, refusal of changed inputs, and the bad-input paths.
#include <torch/torch.h>

#include <fstream>

#include <gtest/gtest.h>

#include "ferkit/console.h"
#include "ferkit/neurogaze_pipeline.h"
#include "ferkit/run_dir.h"
#include "prior_fixtures.h"

namespace ferkit {
namespace {

const std::filesystem::path kSource = FERKIT_SOURCE_DIR;

NeurogazeOptions quick_options(const std::filesystem::path& out) {
  NeurogazeOptions o = read_neurogaze_config(kSource / "configs/neurogaze.toml");
  o.quick = true;
  o.out = out.string();
  o.student.data = (kSource / "data/sample").string();
  return o;
}

nlohmann::json first_row(const std::filesystem::path& jsonl) {
  std::ifstream s(jsonl);
  std::string line;
  std::getline(s, line);
  return nlohmann::json::parse(line);
}

TEST(NeurogazePipeline, QuickRunProducesEveryStageThenReusesThem) {
  torch::set_num_threads(1);
  set_verbosity(Verbosity::kQuiet);
  test::TempDir dir("pipeline");
  const auto run = dir / "run";
  NeurogazeResult r = run_neurogaze_pipeline(quick_options(run));
  for (const char* f : {"eeg/DREAMER.mat", "eeg/topomaps.npz", "eeg_teacher/metrics.json", "eeg_teacher/features.npz",
                        "eeg_teacher/fold-2.pt", "bank/bank.npz", "bank/bank.json", "bank/coverage.png", "bank/centres.png",
                        "image_teacher/train/best.pt", "image_teacher/train_logits-s0.npz", "results.md", "results.tex",
                        "results.json", "pipeline.json"})
    EXPECT_TRUE(std::filesystem::exists(run / f)) << f;
  // The bank was built from the teacher's out-of-fold features, and says so.
  nlohmann::json bank = read_json_file(run / "bank/bank.json");
  EXPECT_EQ(bank["features"]["file"], (run / "eeg_teacher/features.npz").string());
  EXPECT_EQ(bank["eeg_source"]["format"], "dreamer");
  // Each arm adds its term: B0 has CE only, B2 Proto-KD, B3 D-Geo as well (active: quick ramps it in at once).
  const auto students = run / "students/seed-0";
  nlohmann::json b0 = first_row(students / "B0-s0/metrics.jsonl"), b1 = first_row(students / "B1-s0/metrics.jsonl"),
                 b3 = first_row(students / "B3-s0/metrics.jsonl");
  EXPECT_FALSE(b0.contains("train_kd"));
  EXPECT_TRUE(b1.contains("train_kd"));
  EXPECT_FALSE(b1.contains("train_proto_kd"));
  EXPECT_GT(b3["train_proto_kd"].get<double>(), 0.0);
  EXPECT_TRUE(b3.contains("train_d_geo_margin"));
  // One table: a row per arm, in Markdown and LaTeX.
  const std::string md = test::read_text(run / "results.md"), tex = test::read_text(run / "results.tex");
  for (const char* row : {"| B0 | CE | 1 |", "| B1 | +KD | 1 |", "| B2 | +Proto-KD | 1 |", "| B3 | +D-Geo | 1 |"})
    EXPECT_NE(md.find(row), std::string::npos) << row << "\n" << md;
  EXPECT_NE(md.find("| EEG teacher (CNN) | valence |"), std::string::npos) << md;
  EXPECT_NE(md.find("| ridge (band power) | arousal |"), std::string::npos) << md;
  EXPECT_NE(tex.find("B3 & +D-Geo & 1"), std::string::npos) << tex;
  ASSERT_EQ(r.summary["students"].size(), 4u);
  for (const auto& s : r.summary["students"]) EXPECT_TRUE(s["mean"]["acc"].is_number());
  nlohmann::json p = read_json_file(run / "pipeline.json");
  for (const auto& s : p["stages"]) EXPECT_FALSE(s["reused"].get<bool>()) << s;

  // A second run reuses every stage and gives the same table.
  run_neurogaze_pipeline(quick_options(run));
  p = read_json_file(run / "pipeline.json");
  EXPECT_EQ(p["stages"].size(), 5u);  // eeg, eeg_teacher, bank, image_teacher, students seed 0
  for (const auto& s : p["stages"]) EXPECT_TRUE(s["reused"].get<bool>()) << s;
  EXPECT_EQ(test::read_text(run / "results.md"), md);

  // Changed inputs of a finished stage are refused rather than silently mixed with old outputs.
  NeurogazeOptions changed = quick_options(run);
  changed.bank.grid = 4;
  const std::string e = test::error_of([&] { run_neurogaze_pipeline(changed); });
  EXPECT_NE(e.find("bank/stage.json"), std::string::npos) << e;
  EXPECT_NE(e.find("'bank'"), std::string::npos) << e;
  set_verbosity(Verbosity::kNormal);
}

TEST(NeurogazePipeline, BadInputStopsBeforeTraining) {
  set_verbosity(Verbosity::kQuiet);
  test::TempDir dir("pipeline-bad");
  // The students' feature size and the EEG teacher's must agree (the bank is compared with it).
  NeurogazeOptions o = quick_options(dir / "a");
  o.teacher.feature_dim = 128;
  std::string e = test::error_of([&] { run_neurogaze_pipeline(o); });
  EXPECT_NE(e.find("teacher.feature_dim"), std::string::npos) << e;
  EXPECT_NE(e.find("256"), std::string::npos) << e;
  EXPECT_FALSE(std::filesystem::exists(dir / "a" / "eeg"));

  // A rating outside the SAM scale stops the EEG stage, naming the ratings file and line.
  test::write_text(dir / "bp.csv",
                   "SUBJECT,GAME,WINDOW_INDEX,AF3_Alpha_Power,F4_Alpha_Power,O1_Alpha_Power\n"
                   "1,1,1,0.5,0.4,0.3\n1,2,1,0.6,0.3,0.2\n");
  test::write_text(dir / "sam.csv", "Index,Path,Subject,Valence,Arousal\n0,G1.pdf,S01,5,5\n1,G2.pdf,S01,12,5\n");
  o = quick_options(dir / "b");
  o.eeg.source = "bandpower";
  o.eeg.topomaps.data = (dir / "bp.csv").string();
  o.eeg.topomaps.ratings = (dir / "sam.csv").string();
  e = test::error_of([&] { run_neurogaze_pipeline(o); });
  EXPECT_NE(e.find("sam.csv:3"), std::string::npos) << e;
  EXPECT_NE(e.find("12"), std::string::npos) << e;

  o = quick_options(dir / "c");
  o.eeg.source = "synthetc";
  e = test::error_of([&] { run_neurogaze_pipeline(o); });
  EXPECT_NE(e.find("did you mean 'synthetic'"), std::string::npos) << e;
  set_verbosity(Verbosity::kNormal);
}

TEST(NeurogazePipeline, ConfigsParseAndUnknownKeysAreNamed) {
  NeurogazeOptions g = read_neurogaze_config(kSource / "configs/neurogaze-gameemo.toml");
  EXPECT_EQ(g.eeg.source, "bandpower");
  EXPECT_EQ(g.teacher.folds, 7);
  EXPECT_TRUE(std::filesystem::exists(g.student.base)) << g.student.base;
  NeurogazeOptions n = read_neurogaze_config(kSource / "configs/neurogaze.toml", {"student.seeds=[0,1]"});
  EXPECT_EQ(n.student.seeds, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(n.eeg.topomaps.band_power.segment_seconds, 12);
  const std::string e =
      test::error_of([&] { read_neurogaze_config(kSource / "configs/neurogaze.toml", {"student.proto_kd_wieght=1"}); });
  EXPECT_NE(e.find("proto_kd_weight"), std::string::npos) << e;
  auto r = test::run_cli({"pipeline", "--config", (kSource / "configs/neurogaze.toml").string(), "teacher.folds=zero"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("teacher.folds"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ferkit
