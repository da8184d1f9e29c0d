// Parity with face-api itself: its node build with the tfjs wasm backend (tests/faceapi/faceapi_peer.js)
// runs on face-api's demo photos (decoded here by OpenCV and handed over as PPM, so both sides see
// the same pixels); ferkit runs the same networks from the same weights manifests. Agreement:
// raw tiny-face-detector output to 1e-3, detections (count, score 1e-3, box 1 px), expression
// probabilities to 1e-4 on face-api's own face crops, tiny landmarks to 0.05 px.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "faceapi_fixtures.h"
#include "ferkit/classifier.h"
#include "ferkit/faceapi/face_landmark_68_tiny.h"
#include "ferkit/faceapi/faceapi_classifier.h"
#include "ferkit/faceapi/tiny_face_detector.h"

namespace ferkit::faceapi {
namespace {

std::filesystem::path node_modules() { return test::npm_cache_dir() / "node_modules"; }

// Why the peer cannot run, or "" when it can.
std::string peer_missing() {
  if (!test::faceapi_present()) return "face-api's npm package not found under " + test::faceapi_package().string();
  if (!test::node_available()) return "node is not installed";
  const auto wasm = node_modules() / "@tensorflow" / "tfjs-backend-wasm" / "dist";
  if (!std::filesystem::exists(node_modules() / "@tensorflow" / "tfjs" / "package.json"))
    return "@tensorflow/tfjs is not installed under " + node_modules().string() + " (run scripts/setup.sh)";
  for (const char* f : {"tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm"})
    if (!std::filesystem::exists(wasm / f)) return std::string(f) + " not found under " + wasm.string() + " (run scripts/setup.sh)";
  return "";
}

class FaceapiParity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!peer_missing().empty()) return;
    dir_ = new test::TempDir("faceapi_parity");
    std::string list;
    for (int i = 1; i <= 6; ++i) {
      images_[i - 1] = cv::imread(test::faceapi_photo(i).string(), cv::IMREAD_COLOR);
      const auto ppm = *dir_ / ("sample" + std::to_string(i) + ".ppm");
      cv::imwrite(ppm.string(), images_[i - 1]);  // P6, RGB order
      list += (list.empty() ? "" : ",") + ppm.string();
    }
    const std::string cmd = "node " FERKIT_SOURCE_DIR "/tests/faceapi/faceapi_peer.js --cache " + test::npm_cache_dir().string() +
                            " --images " + list + " 2>" + (*dir_ / "err.txt").string();
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    std::array<char, 65536> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    status_ = pclose(p);
    if (status_ == 0) peer_ = new nlohmann::json(nlohmann::json::parse(out));
    else error_ = test::read_text(*dir_ / "err.txt");
  }
  static void TearDownTestSuite() {
    delete peer_;
    delete dir_;
    peer_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    const std::string why = peer_missing();
    if (!why.empty()) GTEST_SKIP() << why;
    ASSERT_EQ(status_, 0) << "faceapi_peer.js failed:\n" << error_;
    torch::set_num_threads(1);
  }

  static test::TempDir* dir_;
  static nlohmann::json* peer_;
  static std::array<cv::Mat, 6> images_;
  static int status_;
  static std::string error_;
};
test::TempDir* FaceapiParity::dir_ = nullptr;
nlohmann::json* FaceapiParity::peer_ = nullptr;
std::array<cv::Mat, 6> FaceapiParity::images_;
int FaceapiParity::status_ = -1;
std::string FaceapiParity::error_;

TEST_F(FaceapiParity, PeerIsFaceapiOnWasm) {
  EXPECT_EQ((*peer_)["backend"], "wasm");
  EXPECT_EQ((*peer_)["images"].size(), 6u);
}

