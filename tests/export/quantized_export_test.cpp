// fp16 and int8 exports: what they store (checked against python/numpy reading the same files and
// the checkpoint), that onnxruntime runs them, and how far their logits are from float32 LibTorch.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "export/export_fixtures.h"
#include "ferkit/classifier.h"
#include "ferkit/error.h"
#include "ferkit/onnx_export.h"
#include "ferkit/onnx_model.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

const std::filesystem::path kSample = std::filesystem::path(FERKIT_SOURCE_DIR) / "data" / "sample";

class QuantizedExport : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    cv::setNumThreads(1);
    spec_.architecture = "mobilenetv3_small_48";
    spec_.mean = {0.45};
    spec_.std = {0.27};
    ckpt_ = test::random_checkpoint(dir_, "m", spec_);
  }
  OnnxExportOptions int8_options(int count = 64) const {
    OnnxExportOptions o;
    o.int8 = true;
    o.calibration.path = kSample;
    o.calibration.format = "ferplus";
    o.calibration.split = "train";
    o.calibration.count = count;
    o.calibration.batch_size = 32;
    return o;
  }
  torch::Tensor reference_logits(const torch::Tensor& x) {
    Checkpoint ck = load_checkpoint(ckpt_);
    torch::NoGradGuard no_grad;
    return ck.net->forward(x).logits;
  }
  test::TempDir dir_{"export-q"};
  ModelSpec spec_;
  std::filesystem::path ckpt_;
};

TEST_F(QuantizedExport, Fp16HalvesTheFileAndStaysWithinToleranceInBothRuntimes) {
  OnnxExportReport f32 = export_onnx(ckpt_, dir_ / "m.onnx");
  OnnxExportOptions o;
  o.fp16 = true;
  OnnxExportReport f16 = export_onnx(ckpt_, dir_ / "m16.onnx", o);
  EXPECT_NO_THROW(check_onnx_model(dir_ / "m16.onnx"));
  EXPECT_EQ(f16.weights, "float16");
  EXPECT_GT(f16.fp16_initializers, 0);
  EXPECT_EQ(f16.op_counts["Cast"], f16.fp16_initializers);
  EXPECT_LT(static_cast<double>(f16.initializer_bytes), 0.52 * static_cast<double>(f32.initializer_bytes));
  EXPECT_EQ(read_onnx_model_info(dir_ / "m16.onnx").metadata.at("ferkit.weights"), "float16");

  // OpenCV widens the float16 weights back to float32: the same arithmetic as float32 with weights
  // rounded to float16 (relative error <= 2^-11), stated tolerance 1e-2 on these logits.
  const auto faces = test::some_faces(3);
  auto ref = open_classifier(ckpt_, "libtorch")->logits(faces);
  auto cv16 = open_classifier(dir_ / "m16.onnx", "opencv")->logits(faces);
  float diff = 0, spread = 0;
  for (size_t i = 0; i < faces.size(); ++i) {
    for (int k = 0; k < kNumClasses; ++k) {
      diff = std::max(diff, std::abs(ref[i][k] - cv16[i][k]));
      spread = std::max(spread, std::abs(ref[i][k]));
    }
  }
  EXPECT_LT(diff, 1e-2f) << "logit magnitude " << spread;
  EXPECT_GT(diff, 0.0f) << "float16 rounding should change something";

  if (!test::onnxruntime_node_available()) GTEST_SKIP() << "onnxruntime-node absent: fp16 checked in OpenCV only";
  torch::Tensor x = test::preprocessed_batch(faces, input_spec(spec_));
  auto ort = test::run_onnxruntime(dir_ / "m16.onnx", x);
  ASSERT_TRUE(ort.count("logits"));
  EXPECT_LT((ort["logits"] - reference_logits(x)).abs().max().item<float>(), 1e-2f);
  // Both runtimes compute in float32 from the same float16 weights.
  for (size_t i = 0; i < faces.size(); ++i) {
    for (int k = 0; k < kNumClasses; ++k) EXPECT_NEAR(ort["logits"][i][k].item<float>(), cv16[i][k], 1e-4);
  }
}

