// DREAMER .mat reader and writer, the synthetic generator's encoding of valence/arousal, and
// malformed files (written here with libmatio) whose errors must name the field path.
#include <gtest/gtest.h>
#include <matio.h>

#include <cmath>

#include "eeg_test_fixtures.h"
#include "ferkit/eeg_band_power.h"
#include "ferkit/eeg_dreamer.h"
#include "ferkit/eeg_synthetic.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

using test::TempDir;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

SyntheticEegOptions small_options() {
  SyntheticEegOptions o;
  o.subjects = 2;
  o.trials = 3;
  o.seed = 11;
  o.stimulus_seconds = 6;
  o.baseline_seconds = 3;
  return o;
}

TEST(Dreamer, WriteThenReadGivesTheSameTrials) {
  TempDir dir("dreamer");
  auto file = dir / "DREAMER.mat";
  EegDataset written = make_synthetic_eeg(small_options());
  write_dreamer(file, written);
  DreamerOptions o;
  o.path = file.string();
  EegDataset read = read_dreamer(o);
  ASSERT_EQ(read.trials.size(), 6u);
  for (size_t i = 0; i < read.trials.size(); ++i) {
    const auto &a = written.trials[i], &b = read.trials[i];
    EXPECT_EQ(a.subject, b.subject);
    EXPECT_EQ(a.trial, b.trial);
    EXPECT_EQ(b.stimulus.channels, dreamer_channels());
    EXPECT_DOUBLE_EQ(b.stimulus.sampling_rate, 128);
    EXPECT_EQ(a.stimulus.data, b.stimulus.data);
    EXPECT_EQ(a.baseline.data, b.baseline.data);
    EXPECT_EQ(a.valence, b.valence);
    EXPECT_EQ(a.arousal, b.arousal);
    EXPECT_EQ(a.dominance, b.dominance);
    EXPECT_DOUBLE_EQ(b.valence_norm, (b.valence - 1) / 4 * 2 - 1);
  }
  // A channel subset keeps the requested order.
  o.channels = {"O2", "AF3"};
  EegDataset sub = read_dreamer(o);
  EXPECT_EQ(sub.trials[0].stimulus.channels, (std::vector<std::string>{"O2", "AF3"}));
  EXPECT_EQ(sub.trials[0].stimulus.data[1], written.trials[0].stimulus.data[0]);
  o.channels = {"Cz"};
  EXPECT_NE(error_of([&] { read_dreamer(o); }).find("channel 'Cz'"), std::string::npos);
}

// scipy.io.loadmat sees the published layout: DREAMER.Data{s}.EEG.stimuli{t} is samples x 14.
TEST(Dreamer, WrittenFileHasTheDreamerLayoutForScipy) {
  FERKIT_REQUIRE_PYTHON("scipy.io");
  TempDir dir("dreamer");
  auto file = dir / "DREAMER.mat";
  write_synthetic_dreamer(file, small_options());
  auto ref = test::python_json(
      "import json, scipy.io\n"
      "m = scipy.io.loadmat('" +
      file.string() +
      "')['DREAMER'][0, 0]\n"
      "s = m['Data'][0, 1][0, 0]\n"
      "st = s['EEG'][0, 0]['stimuli']\n"
      "print(json.dumps({'subjects': m['Data'].shape[1], 'cell': list(st.shape), 'trial': list(st[2, 0].shape),"
      " 'rate': float(m['EEG_SamplingRate'][0, 0]), 'electrodes': [str(e[0]) for e in m['EEG_Electrodes'][0]],"
      " 'valence': s['ScoreValence'][:, 0].tolist(), 'x': float(st[1, 0][5, 3])}))\n");
  EegDataset d = make_synthetic_eeg(small_options());
  EXPECT_EQ(ref["subjects"].get<int>(), 2);
  EXPECT_EQ(ref["cell"], nlohmann::json({3, 1}));
  EXPECT_EQ(ref["trial"], nlohmann::json({6 * 128, 14}));
  EXPECT_EQ(ref["rate"].get<double>(), 128);
  EXPECT_EQ(ref["electrodes"].get<std::vector<std::string>>(), dreamer_channels());
  EXPECT_EQ(ref["valence"].get<std::vector<double>>(),
            (std::vector<double>{d.trials[3].valence, d.trials[4].valence, d.trials[5].valence}));
  EXPECT_EQ(ref["x"].get<double>(), d.trials[4].stimulus.data[3][5]);  // subject 2, trial 2, sample 5, F3
}

TEST(Dreamer, SyntheticGeneratorIsDeterministic) {
  auto o = small_options();
  EegDataset a = make_synthetic_eeg(o), b = make_synthetic_eeg(o);
  EXPECT_EQ(a.trials[2].stimulus.data, b.trials[2].stimulus.data);
  EXPECT_EQ(a.trials[2].valence, b.trials[2].valence);
  o.seed = 12;
  EXPECT_NE(make_synthetic_eeg(o).trials[2].stimulus.data, a.trials[2].stimulus.data);
}

