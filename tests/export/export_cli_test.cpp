// `ferkit export` in-process, and `ferkit eval` on the exported model through the OpenCV backend.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "export/export_fixtures.h"
#include "ferkit/onnx_model.h"

namespace ferkit {
namespace {

const std::string kSample = std::string(FERKIT_SOURCE_DIR) + "/data/sample";

class ExportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    cv::setNumThreads(1);
    ModelSpec spec;
    spec.architecture = "mobilenetv3_small_48";
    ckpt_ = test::random_checkpoint(dir_, "m", spec);
  }
  test::TempDir dir_{"export-cli"};
  std::filesystem::path ckpt_;
};

TEST_F(ExportCli, WritesTheDefaultNamesAndReportsTheGraph) {
  auto r = test::run_cli({"export", "--model", ckpt_.string(), "--format", "onnx"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "m.onnx"));
  EXPECT_NE(r.out.find("wrote " + (dir_ / "m.onnx").string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("BatchNorm folded into"), std::string::npos) << r.out;
  // The op counts printed are those of the file.
  OnnxModelInfo m = read_onnx_model_info(dir_ / "m.onnx");
  EXPECT_NE(r.out.find(std::to_string(m.nodes) + " nodes:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" Conv " + std::to_string(m.op_counts["Conv"])), std::string::npos) << r.out;

  r = test::run_cli({"export", "--model", (dir_ / "m").string(), "--fp16", "--opset", "14"});
  ASSERT_EQ(r.status, 0) << r.err;
  OnnxModelInfo h = read_onnx_model_info(dir_ / "m-fp16.onnx");
  EXPECT_EQ(h.opset, 14);
  EXPECT_EQ(h.metadata.at("ferkit.weights"), "float16");

  r = test::run_cli({"export", "--model", ckpt_.string(), "--int8", "--calibration-data", kSample, "--calibration-count",
                     "32", "--out", (dir_ / "q.onnx").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("quantised to int8 (QDQ), activation ranges from 32 calibration faces"), std::string::npos) << r.out;
}

TEST_F(ExportCli, ErrorsExitNonZeroWithOneLine) {
  auto r = test::run_cli({"export", "--model", (dir_ / "absent.pt").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("absent.json"), std::string::npos) << r.err;
  r = test::run_cli({"export", "--model", ckpt_.string(), "--format", "tflite"});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("tflite"), std::string::npos) << r.err;
  r = test::run_cli({"export", "--model", ckpt_.string(), "--calibration-data", kSample});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("--calibration-data only with --int8"), std::string::npos) << r.err;
  r = test::run_cli({"export", "--model", ckpt_.string(), "--int8"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("calibration data"), std::string::npos) << r.err;
  r = test::run_cli({"export", "--model", ckpt_.string(), "--fp16", "--int8", "--calibration-data", kSample});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("one of fp16 and int8"), std::string::npos) << r.err;
}

TEST_F(ExportCli, HelpReadsLikeAManPage) {
  auto r = test::run_cli({"export", "--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* s : {"metadata_props", "--calibration-count", "Examples:", "ferkit export --model"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << " missing from:\n" << r.out;
  }
}

TEST_F(ExportCli, EvalOnTheOnnxModelMatchesEvalOnTheCheckpoint) {
  ASSERT_EQ(test::run_cli({"export", "--model", ckpt_.string()}).status, 0);
  auto eval = [&](const std::filesystem::path& model) {
    auto r = test::run_cli({"eval", "--model", model.string(), "--format", "ferplus", "--data", kSample, "--split", "valid",
                            "--threads", "1", "--bootstrap", "20", "--json"});
    EXPECT_EQ(r.status, 0) << r.err;
    return nlohmann::json::parse(r.out);
  };
  nlohmann::json onnx = eval(dir_ / "m.onnx");
  nlohmann::json pt = eval(ckpt_);
  EXPECT_EQ(onnx["backend"], "opencv");
  EXPECT_EQ(pt["backend"], "libtorch");
  EXPECT_EQ(onnx["n"], pt["n"]);
  EXPECT_GT(onnx["n"].get<int>(), 0);
  EXPECT_DOUBLE_EQ(onnx["8way"]["acc"].get<double>(), pt["8way"]["acc"].get<double>());
  EXPECT_NEAR(onnx["calibration"]["nll"].get<double>(), pt["calibration"]["nll"].get<double>(), 1e-4);
}

}  // namespace
}  // namespace ferkit