TEST_F(QuantizedExport, Int8IsQdqCalibratedOnRealFacesAndRunsInOnnxruntime) {
  export_onnx(ckpt_, dir_ / "m.onnx");
  OnnxExportReport r = export_onnx(ckpt_, dir_ / "m8.onnx", int8_options());
  EXPECT_NO_THROW(check_onnx_model(dir_ / "m8.onnx"));
  EXPECT_EQ(r.weights, "int8");
  EXPECT_EQ(r.calibration_images, 64);
  OnnxModelInfo f = read_onnx_model_info(dir_ / "m8.onnx");
  // Every Conv and Gemm of the float graph is quantised; the Relus after layers are folded into the
  // layers' ranges (those left are the two of each HardSigmoid decomposition).
  EXPECT_EQ(r.quantized_layers, f.op_counts["Conv"] + f.op_counts["Gemm"]);
  EXPECT_LT(f.op_counts["Relu"], read_onnx_model_info(dir_ / "m.onnx").op_counts["Relu"]);
  EXPECT_GT(f.op_counts["QuantizeLinear"], 0);
  // One DequantizeLinear per quantised activation, plus the weight and the bias (every layer has
  // one once BatchNorm is folded) of each layer.
  EXPECT_EQ(f.op_counts["DequantizeLinear"], f.op_counts["QuantizeLinear"] + 2 * r.quantized_layers);
  EXPECT_EQ(f.metadata.at("ferkit.weights"), "int8");
  auto cal = nlohmann::json::parse(f.metadata.at("ferkit.calibration"));
  EXPECT_EQ(cal["images"], 64);
  EXPECT_EQ(cal["method"], "minmax");
  EXPECT_LT(f.initializer_bytes * 3, export_onnx(ckpt_, dir_ / "m.onnx").initializer_bytes);

  // OpenCV 4.6 cannot run QDQ graphs: the backend says so instead of computing garbage.
  try {
    open_classifier(dir_ / "m8.onnx", "opencv");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("m8.onnx"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("onnxruntime"), std::string::npos) << e.what();
  }

  FERKIT_REQUIRE_ONNXRUNTIME_NODE();
  // Calibration faces from the sample set itself: in range, so int8 stays close to float32.
  ReadOptions ro;
  ro.format = "ferplus";
  ro.path = kSample;
  ro.split = "valid";
  Dataset valid = read_dataset(ro);
  std::vector<cv::Mat> faces;
  for (size_t i = 0; i < 16 && i < valid.samples.size(); ++i) faces.push_back(load_image(valid, valid.samples[i], true));
  torch::Tensor x = test::preprocessed_batch(faces, input_spec(spec_));
  torch::Tensor z = reference_logits(x);
  auto ort = test::run_onnxruntime(dir_ / "m8.onnx", x);
  ASSERT_TRUE(ort.count("logits") && ort.count("features"));
  // Stated int8 tolerance: max |dz| below 10% of the float logits' range, and the features (unit
  // vectors) within cosine 0.99 of float32.
  const float range = (z.max() - z.min()).item<float>();
  EXPECT_LT((ort["logits"] - z).abs().max().item<float>(), 0.1f * range) << "logit range " << range;
  Checkpoint ck = load_checkpoint(ckpt_);
  torch::Tensor feat;
  {
    torch::NoGradGuard no_grad;
    feat = ck.net->forward(x).features;
  }
  EXPECT_GT((ort["features"] * feat).sum(1).min().item<float>(), 0.99f);
}

TEST_F(QuantizedExport, Int8WeightsAreSymmetricPerChannelAsNumpyComputesThem) {
  FERKIT_REQUIRE_PYTHON("onnx, torch, numpy");
  OnnxExportOptions o = int8_options(32);
  o.fold_batchnorm = false;  // so the quantised weights are the checkpoint's own conv weights
  export_onnx(ckpt_, dir_ / "m8.onnx", o);
  // numpy: s_c = max|W_c| / 127, q = round(W / s_c) clipped to [-127, 127], for every convolution
  // and linear weight named in the checkpoint.
  std::string out = test::run_python(
      "import onnx, numpy as np, torch\n"
      "from onnx import numpy_helper as nh\n"
      "m = onnx.load('" + (dir_ / "m8.onnx").string() + "')\n"
      "init = {t.name: nh.to_array(t) for t in m.graph.initializer}\n"
      "sd = torch.load('" + ckpt_.string() + "')\n"
      "checked = worst = 0\n"
      "for name, w in sd.items():\n"
      "    if name + '/int8' not in init: continue\n"
      "    w = w.double().numpy(); c = w.reshape(w.shape[0], -1)\n"
      "    s = np.abs(c).max(1) / 127; s[s == 0] = 1\n"
      "    q = np.clip(np.round(w / s.reshape(-1, *[1] * (w.ndim - 1))), -127, 127)\n"
      "    assert init[name + '/int8'].dtype == np.int8 and (init[name + '/zero_point'] == 0).all()\n"
      "    worst = max(worst, np.abs(init[name + '/scale'] - s).max() / s.max(), np.abs(init[name + '/int8'] - q).max())\n"
      "    checked += 1\n"
      "acts = [t for t in init if t.endswith('/act_zero_point')]\n"
      "print(checked, worst < 1e-6 or worst, all(init[t].dtype == np.uint8 for t in acts), len(acts) > 0)\n");
  Checkpoint ck = load_checkpoint(ckpt_);
  int layers = 0;  // convolution (4-D) and linear (2-D) weights
  for (const auto& p : ck.net->named_parameters()) {
    if (p.value().dim() == 4 || p.value().dim() == 2) ++layers;
  }
  EXPECT_EQ(out, std::to_string(layers) + " True True True\n");
}

TEST_F(QuantizedExport, PercentileRangesAreNoWiderThanMinMaxAndShortfallsAreCounted) {
  FERKIT_REQUIRE_PYTHON("onnx, numpy");
  OnnxExportOptions minmax = int8_options(1000);  // the sample train split has fewer faces
  OnnxExportReport r = export_onnx(ckpt_, dir_ / "mm.onnx", minmax);
  ASSERT_EQ(r.calibration_notes.size(), 1u);
  EXPECT_EQ(r.calibration_notes.begin()->second, 1000 - r.calibration_images);
  EXPECT_LT(r.calibration_images, 1000);
  OnnxExportOptions pct = int8_options(64);
  pct.calibration.method = "percentile";
  pct.calibration.percentile = 99.0;
  export_onnx(ckpt_, dir_ / "pc.onnx", pct);
  std::string out = test::run_python(
      "import onnx, numpy as np\n"
      "from onnx import numpy_helper as nh\n"
      "a = {t.name: nh.to_array(t) for t in onnx.load('" + (dir_ / "mm.onnx").string() + "').graph.initializer}\n"
      "b = {t.name: nh.to_array(t) for t in onnx.load('" + (dir_ / "pc.onnx").string() + "').graph.initializer}\n"
      "keys = [k for k in a if k.endswith('/act_scale')]\n"
      "print(len(keys) > 0, set(keys) == {k for k in b if k.endswith('/act_scale')},\n"
      "      all(b[k] <= a[k] * (1 + 1e-6) for k in keys), sum(b[k] < a[k] for k in keys) > len(keys) // 2)\n");
  EXPECT_EQ(out, "True True True True\n");
}

}  // namespace
}  // namespace ferkit
