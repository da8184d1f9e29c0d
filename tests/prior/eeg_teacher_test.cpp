// The EEG teacher: leave-subjects-out protocol, out-of-fold features reproduced by the fold models,
// baselines recomputed independently, determinism, and every bad-input path.
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "ferkit/affect_metrics.h"
#include "ferkit/console.h"
#include "ferkit/eeg_teacher.h"
#include "ferkit/eeg_teacher_net.h"
#include "ferkit/npz.h"
#include "ferkit/run_dir.h"
#include "ferkit/topomap_dataset.h"
#include "prior_fixtures.h"

namespace ferkit {
namespace {

EegTeacherOptions small_options(const std::filesystem::path& topomaps, const std::filesystem::path& out) {
  EegTeacherOptions o;
  o.topomaps = topomaps.string();
  o.out = out.string();
  o.folds = 3;
  o.epochs = 8;
  o.width = 4;
  o.batch_size = 16;
  o.lr = 5e-3;
  o.threads = 1;
  o.seed = 2;
  return o;
}

class EegTeacher : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    torch::set_num_threads(1);
    set_verbosity(Verbosity::kQuiet);
    dir_ = new test::TempDir("eegteacher");
    ratings_ = test::write_topomaps(dir_->path() / "topomaps.npz");
    result_ = new EegTeacherResult(train_eeg_teacher(small_options(dir_->path() / "topomaps.npz", dir_->path() / "t")));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete dir_;
    set_verbosity(Verbosity::kNormal);
  }
  static test::TempDir* dir_;
  static EegTeacherResult* result_;
  static std::pair<std::vector<float>, std::vector<float>> ratings_;
};
test::TempDir* EegTeacher::dir_ = nullptr;
EegTeacherResult* EegTeacher::result_ = nullptr;
std::pair<std::vector<float>, std::vector<float>> EegTeacher::ratings_;

TEST_F(EegTeacher, FoldsHoldOutWholeSubjectsAndFeaturesAreOutOfFold) {
  const auto& m = result_->metrics;
  ASSERT_EQ(m["folds"].size(), 3u);
  std::map<int64_t, int> fold_of_subject;
  for (const auto& f : m["folds"])
    for (int64_t s : f["held_out_subjects"].get<std::vector<int64_t>>()) {
      EXPECT_EQ(fold_of_subject.count(s), 0u) << "subject " << s << " held out twice";
      fold_of_subject[s] = f["fold"].get<int>();
    }
  EXPECT_EQ(fold_of_subject.size(), 6u);
  NpzArchive a = read_npz(result_->features);
  ASSERT_EQ(a.at("features").shape, (std::vector<int64_t>{120, 256}));
  const int64_t* subject = a.at("subject").data<int64_t>();
  const int64_t* fold = a.at("fold").data<int64_t>();
  for (int i = 0; i < 120; ++i) EXPECT_EQ(fold[i], fold_of_subject.at(subject[i])) << "row " << i;
  // The fold model that held a map out reproduces its stored feature.
  TopomapDataset d = read_topomap_dataset(dir_->path() / "topomaps.npz");
  const float* feats = a.at("features").data<float>();
  for (int k = 1; k <= 3; ++k) {
    EegTeacherNet net = load_eeg_teacher(dir_->path() / "t" / ("fold-" + std::to_string(k) + ".pt"));
    int row = 0;
    while (fold[row] != k) ++row;
    torch::NoGradGuard g;
    auto x = torch::from_blob(d.maps.data() + static_cast<size_t>(row) * 2 * 16 * 16, {1, 2, 16, 16}, torch::kFloat32);
    auto f = net->forward(x).features;
    for (int j = 0; j < 256; j += 17) EXPECT_NEAR(f[0][j].item<float>(), feats[row * 256 + j], 1e-4) << "fold " << k;
  }
}

TEST_F(EegTeacher, LearnsTheEncodedRatingsAndBaselinesAreWhatTheySay) {
  const auto& m = result_->metrics;
  // The maps carry valence and arousal linearly: the CNN must beat the mean rating clearly.
  EXPECT_GT(m["pooled"]["teacher"]["valence"]["ccc"].get<double>(), 0.5);
  EXPECT_GT(m["pooled"]["teacher"]["arousal"]["ccc"].get<double>(), 0.5);
  EXPECT_LT(m["summary"]["teacher"]["valence"]["rmse"]["mean"].get<double>(),
            m["summary"]["mean"]["valence"]["rmse"]["mean"].get<double>());
  // Mean baseline recomputed here: the training folds' mean rating, RMSE on the held-out subjects.
  const auto& v = ratings_.first;
  for (const auto& f : m["folds"]) {
    std::set<int64_t> held(f["held_out_subjects"].begin(), f["held_out_subjects"].end());
    double sum = 0;
    int n = 0;
    std::vector<double> truth;
    for (int i = 0; i < 120; ++i) {
      if (held.count(i / 20 + 1)) truth.push_back(v[static_cast<size_t>(i)]);
      else sum += v[static_cast<size_t>(i)], ++n;
    }
    std::vector<double> pred(truth.size(), sum / n);
    EXPECT_NEAR(f["mean"]["valence"]["rmse"].get<double>(), root_mean_squared_error(pred, truth), 1e-6);
    EXPECT_NEAR(f["mean"]["valence"]["ccc"].get<double>(), 0.0, 1e-12);  // constant prediction (0 up to rounding)
    EXPECT_TRUE(f["ridge"]["lambda"].is_number());
  }
  // Intervals: the t interval contains the mean, and its half-width follows from std and K = 3.
  const auto& s = m["summary"]["teacher"]["arousal"]["ccc"];
  const double half = 4.302652730 * s["std"].get<double>() / std::sqrt(3.0);  // t(0.975, 2)
  EXPECT_NEAR(s["t_high"].get<double>() - s["mean"].get<double>(), half, 1e-6);
  EXPECT_FALSE(describe_teacher_metrics(m).empty());
}

