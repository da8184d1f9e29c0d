// ONNX export beyond the architecture sweep: folded and kept BatchNorm agree, opset 14 HardSwish,
// the cosine head, metadata_props round trip into ClassifierInfo, the python onnx checker, and
// error paths that name what was wrong.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include "export/export_fixtures.h"
#include "ferkit/classifier.h"
#include "ferkit/error.h"
#include "ferkit/onnx_export.h"
#include "ferkit/onnx_model.h"
#include "ferkit/opencv_dnn_classifier.h"

namespace ferkit {
namespace {

class OnnxExport : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    spec_.architecture = "mobilenetv3_small_48";
    spec_.mean = {0.45};
    spec_.std = {0.27};
  }
  std::vector<ClassLogits> logits(const std::filesystem::path& model, const std::string& backend) {
    return open_classifier(model, backend)->logits(test::some_faces(3));
  }
  static float max_abs_diff(const std::vector<ClassLogits>& a, const std::vector<ClassLogits>& b) {
    float m = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      for (int k = 0; k < kNumClasses; ++k) m = std::max(m, std::abs(a[i][k] - b[i][k]));
    }
    return m;
  }
  test::TempDir dir_{"export"};
  ModelSpec spec_;
};

TEST_F(OnnxExport, FoldedAndKeptBatchNormAgree) {
  for (const char* arch : {"mobilenetv3_small_48", "resnet18_48"}) {
    spec_.architecture = arch;
    const auto ckpt = test::random_checkpoint(dir_, arch, spec_);
    OnnxExportOptions kept;
    kept.fold_batchnorm = false;
    OnnxExportReport rf = export_onnx(ckpt, dir_ / "folded.onnx");
    OnnxExportReport rk = export_onnx(ckpt, dir_ / "kept.onnx", kept);
    EXPECT_GT(rf.folded_batchnorms, 0) << arch;
    EXPECT_EQ(rk.folded_batchnorms, 0) << arch;
    EXPECT_EQ(rk.op_counts["BatchNormalization"], rf.folded_batchnorms) << arch;
    EXPECT_EQ(rf.op_counts.count("BatchNormalization"), 0u) << arch;
    EXPECT_EQ(rk.nodes - rf.nodes, rf.folded_batchnorms) << arch;
    EXPECT_EQ(read_onnx_model_info(dir_ / "kept.onnx").metadata.at("ferkit.batchnorm"), "kept");
    auto ref = logits(ckpt, "libtorch");
    auto folded = logits(dir_ / "folded.onnx", "opencv");
    auto unfolded = logits(dir_ / "kept.onnx", "opencv");
    EXPECT_LT(max_abs_diff(folded, unfolded), 1e-4f) << arch;
    EXPECT_LT(max_abs_diff(ref, unfolded), 1e-4f) << arch;
  }
}

TEST_F(OnnxExport, Opset14UsesNativeHardSwishOpset13ItsDecomposition) {
  const auto ckpt = test::random_checkpoint(dir_, "m", spec_);
  OnnxExportOptions o14;
  o14.opset = 14;
  OnnxExportReport r13 = export_onnx(ckpt, dir_ / "m13.onnx");
  OnnxExportReport r14 = export_onnx(ckpt, dir_ / "m14.onnx", o14);
  EXPECT_EQ(r13.op_counts.count("HardSwish"), 0u);
  EXPECT_GT(r14.op_counts["HardSwish"], 0);
  // HardSigmoid is always Relu(x/6 + 1/2) - Relu(x/6 - 1/2) (two Relus; OpenCV 4.6's HardSigmoid is
  // off), so each HardSwish of opset 14 is two more Relus (and a Mul) at opset 13.
  EXPECT_EQ(r13.op_counts.count("HardSigmoid") + r14.op_counts.count("HardSigmoid"), 0u);
  EXPECT_EQ(r13.op_counts["Relu"], r14.op_counts["Relu"] + 2 * r14.op_counts["HardSwish"]);
  EXPECT_EQ(read_onnx_model_info(dir_ / "m14.onnx").opset, 14);
  EXPECT_LT(max_abs_diff(logits(dir_ / "m13.onnx", "opencv"), logits(dir_ / "m14.onnx", "opencv")), 1e-5f);
  EXPECT_LT(max_abs_diff(logits(ckpt, "libtorch"), logits(dir_ / "m14.onnx", "opencv")), 1e-4f);
}

TEST_F(OnnxExport, CosineHeadExportsAsScaledNormalisedWeights) {
  spec_.head = "cosine";
  spec_.cosine_scale = 16.0;
  const auto ckpt = test::random_checkpoint(dir_, "cos", spec_);
  export_onnx(ckpt, dir_ / "cos.onnx");
  auto ref = logits(ckpt, "libtorch");
  auto cv = logits(dir_ / "cos.onnx", "opencv");
  // Logits are s * cos: at most s in magnitude; the tolerance scales with s.
  EXPECT_LT(max_abs_diff(ref, cv), 16.0f * 1e-5f);
  for (const auto& row : cv) {
    for (float z : row) EXPECT_LE(std::abs(z), 16.0f + 1e-4f);
  }
}

