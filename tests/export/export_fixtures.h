// Shared by the export tests: random-weight checkpoints with non-trivial BatchNorm statistics,
// face crops, and the onnxruntime-node peer (tests/export/run_onnx.js).
#pragma once

#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/checkpoint.h"
#include "ferkit/preprocess.h"
#include "support/test_support.h"

namespace ferkit::test {

// A model of `architecture` at `input_size` with random weights whose BatchNorm layers have
// running statistics, weights and biases away from their defaults (so folding them is exercised),
// saved as <dir>/<name>.pt + .json.
inline std::filesystem::path random_checkpoint(const TempDir& dir, const std::string& name, ModelSpec spec,
                                               Sidecar sidecar = {}, uint64_t seed = 3) {
  torch::manual_seed(seed);
  FerNet net = create_model(spec);
  {
    torch::NoGradGuard no_grad;
    for (auto& m : net->modules(false)) {
      if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get())) {
        bn->weight.uniform_(0.5, 1.5);
        bn->bias.uniform_(-0.2, 0.2);
        bn->running_mean.uniform_(-0.3, 0.3);
        bn->running_var.uniform_(0.5, 2.0);
      }
    }
  }
  net->eval();
  auto path = dir / (name + ".pt");
  save_checkpoint(path, net, sidecar);
  return path;
}

// Smooth random crops, gray and BGR, smaller and larger than the model input.
inline std::vector<cv::Mat> some_faces(int n = 2, uint64_t seed = 7) {
  cv::RNG rng(seed);
  std::vector<cv::Mat> faces;
  for (int i = 0; i < n; ++i) {
    cv::Mat m(40 + 24 * i, 40 + 24 * i, i % 2 ? CV_8UC3 : CV_8UC1);
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(m, m, cv::Size(5, 5), 0);
    faces.push_back(m);
  }
  return faces;
}

// The preprocessed batch [N, C, S, S] of faces, as every backend builds it.
inline torch::Tensor preprocessed_batch(const std::vector<cv::Mat>& faces, const InputSpec& in) {
  torch::Tensor b = torch::empty({static_cast<int64_t>(faces.size()), in.channels, in.size, in.size});
  const int64_t per = static_cast<int64_t>(in.channels) * in.size * in.size;
  for (size_t i = 0; i < faces.size(); ++i) preprocess_face_into(faces[i], in, b.data_ptr<float>() + static_cast<int64_t>(i) * per);
  return b;
}

inline bool onnxruntime_node_available() {
  return node_available() && std::filesystem::exists(npm_cache_dir() / "node_modules" / "onnxruntime-node");
}

#define FERKIT_REQUIRE_ONNXRUNTIME_NODE()                                                                        \
  do {                                                                                                         \
    if (!::ferkit::test::onnxruntime_node_available())                                                         \
      GTEST_SKIP() << "node or onnxruntime-node (" << ::ferkit::test::npm_cache_dir().string()                 \
                   << "/node_modules/onnxruntime-node, installed by scripts/setup.sh) is absent";            \
  } while (0)

// Runs model.onnx in onnxruntime-node (1 thread) on input; returns each output by name.
inline std::map<std::string, torch::Tensor> run_onnxruntime(const std::filesystem::path& model, const torch::Tensor& input) {
  TempDir dir("ort");
  torch::Tensor x = input.contiguous();
  {
    std::ofstream f(dir / "input.bin", std::ios::binary);
    f.write(static_cast<const char*>(x.data_ptr()), static_cast<std::streamsize>(x.numel() * 4));
  }
  std::string shape;
  for (int64_t s : x.sizes()) shape += (shape.empty() ? "" : ",") + std::to_string(s);
  const std::string script = std::string(FERKIT_SOURCE_DIR) + "/tests/export/run_onnx.js";
  const std::string cmd = "FERKIT_CACHE='" + npm_cache_dir().parent_path().string() + "' node '" + script + "' '" +
                          model.string() + "' '" + (dir / "input.bin").string() + "' " + shape + " '" +
                          (dir / "out").string() + "' 1 > '" + (dir / "log.txt").string() + "' 2>&1";
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(status, 0) << "onnxruntime-node failed on " << model << ":\n" << read_text(dir / "log.txt");
  std::map<std::string, torch::Tensor> out;
  for (const char* name : {"logits", "features"}) {
    auto file = dir / (std::string("out.") + name + ".bin");
    if (!std::filesystem::exists(file)) continue;
    const std::string bytes = read_text(file);
    torch::Tensor t = torch::empty({static_cast<int64_t>(bytes.size() / 4)});
    std::memcpy(t.data_ptr(), bytes.data(), bytes.size());
    out[name] = t.view({x.size(0), -1});
  }
  return out;
}

}  // namespace ferkit::test