TEST_F(EegTeacher, DeterministicForASeed) {
  EegTeacherOptions o = small_options(dir_->path() / "topomaps.npz", dir_->path() / "again");
  o.epochs = 1;
  EegTeacherResult a = train_eeg_teacher(o);
  o.out = (dir_->path() / "again2").string();
  EegTeacherResult b = train_eeg_teacher(o);
  NpzArchive fa = read_npz(a.features), fb = read_npz(b.features);
  EXPECT_EQ(fa.at("features").bytes, fb.at("features").bytes);
  EXPECT_EQ(a.metrics["summary"]["teacher"], b.metrics["summary"]["teacher"]);
}

TEST_F(EegTeacher, TamperedFoldWeightsAreRefused) {
  const auto w = dir_->path() / "t" / "fold-2.pt";
  std::filesystem::copy_file(w, dir_->path() / "copy.pt");
  std::filesystem::copy_file(dir_->path() / "t" / "fold-2.json", dir_->path() / "copy.json");
  { std::ofstream(dir_->path() / "copy.pt", std::ios::app) << "x"; }
  const std::string e = test::error_of([&] { load_eeg_teacher(dir_->path() / "copy.pt"); });
  EXPECT_NE(e.find("SHA-256"), std::string::npos) << e;
}

TEST(EegTeacherInput, MissingRatingsOutOfRangeAndTooFewSubjectsAreErrors) {
  test::TempDir dir("eegteacher-bad");
  test::TopomapFixture f;
  f.subjects = 3;
  f.per_subject = 4;
  f.ratings = false;
  test::write_topomaps(dir / "norate.npz", f);
  std::string e = test::error_of([&] { train_eeg_teacher(small_options(dir / "norate.npz", dir / "o1")); });
  EXPECT_NE(e.find("norate.npz"), std::string::npos) << e;
  EXPECT_NE(e.find("'valence'"), std::string::npos) << e;

  // A rating outside [-1, 1] (a scale mix-up upstream) names the file, the row and the subject.
  f.ratings = true;
  test::write_topomaps(dir / "bad.npz", f);
  NpzArchive a = read_npz(dir / "bad.npz");
  std::vector<float> v(a.at("valence").data<float>(), a.at("valence").data<float>() + 12);
  v[5] = 4.0f;
  a["valence"] = NpyArray::from<float>({12}, v.data());
  write_npz(dir / "bad.npz", a);
  e = test::error_of([&] { train_eeg_teacher(small_options(dir / "bad.npz", dir / "o2")); });
  EXPECT_NE(e.find("bad.npz: valence[5] (subject 2)"), std::string::npos) << e;
  EXPECT_NE(e.find("[-1, 1]"), std::string::npos) << e;
  // Unrated maps (NaN, as a bare BDF gives) cannot train a teacher.
  v[5] = std::nanf("");
  a["valence"] = NpyArray::from<float>({12}, v.data());
  write_npz(dir / "bad.npz", a);
  e = test::error_of([&] { train_eeg_teacher(small_options(dir / "bad.npz", dir / "o3")); });
  EXPECT_NE(e.find("no rating"), std::string::npos) << e;

  test::write_topomaps(dir / "ok.npz", f);
  EegTeacherOptions o = small_options(dir / "ok.npz", dir / "o4");
  o.folds = 4;  // 3 subjects
  e = test::error_of([&] { train_eeg_teacher(o); });
  EXPECT_NE(e.find("subjects (3)"), std::string::npos) << e;
  o.folds = 2;
  o.loss = "huber";
  EXPECT_NE(test::error_of([&] { train_eeg_teacher(o); }).find("mse or ccc"), std::string::npos);
}

TEST(EegTeacherCli, TrainsAndReportsOrFailsWithOneLine) {
  torch::set_num_threads(1);
  test::TempDir dir("eegteacher-cli");
  test::TopomapFixture f;
  f.subjects = 3;
  f.per_subject = 6;
  f.band_power = false;  // no band powers: the ridge baseline is skipped, the rest works
  test::write_topomaps(dir / "topomaps.npz", f);
  auto r = test::run_cli({"-q", "eeg", "teacher", "--topomaps", (dir / "topomaps.npz").string(), "--out",
                          (dir / "out").string(), "--folds", "3", "--epochs", "1", "--loss", "mse", "--width", "4"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("teacher  valence"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("ridge"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "fold-3.json"));
  nlohmann::json side = read_json_file(dir / "out" / "features.json");
  EXPECT_EQ(side["kind"], "eeg_teacher_features");
  auto bad = test::run_cli({"eeg", "teacher", "--topomaps", (dir / "missing.npz").string(), "--out", (dir / "o").string()});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("missing.npz"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace ferkit
