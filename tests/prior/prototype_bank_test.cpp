// Algorithm 1 on features small enough to do on paper; the frozen bank's files; the random control;
// inspection; the prototypes CLI and its errors.
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>

#include "ferkit/npz.h"
#include "ferkit/prototype_bank.h"
#include "ferkit/run_dir.h"
#include "prior_fixtures.h"

namespace ferkit {
namespace {

PrototypeBankOptions two_by_two() {
  PrototypeBankOptions o;
  o.grid = 2;  // centres -0.8, 0.8
  o.feature_dim = 2;
  return o;
}

// Five 2-D samples; bins (row = valence index, column = arousal index):
//   s0 (3, 4)   v -0.9 a -0.9 -> (0, 0), unit (0.6, 0.8)
//   s1 (1, 0)   v -0.5 a -0.7 -> (0, 0), unit (1, 0)        mean (0.8, 0.4) -> (2, 1) / sqrt 5
//   s2 (0, -2)  v  0.9 a -0.9 -> (1, 0), unit (0, -1)
//   s3 (-1, 0)  v  0.5 a  0.5 -> (1, 1), unit (-1, 0)
//   s4 (-2, 2)  v  0.7 a  0.1 -> (1, 1) (|0.1 - 0.8| < |0.1 + 0.8|), unit (-1, 1) / sqrt 2
//                                            mean -> direction 157.5 degrees: (cos, sin)(7 pi / 8)
// Bin (0, 1) is empty; (0, 0) and (1, 1) are both 1 cell away: the lower index, (0, 0), wins.
const std::vector<float> kFeatures = {3, 4, 1, 0, 0, -2, -1, 0, -2, 2};
const std::vector<float> kValence = {-0.9f, -0.5f, 0.9f, 0.5f, 0.7f};
const std::vector<float> kArousal = {-0.9f, -0.7f, -0.9f, 0.5f, 0.1f};

TEST(PrototypeBank, AlgorithmOneByHand) {
  PrototypeBank b = build_prototype_bank(kFeatures, 5, 2, kValence, kArousal, two_by_two());
  EXPECT_EQ(b.centres, (std::vector<double>{-0.8, 0.8}));
  EXPECT_EQ(b.counts, (std::vector<int64_t>{2, 0, 1, 2}));
  auto proto = [&](int k, int j) { return static_cast<double>(b.prototypes[static_cast<size_t>(k * 2 + j)]); };
  EXPECT_NEAR(proto(0, 0), 2 / std::sqrt(5.0), 1e-6);
  EXPECT_NEAR(proto(0, 1), 1 / std::sqrt(5.0), 1e-6);
  EXPECT_NEAR(proto(2, 0), 0.0, 1e-7);
  EXPECT_NEAR(proto(2, 1), -1.0, 1e-7);
  EXPECT_NEAR(proto(3, 0), std::cos(7 * M_PI / 8), 1e-6);
  EXPECT_NEAR(proto(3, 1), std::sin(7 * M_PI / 8), 1e-6);
  // The empty bin borrows (0, 0)'s prototype: the tie with (1, 1) goes to the lower index.
  ASSERT_EQ(b.fallbacks.size(), 1u);
  EXPECT_EQ(b.fallbacks[0].row, 0);
  EXPECT_EQ(b.fallbacks[0].col, 1);
  EXPECT_EQ(b.fallbacks[0].from_row, 0);
  EXPECT_EQ(b.fallbacks[0].from_col, 0);
  EXPECT_DOUBLE_EQ(b.fallbacks[0].distance, 1.0);
  EXPECT_EQ(proto(1, 0), proto(0, 0));
  EXPECT_EQ(proto(1, 1), proto(0, 1));
  // q = (N + 1) / sum (N + 1) = (3, 1, 2, 3) / 9
  ASSERT_EQ(b.prior.size(), 4u);
  EXPECT_NEAR(b.prior[0], 3.0 / 9, 1e-15);
  EXPECT_NEAR(b.prior[1], 1.0 / 9, 1e-15);
  EXPECT_NEAR(b.prior[2], 2.0 / 9, 1e-15);
  EXPECT_NEAR(b.prior[3], 3.0 / 9, 1e-15);
}

TEST(PrototypeBank, CentresBinningTiesAndGlobalFallback) {
  const std::vector<double> centres = bank_centres(5, 0.8), expected = {-0.8, -0.4, 0.0, 0.4, 0.8};
  ASSERT_EQ(centres.size(), expected.size());
  for (size_t j = 0; j < expected.size(); ++j) EXPECT_NEAR(centres[j], expected[j], 1e-15) << j;
  EXPECT_EQ(bank_centres(1, 0.8), (std::vector<double>{0.0}));
  EXPECT_EQ(nearest_centre(0.0, {-0.8, 0.8}), 0);  // exact tie: the lower index
  EXPECT_EQ(nearest_centre(1.0, bank_centres(5, 0.8)), 4);
  EXPECT_EQ(nearest_centre(-0.15, bank_centres(5, 0.8)), 2);
  // 3x3 grid with data only in the top-left corner: (2, 2) is sqrt 5 cells from the nearest data.
  PrototypeBankOptions o;
  o.grid = 3;
  o.feature_dim = 0;  // any
  o.fallback_radius = 2.0;
  std::vector<float> f, v, a;
  for (int i = 0; i < 9; ++i) {
    f.insert(f.end(), {1.0f, static_cast<float>(i % 2), 0.5f});
    v.push_back(-0.8f);
    a.push_back(i < 5 ? -0.8f : 0.0f);  // bins (0, 0) and (0, 1)
  }
  PrototypeBank b = build_prototype_bank(f, 9, 3, v, a, o);
  ASSERT_EQ(b.fallbacks.size(), 7u);
  int global = 0;
  for (const auto& fb : b.fallbacks) {
    const bool far = std::hypot(fb.row - 0, fb.col - 1) > 2.0 && std::hypot(fb.row, fb.col) > 2.0;
    EXPECT_EQ(fb.global, far) << "bin (" << fb.row << ", " << fb.col << ")";
    global += fb.global;
  }
  EXPECT_EQ(global, 1);  // only (2, 2); (2, 0) and (2, 1) are exactly 2 cells from data, within the radius
}

TEST(PrototypeBank, TooFewSamplesWrongDimensionAndBadRatingsAreErrors) {
  PrototypeBankOptions o;  // 5x5, 256-D
  std::vector<float> f(12 * 256, 1.0f), r(12, 0.0f);
  std::string e = test::error_of([&] { build_prototype_bank(f, 12, 256, r, r, o); });
  EXPECT_NE(e.find("at least 25 samples for a 5x5 grid"), std::string::npos) << e;
  EXPECT_NE(e.find("got 12 samples"), std::string::npos) << e;
  std::vector<float> g(30 * 3, 1.0f), s(30, 0.0f);
  e = test::error_of([&] { build_prototype_bank(g, 30, 3, s, s, o, "feat.npz"); });
  EXPECT_NE(e.find("feat.npz"), std::string::npos) << e;
  EXPECT_NE(e.find("dimension 256"), std::string::npos) << e;
  EXPECT_NE(e.find("got dimension 3"), std::string::npos) << e;
  std::vector<float> bad = kValence;
  bad[3] = 1.5f;
  e = test::error_of([&] { build_prototype_bank(kFeatures, 5, 2, bad, kArousal, two_by_two()); });
  EXPECT_NE(e.find("valence[3]"), std::string::npos) << e;
}

TEST(PrototypeBank, FilesRoundTripAndTheBankIsFrozen) {
  test::TempDir dir("bank");
  test::write_features(dir / "features.npz", kFeatures, 2, kValence, kArousal);
  PrototypeBank b = build_prototype_bank_from_features(dir / "features.npz", two_by_two());
  write_prototype_bank(b, dir / "bank.npz");
  PrototypeBank r = read_prototype_bank(dir / "bank.npz");
  EXPECT_EQ(r.prototypes, b.prototypes);
  EXPECT_EQ(r.prior, b.prior);
  EXPECT_EQ(r.counts, b.counts);
  EXPECT_EQ(r.centres, b.centres);
  ASSERT_EQ(r.fallbacks.size(), 1u);
  EXPECT_EQ(r.fallbacks[0].from_col, 0);
  nlohmann::json side = read_json_file(dir / "bank.json");
  EXPECT_EQ(side["kind"], "eeg");
  EXPECT_EQ(side["features"]["file"], (dir / "features.npz").string());
  EXPECT_EQ(side["empty_bins"][0]["from_bin"], nlohmann::json::array({0, 0}));
  EXPECT_EQ(side["counts"], nlohmann::json::parse("[[2, 0], [1, 2]]"));
  // The NPZ layout numpy sees.
  NpzArchive a = read_npz(dir / "bank.npz");
  EXPECT_EQ(a.at("prototypes").shape, (std::vector<int64_t>{4, 2}));
  EXPECT_EQ(a.at("counts").shape, (std::vector<int64_t>{2, 2}));
  // Changing the NPZ after it was built is caught on load.
  a["prior"] = NpyArray::from<double>({4}, std::vector<double>{0.25, 0.25, 0.25, 0.25}.data());
  write_npz(dir / "bank.npz", a);
  const std::string e = test::error_of([&] { read_prototype_bank(dir / "bank.npz"); });
  EXPECT_NE(e.find("SHA-256"), std::string::npos) << e;
  EXPECT_NE(e.find("bank.npz"), std::string::npos) << e;
  std::filesystem::remove(dir / "bank.json");
  EXPECT_NE(test::error_of([&] { read_prototype_bank(dir / "bank.npz"); }).find("sidecar"), std::string::npos);
}

TEST(PrototypeBank, RandomControlKeepsShapeAndPrior) {
  PrototypeBank b = build_prototype_bank(kFeatures, 5, 2, kValence, kArousal, two_by_two());
  b.provenance["file"] = "bank.npz";
  PrototypeBank r = random_prototype_bank(b, 3);
  EXPECT_EQ(r.grid, b.grid);
  EXPECT_EQ(r.dim, b.dim);
  EXPECT_EQ(r.prior, b.prior);
  EXPECT_EQ(r.counts, b.counts);
  EXPECT_NE(r.prototypes, b.prototypes);
  for (int k = 0; k < 4; ++k)
    EXPECT_NEAR(std::hypot(r.prototypes[static_cast<size_t>(2 * k)], r.prototypes[static_cast<size_t>(2 * k + 1)]), 1.0, 1e-6);
  EXPECT_EQ(random_prototype_bank(b, 3).prototypes, r.prototypes);
  EXPECT_NE(random_prototype_bank(b, 4).prototypes, r.prototypes);
  EXPECT_EQ(r.provenance["kind"], "random");
}

TEST(PrototypeBank, InspectionListsEmptyBinsAndDrawsPlots) {
  test::TempDir dir("bank-inspect");
  PrototypeBank b = build_prototype_bank(kFeatures, 5, 2, kValence, kArousal, two_by_two());
  auto lines = inspect_prototype_bank(b, dir.path());
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  EXPECT_NE(all.find("empty bins: 1 of 4"), std::string::npos) << all;
  EXPECT_NE(all.find("(valence -0.8, arousal +0.8) <- bin (valence -0.8, arousal -0.8), 1.00 cells away"), std::string::npos)
      << all;
  for (const char* f : {"coverage.png", "centres.png", "inspect.json"})
    EXPECT_GT(std::filesystem::file_size(dir / f), 100u) << f;
  nlohmann::json j = read_json_file(dir / "inspect.json");
  EXPECT_DOUBLE_EQ(j["covered_fraction"].get<double>(), 0.75);
}

TEST(PrototypesCli, BuildInspectRandomAndErrors) {
  test::TempDir dir("bank-cli");
  test::write_features(dir / "features.npz", kFeatures, 2, kValence, kArousal);
  auto r = test::run_cli({"prototypes", "build", "--features", (dir / "features.npz").string(), "--out",
                          (dir / "bank.npz").string(), "--grid", "2", "--feature-dim", "2"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("1 empty bins"), std::string::npos) << r.out;
  r = test::run_cli({"prototypes", "inspect", "--bank", (dir / "bank.npz").string(), "--out", (dir / "inspect").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("<- bin"), std::string::npos) << r.out;
  r = test::run_cli({"prototypes", "random", "--like", (dir / "bank.npz").string(), "--seed", "5", "--out",
                     (dir / "random.npz").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_prototype_bank(dir / "random.npz").prior, read_prototype_bank(dir / "bank.npz").prior);
  // The default 5x5 grid needs 25 samples; 256-D is the default feature size.
  r = test::run_cli({"prototypes", "build", "--features", (dir / "features.npz").string(), "--out",
                     (dir / "b2.npz").string(), "--feature-dim", "2"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("at least 25 samples"), std::string::npos) << r.err;
  r = test::run_cli({"prototypes", "build", "--features", (dir / "features.npz").string(), "--out",
                     (dir / "b3.npz").string(), "--grid", "2"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("dimension 256"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ferkit