// Read back through the DREAMER reader: the written ratings, frontal alpha asymmetry following
// valence and beta power following arousal.
TEST(Dreamer, SyntheticBandPowersEncodeValenceAndArousal) {
  TempDir dir("dreamer");
  SyntheticEegOptions o;
  o.subjects = 4;
  o.trials = 10;
  o.seed = 5;
  o.stimulus_seconds = 20;
  o.baseline_seconds = 2;
  EegDataset written = make_synthetic_eeg(o);
  write_dreamer(dir / "DREAMER.mat", written);
  DreamerOptions r;
  r.path = (dir / "DREAMER.mat").string();
  EegDataset d = read_dreamer(r);
  ASSERT_EQ(d.trials.size(), 40u);
  BandPowerSet set = compute_band_powers(d, BandPowerOptions{});
  ASSERT_EQ(set.rows.size(), 40u);
  auto ch = [&](const std::string& name) {
    return static_cast<size_t>(std::find(set.channels.begin(), set.channels.end(), name) - set.channels.begin());
  };
  const size_t alpha = 2, beta = 3;
  std::vector<double> asym, beta_power, valence, arousal;
  for (size_t i = 0; i < set.rows.size(); ++i) {
    EXPECT_EQ(d.trials[i].valence, written.trials[i].valence);
    EXPECT_EQ(d.trials[i].arousal, written.trials[i].arousal);
    double right = 0, left = 0, b = 0;
    for (auto c : {"F4", "AF4", "F8"}) right += set.at(i, alpha, ch(c));
    for (auto c : {"F3", "AF3", "F7"}) left += set.at(i, alpha, ch(c));
    for (size_t c = 0; c < set.channels.size(); ++c) b += set.at(i, beta, c);
    asym.push_back(std::log(right) - std::log(left));
    beta_power.push_back(std::log(b));
    valence.push_back(set.rows[i].valence_norm);
    arousal.push_back(set.rows[i].arousal_norm);
  }
  const double r_val = test::pearson(asym, valence), r_aro = test::pearson(beta_power, arousal);
  EXPECT_GT(r_val, 0.5) << "alpha asymmetry vs valence";
  EXPECT_GT(r_aro, 0.5) << "beta power vs arousal";
  // With the encoding switched off the correlation is gone (the test can fail).
  o.alpha_asymmetry = 0;
  BandPowerSet flat = compute_band_powers(make_synthetic_eeg(o), BandPowerOptions{});
  std::vector<double> asym0;
  for (size_t i = 0; i < flat.rows.size(); ++i) {
    double right = 0, left = 0;
    for (auto c : {"F4", "AF4", "F8"}) right += flat.at(i, alpha, ch(c));
    for (auto c : {"F3", "AF3", "F7"}) left += flat.at(i, alpha, ch(c));
    asym0.push_back(std::log(right) - std::log(left));
  }
  EXPECT_LT(std::abs(test::pearson(asym0, valence)), 0.5);
}

// --- malformed files -----------------------------------------------------------------------------

matvar_t* dmatrix(size_t rows, size_t cols, double fill) {
  std::vector<double> v(rows * cols, fill);
  size_t dims[2] = {rows, cols};
  return Mat_VarCreate(nullptr, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, v.data(), 0);
}
matvar_t* cellvar(size_t rows, size_t cols) {
  size_t dims[2] = {rows, cols};
  return Mat_VarCreate(nullptr, MAT_C_CELL, MAT_T_CELL, 2, dims, nullptr, 0);
}
matvar_t* structvar(std::vector<const char*> fields, const char* name = nullptr) {
  size_t dims[2] = {1, 1};
  fields.push_back(nullptr);
  return Mat_VarCreateStruct2(name, 2, dims, fields.data());
}

