// The "faceapi" Classifier backend: its 7 outputs land on the right taxonomy classes, contempt is
// absent (finite, probability exactly 0), and its logits work as distillation teacher logits.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgcodecs.hpp>

#include "faceapi_fixtures.h"
#include "ferkit/classifier.h"
#include "ferkit/error.h"
#include "ferkit/faceapi/faceapi_checkpoint.h"
#include "ferkit/faceapi/net_input.h"
#include "ferkit/losses.h"
#include "ferkit/predict.h"
#include "ferkit/readers.h"
#include "ferkit/side_file.h"

namespace ferkit::faceapi {
namespace {

// Three face crops from face-api's demo photo sample1 (boxes around its three faces).
std::vector<cv::Mat> demo_faces() {
  const cv::Mat img = cv::imread(test::faceapi_photo(1).string(), cv::IMREAD_COLOR);
  return {img(cv::Rect(775, 445, 313, 256)).clone(), img(cv::Rect(1422, 214, 306, 282)).clone(), img(cv::Rect(336, 396, 305, 251)).clone()};
}

TEST(FaceapiClassifier, SevenOutputsMapIntoTheTaxonomyAndContemptIsAbsent) {
  FERKIT_REQUIRE_FACEAPI();
  torch::set_num_threads(1);
  const auto manifest = test::faceapi_manifest("face_expression_model");
  auto clf = open_classifier(manifest, "faceapi");
  const ClassifierInfo& info = clf->info();
  EXPECT_EQ(info.backend, "faceapi");
  EXPECT_EQ(info.architecture, "face_expression_net");
  EXPECT_EQ(info.input.size, 112);
  EXPECT_EQ(info.input.channels, 3);
  for (int k = 0; k < kNumClasses; ++k) EXPECT_EQ(info.supported[k], k != kContempt) << class_name(k);

  // The network itself, run here without the backend: its 7 fc outputs per face.
  FaceapiModel m = load_faceapi_model(manifest);
  const std::vector<cv::Mat> faces = demo_faces();
  torch::Tensor x = torch::empty({3, 3, 112, 112});
  NetInputSpec spec;
  for (int i = 0; i < 3; ++i) net_input_into(faces[i], spec, x[i].data_ptr<float>());
  torch::Tensor z7;
  {
    torch::NoGradGuard g;
    z7 = m.net->forward(x);
  }
  const std::vector<ClassLogits> z8 = clf->logits(faces);
  ASSERT_EQ(z8.size(), 3u);
  // face-api order: neutral, happy, sad, angry, fearful, disgusted, surprised.
  const int canonical[7] = {kNeutral, kHappiness, kSadness, kAnger, kFear, kDisgust, kSurprise};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 7; ++j) EXPECT_FLOAT_EQ(z8[i][canonical[j]], z7[i][j].item<float>()) << "face " << i << " output " << j;
    EXPECT_EQ(z8[i][kContempt], -1e4f);
    for (float v : z8[i]) EXPECT_TRUE(std::isfinite(v));
  }
  // Softmax over 8 = face-api's softmax over 7; contempt exactly 0.
  const std::vector<ClassScores> p = clf->predict(faces);
  torch::Tensor p7 = torch::softmax(z7, 1);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(p[i].probs[kContempt], 0.f);
    for (int j = 0; j < 7; ++j) EXPECT_NEAR(p[i].probs[canonical[j]], p7[i][j].item<float>(), 1e-6);
  }
  // sample1's right face (x 1422) smiles broadly: face-api calls it happy.
  EXPECT_EQ(p[1].label, kHappiness);
}

TEST(FaceapiClassifier, RejectsOtherNetworksAndMissingFiles) {
  FERKIT_REQUIRE_FACEAPI();
  try {
    open_classifier(test::faceapi_manifest("tiny_face_detector_model"), "faceapi");
    ADD_FAILURE() << "a detector opened as a classifier";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("face_expression_net"), std::string::npos) << e.what();
  }
  test::TempDir dir("fa");
  try {
    open_classifier(dir / "nothing.pt", "faceapi");
    ADD_FAILURE() << "no error for a missing checkpoint";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nothing.json"), std::string::npos) << e.what();
  }
}

// As a teacher: logits over a dataset (what teacher export stores) are finite, contempt sits at
// -1e4, and the distillation losses on them are finite with contempt getting no teacher mass.
TEST(FaceapiClassifier, TeacherLogitsOverADatasetAreFiniteAndDistillable) {
  FERKIT_REQUIRE_FACEAPI();
  torch::set_num_threads(1);
  test::TempDir dir("teacher");
  const char* classes[] = {"happy", "sadness", "anger", "contempt"};
  for (int i = 0; i < 8; ++i) test::write_png(dir / classes[i % 4] / ("f" + std::to_string(i) + ".png"), i, 48);
  ReadOptions ro;
  ro.format = "folder";
  ro.path = dir.path();
  const Dataset data = read_dataset(ro);
  ASSERT_EQ(data.samples.size(), 8u);
  auto clf = open_classifier(test::faceapi_manifest("face_expression_model"), "faceapi");
  PredictOptions po;
  po.threads = 1;
  po.batch_size = 3;
  po.progress = false;
  const DatasetPredictions p = predict_dataset(*clf, data, po);
  ASSERT_EQ(p.logits.rows, 8);
  torch::Tensor teacher = torch::empty({1, 8, kNumClasses});
  for (int64_t i = 0; i < 8; ++i) {
    EXPECT_EQ(p.logits.at(i, kContempt), -1e4);
    EXPECT_EQ(p.probs.at(i, kContempt), 0.0);
    for (int k = 0; k < kNumClasses; ++k) {
      ASSERT_TRUE(std::isfinite(p.logits.at(i, k)));
      teacher[0][i][k] = p.logits.at(i, k);
    }
  }
  torch::manual_seed(3);
  torch::Tensor student = torch::randn({8, kNumClasses});
  for (double t : {1.0, 4.0}) {
    const torch::Tensor kd = kd_loss(student, teacher[0], t);
    EXPECT_TRUE(std::isfinite(kd.item<double>())) << "T " << t;
    EXPECT_GE(kd.item<double>(), 0.0);
    const torch::Tensor fused = fuse_teacher_probs(teacher, {1.0}, t);
    EXPECT_TRUE(torch::isfinite(fused).all().item<bool>());
    EXPECT_LT(fused.select(1, kContempt).max().item<double>(), 1e-30);
  }

  // `ferkit teacher export --backend faceapi` stores exactly these logits, in dataset order.
  test::TempDir out("teacher_out");
  const auto npz = out / "faceapi_logits.npz";
  const test::CliResult r = test::run_cli({"teacher", "export", "--model", test::faceapi_manifest("face_expression_model").string(),
                                           "--backend", "faceapi", "--format", "folder", "--data", dir.path().string(), "--split", "all",
                                           "--threads", "1", "--out", npz.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const SideFile side = read_side_file_unbound(npz);
  EXPECT_EQ(side.kind, "teacher_logits");
  ASSERT_EQ(side.rows(), 8);
  ASSERT_EQ(side.cols, kNumClasses);
  for (int64_t i = 0; i < 8; ++i)
    for (int k = 0; k < kNumClasses; ++k) EXPECT_NEAR(side.row(i)[k], p.logits.at(i, k), 1e-4) << "row " << i << " class " << k;
}

}  // namespace
}  // namespace ferkit::faceapi