TEST_F(OnnxExport, MetadataCarriesPreprocessingClassesTemperaturesAndThresholds) {
  Sidecar s;
  s.temperature = 1.7;
  s.class_temperatures = {1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8};
  s.abstain_thresholds = std::vector<double>(8, 0.35);
  spec_.in_channels = 3;
  spec_.input_size = 56;
  spec_.mean = {0.485, 0.456, 0.406};
  spec_.std = {0.229, 0.224, 0.225};
  const auto ckpt = test::random_checkpoint(dir_, "meta", spec_, s);
  export_onnx(ckpt, dir_ / "meta.onnx");
  OnnxModelInfo m = read_onnx_model_info(dir_ / "meta.onnx");
  EXPECT_EQ(m.metadata.at("ferkit.architecture"), "mobilenetv3_small_48");
  EXPECT_EQ(m.metadata.at("ferkit.weights"), "float32");
  EXPECT_EQ(m.input_shape, (std::vector<int64_t>{-1, 3, 56, 56}));
  auto clf = open_opencv_dnn_classifier(dir_ / "meta.onnx");
  const ClassifierInfo& info = clf->info();
  EXPECT_EQ(info.backend, "opencv");
  EXPECT_EQ(info.architecture, "mobilenetv3_small_48");
  EXPECT_EQ(info.input.size, 56);
  EXPECT_EQ(info.input.channels, 3);
  EXPECT_EQ(info.input.mean, spec_.mean);
  EXPECT_EQ(info.input.std, spec_.std);
  EXPECT_EQ(info.class_names, Sidecar::default_class_names());
  EXPECT_DOUBLE_EQ(info.temperature, 1.7);
  EXPECT_EQ(info.class_temperatures, s.class_temperatures);
  EXPECT_EQ(info.abstain_thresholds, s.abstain_thresholds);
  // predict() applies the per-class temperatures from the metadata, as the LibTorch backend does
  // from the sidecar.
  const auto faces = test::some_faces(2);
  auto p_cv = clf->predict(faces);
  auto p_lt = open_classifier(ckpt, "libtorch")->predict(faces);
  for (size_t i = 0; i < faces.size(); ++i) {
    EXPECT_EQ(p_cv[i].label, p_lt[i].label);
    for (int k = 0; k < kNumClasses; ++k) EXPECT_NEAR(p_cv[i].probs[k], p_lt[i].probs[k], 1e-5);
  }
}

TEST_F(OnnxExport, PythonOnnxCheckerAndShapeInferenceAccept) {
  FERKIT_REQUIRE_PYTHON("onnx");
  const auto ckpt = test::random_checkpoint(dir_, "m", spec_);
  export_onnx(ckpt, dir_ / "m.onnx");
  std::string out = test::run_python(
      "import onnx\n"
      "m = onnx.load('" + (dir_ / "m.onnx").string() + "')\n"
      "onnx.checker.check_model(m, full_check=True)\n"
      "g = onnx.shape_inference.infer_shapes(m, strict_mode=True).graph\n"
      "dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]\n"
      "print(m.opset_import[0].version, sum(n.op_type == 'Identity' for n in g.node))\n"
      "print(*[o.name + ':' + ','.join(map(str, dims(o))) for o in g.output])\n"
      "print(*[i.name + ':' + ','.join(map(str, dims(i))) for i in g.input])\n");
  EXPECT_EQ(out, "13 0\nlogits:batch,8 features:batch,256\ninput:batch,1,48,48\n");
}

TEST_F(OnnxExport, ErrorsNameWhatWasWrong) {
  const auto ckpt = test::random_checkpoint(dir_, "m", spec_);
  auto message = [&](const OnnxExportOptions& o) {
    try {
      export_onnx(ckpt, dir_ / "bad.onnx", o);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  OnnxExportOptions o;
  o.opset = 12;
  EXPECT_NE(message(o).find("opset: expected 13..17, got 12"), std::string::npos) << message(o);
  o = {};
  o.fp16 = o.int8 = true;
  EXPECT_NE(message(o).find("one of fp16 and int8"), std::string::npos) << message(o);
  o = {};
  o.int8 = true;
  EXPECT_NE(message(o).find("calibration data"), std::string::npos) << message(o);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "bad.onnx"));
  try {
    export_onnx(dir_ / "absent.pt", dir_ / "bad.onnx");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("absent.json"), std::string::npos) << e.what();
  }
  // A file that is not ONNX, and an ONNX model without ferkit metadata.
  test::write_text(dir_ / "text.onnx", "not a model");
  try {
    open_classifier(dir_ / "text.onnx");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("text.onnx"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferkit
