// The LibTorch Classifier backend against FerNet itself: same logits on the same preprocessed
// batch; predict = softmax(z / T) with the sidecar's temperature; info from the sidecar.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/checkpoint.h"
#include "ferkit/classifier.h"
#include "ferkit/error.h"
#include "ferkit/libtorch_classifier.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

std::vector<cv::Mat> some_faces() {
  cv::RNG rng(7);
  std::vector<cv::Mat> faces;
  for (int i = 0; i < 4; ++i) {
    cv::Mat m(40 + 20 * i, 40 + 20 * i, i % 2 ? CV_8UC3 : CV_8UC1);  // BGR and gray, shrinking and enlarging
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(m, m, cv::Size(5, 5), 0);
    faces.push_back(m);
  }
  return faces;
}

class LibtorchClassifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    torch::manual_seed(21);
    ModelSpec spec;
    spec.architecture = "mobilenetv3_small_48";
    spec.mean = {0.45};
    spec.std = {0.27};
    net_ = create_model(spec);
    {
      torch::NoGradGuard no_grad;
      for (int i = 0; i < 2; ++i) net_->forward(torch::randn({8, 1, 48, 48}));  // non-default BN statistics
    }
    net_->eval();
    Sidecar s;
    s.temperature = 2.5;
    save_checkpoint(dir_ / "m.pt", net_, s);
  }
  test::TempDir dir_{"clf"};
  FerNet net_{nullptr};
};

TEST_F(LibtorchClassifierTest, LogitsEqualFerNetOnTheSamePreprocessedBatch) {
  auto clf = open_classifier(dir_ / "m.pt");  // "auto": .pt -> libtorch
  const auto faces = some_faces();
  std::vector<ClassLogits> z = clf->logits(faces);
  ASSERT_EQ(z.size(), faces.size());

  const InputSpec in{48, 1, {0.45}, {0.27}};
  torch::Tensor batch = torch::empty({4, 1, 48, 48});
  for (int i = 0; i < 4; ++i) preprocess_face_into(faces[i], in, batch.data_ptr<float>() + i * 48 * 48);
  torch::NoGradGuard no_grad;
  torch::Tensor expected = net_->forward(batch).logits;
  for (int i = 0; i < 4; ++i) {
    for (int k = 0; k < kNumClasses; ++k) EXPECT_NEAR(z[i][k], expected[i][k].item<float>(), 1e-5) << i << "," << k;
  }
  // One face alone gives the same logits as inside the batch (eval mode: no batch statistics).
  std::vector<ClassLogits> one = clf->logits({faces[2]});
  for (int k = 0; k < kNumClasses; ++k) EXPECT_NEAR(one[0][k], z[2][k], 1e-4);
  EXPECT_TRUE(clf->logits({}).empty());
}

TEST_F(LibtorchClassifierTest, PredictIsSoftmaxOfLogitsOverTemperature) {
  auto clf = open_classifier(dir_ / "m.pt", "libtorch");
  const auto faces = some_faces();
  std::vector<ClassLogits> z = clf->logits(faces);
  for (bool calibrated : {true, false}) {
    const double t = calibrated ? 2.5 : 1.0;
    std::vector<ClassScores> p = clf->predict(faces, calibrated);
    ASSERT_EQ(p.size(), faces.size());
    for (size_t i = 0; i < faces.size(); ++i) {
      double denom = 0;
      for (int k = 0; k < kNumClasses; ++k) denom += std::exp(z[i][k] / t);
      int argmax = 0;
      for (int k = 0; k < kNumClasses; ++k) {
        EXPECT_NEAR(p[i].probs[k], std::exp(z[i][k] / t) / denom, 1e-6);
        if (z[i][k] > z[i][argmax]) argmax = k;
      }
      EXPECT_EQ(p[i].label, argmax);
    }
  }
}

TEST_F(LibtorchClassifierTest, InfoComesFromTheSidecar) {
  update_sidecar(dir_ / "m.pt", [](Sidecar& s) { s.abstain_thresholds = std::vector<double>(8, 0.3); });
  LibtorchClassifierOptions o;
  o.threads = 1;
  auto clf = open_libtorch_classifier(dir_ / "m.pt", o);
  const ClassifierInfo& info = clf->info();
  EXPECT_EQ(info.backend, "libtorch");
  EXPECT_EQ(info.architecture, "mobilenetv3_small_48");
  EXPECT_EQ(info.model_path, dir_ / "m.pt");
  EXPECT_EQ(info.input.size, 48);
  EXPECT_EQ(info.input.channels, 1);
  EXPECT_EQ(info.input.mean, std::vector<double>{0.45});
  EXPECT_EQ(info.input.std, std::vector<double>{0.27});
  EXPECT_DOUBLE_EQ(info.temperature, 2.5);
  EXPECT_EQ(info.abstain_thresholds, std::vector<double>(8, 0.3));
  EXPECT_EQ(info.class_names.size(), 8u);
  EXPECT_EQ(info.class_names[1], "happiness");
}

TEST(LibtorchClassifierRegistry, BuiltinBackendIsRegisteredAndErrorsNameTheFile) {
  auto names = classifier_backends();
  EXPECT_NE(std::find(names.begin(), names.end(), "libtorch"), names.end());
  test::TempDir dir("clf-missing");
  try {
    open_classifier(dir / "absent.pt");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("absent.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferkit
