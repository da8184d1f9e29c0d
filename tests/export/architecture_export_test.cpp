// Every architecture of the registry exports to ONNX that passes the checker, and the OpenCV DNN
// backend and onnxruntime (node) compute what LibTorch computes on the same faces: the reference
// is the LibTorch backend / FerNet itself, random weights, batch 2, a small input per architecture.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include "export/export_fixtures.h"
#include "ferkit/classifier.h"
#include "ferkit/model.h"
#include "ferkit/onnx_export.h"
#include "ferkit/onnx_model.h"

namespace ferkit {
namespace {

// Small inputs keep each case fast: the architecture's minimum (32 for the ImageNet stems, whose
// stride-32 path then ends on a 1x1 map) or 48 for the _48 variants.
ModelSpec small_spec(const std::string& architecture) {
  ModelSpec spec;
  spec.architecture = architecture;
  const ArchitectureInfo& info = architecture_info(architecture);
  spec.input_size = std::max(info.min_input, info.default_input == 48 ? 48 : 32);
  spec.mean = {0.45};
  spec.std = {0.27};
  return spec;
}

float max_abs_diff(const std::vector<ClassLogits>& a, const std::vector<ClassLogits>& b) {
  float m = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    for (int k = 0; k < kNumClasses; ++k) m = std::max(m, std::abs(a[i][k] - b[i][k]));
  }
  return m;
}

class ArchitectureExport : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { torch::set_num_threads(1); }
  test::TempDir dir_{"export-arch"};
};

TEST_P(ArchitectureExport, OpenCvDnnMatchesLibtorch) {
  const ModelSpec spec = small_spec(GetParam());
  const auto ckpt = test::random_checkpoint(dir_, "m", spec);
  const auto onnx = dir_ / "m.onnx";
  OnnxExportReport r = export_onnx(ckpt, onnx);
  EXPECT_NO_THROW(check_onnx_model(onnx));
  OnnxModelInfo info = read_onnx_model_info(onnx);
  EXPECT_EQ(info.opset, 13);
  EXPECT_EQ(info.op_counts.count("Identity"), 0u);
  EXPECT_EQ(info.op_counts.count("BatchNormalization"), 0u) << "BatchNorm should be folded";
  ASSERT_EQ(info.input_shape.size(), 4u);
  EXPECT_EQ(info.input_shape[0], -1) << "batch must be dynamic";
  EXPECT_EQ(info.output_names, (std::vector<std::string>{"logits", "features"}));

  const auto faces = test::some_faces(2);
  auto reference = open_classifier(ckpt, "libtorch")->logits(faces);
  auto opencv = open_classifier(onnx)->logits(faces);  // auto: .onnx -> opencv
  ASSERT_EQ(opencv.size(), 2u);
  const float diff = max_abs_diff(reference, opencv);
  EXPECT_LT(diff, 1e-4f) << spec.architecture << " at " << spec.input_size << "x" << spec.input_size << ", "
                         << r.nodes << " nodes, " << r.folded_batchnorms << " BatchNorms folded";
  // A batch of 1 after a batch of 2 (another cached network) gives the batch's first row.
  auto one = open_classifier(onnx, "opencv")->logits({faces[0]});
  for (int k = 0; k < kNumClasses; ++k) EXPECT_NEAR(one[0][k], reference[0][k], 1e-4);
}

TEST_P(ArchitectureExport, OnnxruntimeMatchesFerNetOnLogitsAndFeatures) {
  FERKIT_REQUIRE_ONNXRUNTIME_NODE();
  const ModelSpec spec = small_spec(GetParam());
  const auto ckpt = test::random_checkpoint(dir_, "m", spec);
  const auto onnx = dir_ / "m.onnx";
  export_onnx(ckpt, onnx);
  Checkpoint ck = load_checkpoint(ckpt);
  torch::Tensor x = test::preprocessed_batch(test::some_faces(2), input_spec(spec));
  ModelOutput expected;
  {
    torch::NoGradGuard no_grad;
    expected = ck.net->forward(x);
  }
  auto ort = test::run_onnxruntime(onnx, x);
  ASSERT_TRUE(ort.count("logits") && ort.count("features"));
  EXPECT_LT((ort["logits"] - expected.logits).abs().max().item<float>(), 1e-4f) << spec.architecture;
  EXPECT_LT((ort["features"] - expected.features).abs().max().item<float>(), 1e-5f) << spec.architecture;
  EXPECT_NEAR(ort["features"].norm(2, 1).min().item<float>(), 1.0f, 1e-5f);
}

INSTANTIATE_TEST_SUITE_P(Registry, ArchitectureExport, ::testing::ValuesIn(architecture_names()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace ferkit
