// `ferkit eeg synth|topomaps|info` in-process: outputs, messages and exit codes.
#include <gtest/gtest.h>

#include "eeg_test_fixtures.h"
#include "ferkit/eeg_dreamer.h"
#include "ferkit/npz.h"

namespace ferkit {
namespace {

using test::run_cli;
using test::TempDir;

TEST(EegCommand, SynthThenTopomapsFromDreamer) {
  TempDir dir("eegcli");
  const std::string mat = (dir / "DREAMER.mat").string();
  auto s = run_cli({"eeg", "synth", "--out", mat, "--subjects", "2", "--trials", "3", "--seed", "9",
                    "--stimulus-seconds", "24", "--baseline-seconds", "4"});
  ASSERT_EQ(s.status, 0) << s.err;
  EXPECT_NE(s.out.find("2 subjects x 3 trials"), std::string::npos) << s.out;
  DreamerOptions o;
  o.path = mat;
  EXPECT_EQ(read_dreamer(o).trials.size(), 6u);

  auto t = run_cli({"eeg", "topomaps", "--format", "dreamer", "--data", mat, "--out", (dir / "maps").string(), "--grid",
                    "20", "--segment", "10", "--baseline", "divide", "--bands", "theta,alpha,beta"});
  ASSERT_EQ(t.status, 0) << t.err;
  // 24 s in 10-s windows: 2 windows per trial, a 4-s tail dropped from each of the 6 trials.
  EXPECT_NE(t.out.find("12 maps x 3 bands (theta alpha beta) x 20x20 over 14 channels"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("dropped 6: stimulus tails"), std::string::npos) << t.out;
  auto npz = read_npz(dir / "maps" / "topomaps.npz");
  EXPECT_EQ(npz.at("maps").shape, (std::vector<int64_t>{12, 3, 20, 20}));
  EXPECT_EQ(npz.at("subject").shape, (std::vector<int64_t>{12}));
  auto json = nlohmann::json::parse(test::read_text(dir / "maps" / "topomaps.json"));
  EXPECT_EQ(json["bands"], nlohmann::json({"theta", "alpha", "beta"}));
  EXPECT_EQ(json["band_edges"][1]["low_hz"].get<double>(), 8.0);
  EXPECT_EQ(json["options"]["band_power"]["baseline"], "divide");
  EXPECT_TRUE(std::filesystem::exists(dir / "maps" / "topomaps.png"));
}

TEST(EegCommand, TopomapsFromMahnobBdfAndBandPowerTable) {
  TempDir dir("eegcli");
  test::write_mahnob_session(dir / "mahnob", 1, test::MahnobFixture{});
  test::MahnobFixture second;
  second.subject = "3";
  test::write_mahnob_session(dir / "mahnob", 2, second);
  auto m = run_cli({"eeg", "topomaps", "--format", "mahnob", "--data", (dir / "mahnob").string(), "--out",
                    (dir / "m").string(), "--grid", "12", "--png-rows", "0", "--linear-power"});
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_NE(m.out.find("2 maps x 5 bands"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("over 32 channels"), std::string::npos) << m.out;
  EXPECT_FALSE(std::filesystem::exists(dir / "m" / "topomaps.png"));
  auto mjson = nlohmann::json::parse(test::read_text(dir / "m" / "topomaps.json"));
  EXPECT_EQ(mjson["options"]["topomap"]["log_power"], false);
  EXPECT_EQ(mjson["options"]["sampling_rate"], 128.0);

  auto bdf = dir / "mahnob" / "Sessions" / "1" / "Part_2_S_Trial1_emotion.bdf";
  auto b = run_cli({"eeg", "topomaps", "--format", "bdf", "--data", bdf.string(), "--channels", "Fz,C3,C4,Pz,O1,O2",
                    "--sampling-rate", "0", "--segment", "4", "--out", (dir / "b").string(), "--grid", "12"});
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_NE(b.out.find("4 maps x 5 bands"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("over 6 channels"), std::string::npos) << b.out;

  test::write_text(dir / "bp.csv",
                   "SUBJECT,GAME,Fz_Alpha_Power,Cz_Alpha_Power,Pz_Alpha_Power,Oz_Alpha_Power\n"
                   "1,1,1,2,3,4\n1,2,2,2,1,1\n");
  test::write_text(dir / "sam.csv", "Subject,Path,Valence,Arousal\nS01,G1.pdf,1,9\nS01,G2.pdf,9,1\n");
  auto t = run_cli({"eeg", "topomaps", "--format", "bandpower", "--data", (dir / "bp.csv").string(), "--ratings",
                    (dir / "sam.csv").string(), "--out", (dir / "t").string(), "--grid", "12"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_NE(t.out.find("2 maps x 1 bands (Alpha)"), std::string::npos) << t.out;
  auto npz = read_npz(dir / "t" / "topomaps.npz");
  EXPECT_EQ(npz.at("valence").to_double(), (std::vector<double>{-1.0, 1.0}));
}

TEST(EegCommand, ErrorsExitNonZeroWithOneLine) {
  TempDir dir("eegcli");
  auto r = run_cli({"eeg", "topomaps", "--format", "dreamr", "--data", "x.mat", "--out", (dir / "o").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("EEG format 'dreamr'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean dreamer"), std::string::npos) << r.err;

  EdfWriteSpec spec;
  EdfWriteChannel c;
  c.label = "Fz";
  c.samples_per_record = 100;
  c.samples.assign(300, 1.0);
  spec.channels = {c};
  write_edf(dir / "r.bdf", spec);
  std::filesystem::resize_file(dir / "r.bdf", std::filesystem::file_size(dir / "r.bdf") - 3);
  r = run_cli({"eeg", "info", (dir / "r.bdf").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("r.bdf: expected a file of"), std::string::npos) << r.err;

  r = run_cli({"eeg", "topomaps", "--format", "bdf", "--data", (dir / "absent.bdf").string()});
  EXPECT_NE(r.status, 0);  // --out is required
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
}

TEST(EegCommand, HelpReadsLikeAManPageWithExamples) {
  for (const char* sub : {"synth", "topomaps", "info"}) {
    auto r = run_cli({"eeg", sub, "--help"});
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("Example"), std::string::npos) << sub << ":\n" << r.out;
    EXPECT_NE(r.out.find("ferkit eeg " + std::string(sub)), std::string::npos) << sub;
  }
}

TEST(EegCommand, GameemoTopomaps) {
  auto dir = test::gameemo_dir();
  if (dir.empty()) GTEST_SKIP() << "../shared/data/eeg/gameemo-bandpower is absent; real-data test skipped";
  TempDir out("eegcli");
  auto r = run_cli({"eeg", "topomaps", "--format", "bandpower", "--data", (dir / "bandpower_windows_12s.csv").string(),
                    "--ratings", (dir / "sam_scores.csv").string(), "--out", out.path().string(), "--grid", "16"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("2688 maps x 4 bands (Delta Theta Alpha Beta) x 16x16 over 14 channels"), std::string::npos)
      << r.out;
  auto npz = read_npz(out / "topomaps.npz");
  auto valence = npz.at("valence").to_double();
  ASSERT_EQ(valence.size(), 2688u);
  for (double v : valence) ASSERT_TRUE(v >= -1 && v <= 1);
}

}  // namespace
}  // namespace ferkit
