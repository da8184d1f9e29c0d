// ferkit demo: on the face-api demo photos, one printed line per face agreeing with summary.json
// (probability = the maximum, second = the runner-up), counts that add up, annotated copies; the
// data/sample fallback when the cache is absent; a missing model named with what to pass.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "ferkit/error.h"
#include "ferkit/report/photo_demo.h"
#include "report/report_fixtures.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) out.push_back(l);
  return out;
}

void check_summary(const nlohmann::json& s, const std::vector<std::string>& printed) {
  int64_t total = 0;
  for (const auto& [name, n] : s["counts"].items()) total += n.get<int64_t>();
  EXPECT_EQ(total, s["faces_total"].get<int64_t>());
  ASSERT_EQ(s["faces"].size(), s["faces_total"].get<size_t>());
  for (const auto& f : s["faces"]) {
    // The label is the most probable class and the second the runner-up.
    double best = -1, second = -1, sum = 0;
    std::string best_name;
    for (const auto& [name, p] : f["probabilities"].items()) {
      const double v = p.get<double>();
      sum += v;
      if (v > best) second = best, best = v, best_name = name;
      else if (v > second) second = v;
    }
    EXPECT_NEAR(sum, 1.0, 1e-4);
    EXPECT_EQ(f["label"].get<std::string>(), best_name);
    EXPECT_FLOAT_EQ(f["probability"].get<float>(), static_cast<float>(best));
    EXPECT_FLOAT_EQ(f["second_probability"].get<float>(), static_cast<float>(second));
    // Its printed line says the same.
    const std::string photo = f["photo"], face = "face " + f["face"].dump() + " ";
    char prob[16];
    std::snprintf(prob, sizeof prob, " %.2f", best);
    bool found = false;
    for (const auto& l : printed)
      found = found || (l.rfind(photo + "  " + face, 0) == 0 && l.find(best_name + prob) != std::string::npos);
    EXPECT_TRUE(found) << photo << " " << face << best_name << prob;
  }
}

TEST(PhotoDemo, FaceApiPhotosOneLinePerFace) {
  const fs::path photos = test::npm_cache_dir() / "face-api/demo";
  if (!fs::exists(photos / "sample1.jpg")) GTEST_SKIP() << "face-api demo photos absent (scripts/setup.sh fetches them)";
  torch::set_num_threads(1);
  test::TempDir dir("demo");
  test::write_random_checkpoint(dir / "m.pt");
  auto r = test::run_cli({"demo", "--model", (dir / "m.pt").string(), "--out", (dir / "out").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto s = read_json_file(dir / "out/summary.json");
  EXPECT_EQ(s["images_source"], "face-api demo photos");
  EXPECT_EQ(s["photos"].size(), 6u);
  // Every demo photo shows people facing the camera: the detector finds faces in each.
  EXPECT_TRUE(s["photos_without_faces"].empty()) << s["photos_without_faces"].dump();
  EXPECT_GE(s["faces_total"].get<int>(), 6);
  const auto printed = lines_of(r.out);
  size_t face_lines = 0;
  for (const auto& l : printed) face_lines += l.find("  face ") != std::string::npos;
  EXPECT_EQ(face_lines, s["faces_total"].get<size_t>());
  check_summary(s, printed);
  for (const auto& f : s["faces"]) {
    // Boxes lie inside their photo.
    const cv::Mat img = cv::imread((photos / f["photo"].get<std::string>()).string());
    const auto b = f["box"];
    EXPECT_GE(b[0].get<int>(), 0);
    EXPECT_LE(b[0].get<int>() + b[2].get<int>(), img.cols);
    EXPECT_LE(b[1].get<int>() + b[3].get<int>(), img.rows);
  }
  for (const auto& a : s["annotated"]) {
    const cv::Mat img = cv::imread(a.get<std::string>());
    ASSERT_FALSE(img.empty()) << a;
    EXPECT_EQ(img.cols, 1024);
  }
  EXPECT_NE(test::read_text(dir / "out/summary.md").find("| expression | faces |"), std::string::npos);
}

TEST(PhotoDemo, FallsBackToTheBundledSampleFaces) {
  torch::set_num_threads(1);
  test::TempDir dir("demo-sample");
  test::write_random_checkpoint(dir / "m.pt");
  const char* old = std::getenv("FERKIT_CACHE");
  const std::string saved = old ? old : "";
  setenv("FERKIT_CACHE", (dir / "no-cache").c_str(), 1);
  PhotoDemoOptions o;
  o.model = (dir / "m.pt").string();
  o.out = (dir / "out").string();
  std::vector<std::string> printed;
  const PhotoDemoResult r = run_photo_demo(o, [&](const std::string& l) { printed.push_back(l); });
  if (old) setenv("FERKIT_CACHE", saved.c_str(), 1);
  else unsetenv("FERKIT_CACHE");
  EXPECT_EQ(r.images_source, "bundled data/sample faces");
  ASSERT_EQ(r.photos.size(), 8u);
  ASSERT_EQ(r.faces.size(), 8u);  // 48 x 48 crops: each classified whole
  for (const auto& f : r.faces) {
    EXPECT_TRUE(f.whole_image);
    EXPECT_EQ(f.box, cv::Rect(0, 0, 48, 48));
  }
  ASSERT_EQ(printed.size(), 8u);
  EXPECT_EQ(printed[0], face_line(r.faces[0]));
  check_summary(r.to_json(), printed);
}

TEST(PhotoDemo, MissingModelIsNamed) {
  test::TempDir dir("demo-missing");
  auto r = test::run_cli({"demo", "--model", (dir / "nope.pt").string(), "--out", (dir / "out").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("nope.pt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--model"), std::string::npos) << r.err;
  if (!fs::exists(default_model_path())) {
    // Before the default model is committed, plain `ferkit demo` says which file is missing.
    r = test::run_cli({"demo", "--out", (dir / "out").string()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("models/default.pt"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("no default model"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace ferkit