// A DREAMER-like file with 2 subjects x 3 trials; `mutate(subject)` may change subject 2.
struct Layout {
  size_t subject2_stimuli = 3;
  bool subject2_has_arousal = true;
  double subject1_valence = 3;
  const char* root_name = "DREAMER";
  bool has_data = true;
  mat_ft version = MAT_FT_MAT5;
};
void write_layout(const std::filesystem::path& file, const Layout& l) {
  matvar_t* root = structvar({"Data", "EEG_SamplingRate"}, l.root_name);
  if (l.has_data) {
    matvar_t* data = cellvar(1, 2);
    for (int s = 0; s < 2; ++s) {
      bool second = s == 1;
      std::vector<const char*> fields = {"EEG", "ScoreValence", "ScoreDominance"};
      if (!second || l.subject2_has_arousal) fields.push_back("ScoreArousal");
      matvar_t* subj = structvar(fields);
      matvar_t* eeg = structvar({"stimuli", "baseline"});
      size_t n = second ? l.subject2_stimuli : 3;
      matvar_t* stim = cellvar(n, 1);
      matvar_t* base = cellvar(3, 1);
      for (size_t t = 0; t < n; ++t) Mat_VarSetCell(stim, static_cast<int>(t), dmatrix(256, 14, 1.0));
      for (size_t t = 0; t < 3; ++t) Mat_VarSetCell(base, static_cast<int>(t), dmatrix(128, 14, 0.5));
      Mat_VarSetStructFieldByName(eeg, "stimuli", 0, stim);
      Mat_VarSetStructFieldByName(eeg, "baseline", 0, base);
      Mat_VarSetStructFieldByName(subj, "EEG", 0, eeg);
      matvar_t* val = dmatrix(3, 1, 2);
      static_cast<double*>(val->data)[1] = s == 0 ? l.subject1_valence : 2;
      Mat_VarSetStructFieldByName(subj, "ScoreValence", 0, val);
      Mat_VarSetStructFieldByName(subj, "ScoreDominance", 0, dmatrix(3, 1, 4));
      if (!second || l.subject2_has_arousal) Mat_VarSetStructFieldByName(subj, "ScoreArousal", 0, dmatrix(3, 1, 5));
      Mat_VarSetCell(data, s, subj);
    }
    Mat_VarSetStructFieldByName(root, "Data", 0, data);
  }
  Mat_VarSetStructFieldByName(root, "EEG_SamplingRate", 0, dmatrix(1, 1, 128));
  mat_t* mat = Mat_CreateVer(file.string().c_str(), nullptr, l.version);
  ASSERT_NE(mat, nullptr);
  Mat_VarWrite(mat, root, MAT_COMPRESSION_NONE);
  Mat_Close(mat);
  Mat_VarFree(root);
}

std::string read_error(const std::filesystem::path& file) {
  DreamerOptions o;
  o.path = file.string();
  return error_of([&] { read_dreamer(o); });
}

TEST(Dreamer, WellFormedFixtureReads) {
  TempDir dir("dreamer");
  write_layout(dir / "ok.mat", Layout{});
  DreamerOptions o;
  o.path = (dir / "ok.mat").string();
  EegDataset d = read_dreamer(o);
  ASSERT_EQ(d.trials.size(), 6u);
  EXPECT_EQ(d.trials[1].valence, 3);
  EXPECT_DOUBLE_EQ(d.trials[1].valence_norm, 0.0);
  EXPECT_DOUBLE_EQ(d.trials[0].arousal_norm, 1.0);
  EXPECT_EQ(d.trials[5].stimulus.samples(), 256);
  EXPECT_EQ(d.trials[5].baseline.samples(), 128);
  // MATLAB v7.3 (HDF5) files, as newer MATLAB saves them, read the same way.
  Layout v73;
  v73.version = MAT_FT_MAT73;
  write_layout(dir / "v73.mat", v73);
  o.path = (dir / "v73.mat").string();
  EegDataset h = read_dreamer(o);
  ASSERT_EQ(h.trials.size(), 6u);
  EXPECT_EQ(h.trials[1].valence, 3);
  EXPECT_EQ(h.trials[5].stimulus.data, d.trials[5].stimulus.data);
}

TEST(Dreamer, MissingOrMisshapenFieldsNameTheirPath) {
  TempDir dir("dreamer");
  Layout l;
  l.subject2_stimuli = 2;
  write_layout(dir / "a.mat", l);
  std::string msg = read_error(dir / "a.mat");
  EXPECT_NE(msg.find("a.mat: DREAMER.Data{2}.EEG.stimuli: expected a 3x1 cell"), std::string::npos) << msg;
  EXPECT_NE(msg.find("got a 2x1 cell"), std::string::npos) << msg;

  l = Layout{};
  l.subject2_has_arousal = false;
  write_layout(dir / "b.mat", l);
  msg = read_error(dir / "b.mat");
  EXPECT_NE(msg.find("DREAMER.Data{2}.ScoreArousal"), std::string::npos) << msg;

  l = Layout{};
  l.has_data = false;
  write_layout(dir / "c.mat", l);
  msg = read_error(dir / "c.mat");
  EXPECT_NE(msg.find("DREAMER.Data"), std::string::npos) << msg;

  l = Layout{};
  l.root_name = "Something";
  write_layout(dir / "d.mat", l);
  msg = read_error(dir / "d.mat");
  EXPECT_NE(msg.find("a struct variable named DREAMER"), std::string::npos) << msg;

  test::write_text(dir / "e.mat", "not a mat file at all");
  EXPECT_NE(read_error(dir / "e.mat").find("e.mat"), std::string::npos);
}

TEST(Dreamer, RatingOutOfRangeNamesTheRow) {
  TempDir dir("dreamer");
  Layout l;
  l.subject1_valence = 6;
  write_layout(dir / "r.mat", l);
  std::string msg = read_error(dir / "r.mat");
  EXPECT_NE(msg.find("DREAMER.Data{1}.ScoreValence(2)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("a rating in [1, 5], got 6"), std::string::npos) << msg;
}

}  // namespace
}  // namespace ferkit