TEST_F(FaceapiParity, TinyFaceDetectorRawOutputAndDetections) {
  TinyFaceDetectorOptions o;
  o.model = test::faceapi_manifest("tiny_face_detector_model").string();
  TinyFaceDetector det(o);
  int faces = 0;
  for (int i = 0; i < 6; ++i) {
    const auto& ref = (*peer_)["images"][i];
    const RawDetectorOutput raw = det.raw_output(images_[i]);
    const auto& want = ref["raw_detector"];
    ASSERT_EQ(raw.values.size(), want.size()) << "sample" << i + 1;
    double worst = 0;
    for (size_t k = 0; k < want.size(); ++k) worst = std::max(worst, std::abs(raw.values[k] - want[k].get<double>()));
    EXPECT_LE(worst, 1e-3) << "sample" << i + 1 << ": max |ferkit - face-api| over " << want.size() << " raw outputs";
    std::cout << "sample" << i + 1 << ": raw detector max abs diff " << worst << "\n";

    const std::vector<FaceBox> boxes = TinyFaceDetector::decode(raw, images_[i].rows, images_[i].cols, o.input_size,
                                                                o.score_threshold, o.iou_threshold);
    ASSERT_EQ(boxes.size(), ref["faces"].size()) << "sample" << i + 1;
    for (size_t f = 0; f < boxes.size(); ++f) {
      const auto& b = ref["faces"][f]["box"];
      EXPECT_NEAR(boxes[f].score, ref["faces"][f]["score"].get<double>(), 1e-3);
      EXPECT_NEAR(boxes[f].box.x, b[0].get<double>(), 1.0) << "sample" << i + 1 << " face " << f;
      EXPECT_NEAR(boxes[f].box.y, b[1].get<double>(), 1.0);
      EXPECT_NEAR(boxes[f].box.width, b[2].get<double>(), 1.0);
      EXPECT_NEAR(boxes[f].box.height, b[3].get<double>(), 1.0);
    }
    faces += static_cast<int>(boxes.size());
  }
  EXPECT_GT(faces, 0);
}

TEST_F(FaceapiParity, ExpressionProbabilitiesOnFaceapiCrops) {
  auto clf = open_faceapi_classifier(test::faceapi_manifest("face_expression_model"));
  const auto& map = label_mapping("faceapi").to_canonical_index;
  int compared = 0;
  double worst = 0;
  for (int i = 0; i < 6; ++i) {
    for (const auto& face : (*peer_)["images"][i]["faces"]) {
      if (!face.contains("expressions")) continue;
      const auto& c = face["crop"];
      const cv::Rect r(c[0].get<int>(), c[1].get<int>(), c[2].get<int>(), c[3].get<int>());
      const ClassScores s = clf->predict({images_[i](r)}, /*calibrated=*/false)[0];
      EXPECT_EQ(s.probs[kContempt], 0.f);
      for (size_t k = 0; k < 7; ++k) {
        const double d = std::abs(s.probs[map[k]] - face["expressions"][k].get<double>());
        worst = std::max(worst, d);
        EXPECT_LE(d, 1e-4) << "sample" << i + 1 << " crop " << r << " class " << k;
      }
      ++compared;
    }
  }
  std::cout << compared << " faces, expression probabilities max abs diff " << worst << "\n";
  EXPECT_GT(compared, 5);
}

TEST_F(FaceapiParity, TinyLandmarksOnFaceapiCrops) {
  FaceLandmark68Tiny net(test::faceapi_manifest("face_landmark_68_tiny_model"));
  double worst = 0;
  int compared = 0;
  for (int i = 0; i < 6; ++i) {
    for (const auto& face : (*peer_)["images"][i]["faces"]) {
      if (!face.contains("landmarks")) continue;
      const auto& c = face["crop"];
      const cv::Rect r(c[0].get<int>(), c[1].get<int>(), c[2].get<int>(), c[3].get<int>());
      const std::vector<cv::Point2f> p = net.landmarks(images_[i](r));
      ASSERT_EQ(p.size(), 68u);
      for (int k = 0; k < 68; ++k) {
        worst = std::max(worst, std::abs(p[k].x - face["landmarks"][k][0].get<double>()));
        worst = std::max(worst, std::abs(p[k].y - face["landmarks"][k][1].get<double>()));
      }
      ++compared;
    }
  }
  std::cout << compared << " faces, landmark max abs diff " << worst << " px\n";
  EXPECT_LE(worst, 0.05);
  EXPECT_GT(compared, 5);
}

}  // namespace
}  // namespace ferkit::faceapi
