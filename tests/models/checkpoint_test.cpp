// Checkpoints: save -> load reproduces the logits exactly; the sidecar carries what it should; every
// error path names the file and what is wrong; Python reads the weights as a torchvision state_dict.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <fstream>

#include "ferkit/checkpoint.h"
#include "ferkit/error.h"
#include "ferkit/npz.h"
#include "ferkit/sha256.h"
#include "ferkit/taxonomy.h"
#include "ferkit/version.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

// A small model whose BatchNorm statistics are not the defaults (so buffers must round-trip too).
FerNet trained_looking_model(const std::string& arch = "mobilenetv3_small_48") {
  torch::manual_seed(11);
  ModelSpec spec;
  spec.architecture = arch;
  FerNet net = create_model(spec);
  torch::NoGradGuard no_grad;
  net->train();
  for (int i = 0; i < 3; ++i) net->forward(torch::randn({4, 1, 48, 48}) * 2 + 0.3);
  net->eval();
  return net;
}

Sidecar example_sidecar() {
  Sidecar s;
  s.dataset_fingerprint = "abc123";
  s.config = {{"train", {{"epochs", 30}, {"lr", 0.001}}}};
  s.metrics = {{"valid", {{"accuracy", 0.85}}}};
  return s;
}

nlohmann::json read_json(const std::filesystem::path& p) { return nlohmann::json::parse(test::read_text(p)); }
void write_json(const std::filesystem::path& p, const nlohmann::json& j) { test::write_text(p, j.dump(2)); }

std::string load_error(const std::filesystem::path& p) {
  try {
    load_checkpoint(p);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected load_checkpoint(" << p << ") to fail";
  return "";
}

TEST(Checkpoint, SaveLoadReproducesLogitsExactly) {
  torch::set_num_threads(1);
  test::TempDir dir("ckpt");
  FerNet net = trained_looking_model();
  save_checkpoint(dir / "best.pt", net, example_sidecar());
  EXPECT_TRUE(std::filesystem::exists(dir / "best.pt"));
  EXPECT_TRUE(std::filesystem::exists(dir / "best.json"));
  EXPECT_FALSE(std::filesystem::exists(dir / "best.pt.tmp"));

  Checkpoint ck = load_checkpoint(dir / "best");  // "<name>" finds <name>.pt + <name>.json
  EXPECT_FALSE(ck.net->is_training());
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::randn({5, 1, 48, 48});
  ModelOutput a = net->forward(x), b = ck.net->forward(x);
  EXPECT_TRUE(torch::equal(a.logits, b.logits));
  EXPECT_TRUE(torch::equal(a.features, b.features));

  const Sidecar& s = ck.sidecar;
  EXPECT_EQ(s.model.architecture, "mobilenetv3_small_48");
  EXPECT_EQ(s.model.input_size, 48);
  EXPECT_EQ(s.model.in_channels, 1);
  EXPECT_EQ(s.model.feature_dim, 256);
  EXPECT_EQ(s.model.head, "linear");
  EXPECT_EQ(s.model.mean, std::vector<double>{0.5});
  EXPECT_EQ(s.class_names, std::vector<std::string>(class_names().begin(), class_names().end()));
  EXPECT_EQ(s.temperature, 1.0);
  EXPECT_TRUE(s.class_temperatures.empty());
  EXPECT_TRUE(s.abstain_thresholds.empty());
  EXPECT_EQ(s.dataset_fingerprint, "abc123");
  EXPECT_EQ(s.config["train"]["epochs"], 30);
  EXPECT_EQ(s.metrics["valid"]["accuracy"], 0.85);
  EXPECT_EQ(s.git_commit, git_commit());
  EXPECT_EQ(s.created.size(), 20u) << s.created;  // 2024-01-31T12:00:00Z
  EXPECT_EQ(s.weights_sha256, sha256_file(dir / "best.pt"));
}

TEST(Checkpoint, CosineHeadRoundTrips) {
  torch::set_num_threads(1);
  test::TempDir dir("ckpt-cos");
  ModelSpec spec;
  spec.architecture = "resnet18_48";
  spec.head = "cosine";
  spec.cosine_scale = 20;
  FerNet net = create_model(spec);
  net->eval();
  save_checkpoint(dir / "m.pt", net, Sidecar{});
  Checkpoint ck = load_checkpoint(dir / "m.json");
  EXPECT_EQ(ck.sidecar.model.head, "cosine");
  EXPECT_EQ(ck.sidecar.model.cosine_scale, 20);
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::randn({2, 1, 48, 48});
  EXPECT_TRUE(torch::equal(net->forward(x).logits, ck.net->forward(x).logits));
}

TEST(Checkpoint, MissingSidecarIsAnErrorNamingIt) {
  torch::set_num_threads(1);
  test::TempDir dir("ckpt-nosidecar");
  FerNet net = trained_looking_model();
  save_checkpoint(dir / "m.pt", net, Sidecar{});
  std::filesystem::remove(dir / "m.json");
  const std::string msg = load_error(dir / "m.pt");
  EXPECT_NE(msg.find((dir / "m.json").string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("sidecar"), std::string::npos) << msg;
}

TEST(Checkpoint, MissingWeightsIsAnErrorNamingThem) {
  torch::set_num_threads(1);
  test::TempDir dir("ckpt-noweights");
  FerNet net = trained_looking_model();
  save_checkpoint(dir / "m.pt", net, Sidecar{});
  std::filesystem::remove(dir / "m.pt");
  const std::string msg = load_error(dir / "m.pt");
  EXPECT_NE(msg.find((dir / "m.pt").string()), std::string::npos) << msg;
}

TEST(Checkpoint, UnknownArchitectureInSidecarNamesKnownOnes) {
  torch::set_num_threads(1);
  test::TempDir dir("ckpt-arch");
  FerNet net = trained_looking_model();
  save_checkpoint(dir / "m.pt", net, Sidecar{});
  auto j = read_json(dir / "m.json");
  j["model"]["architecture"] = "mobilenetv4";
  write_json(dir / "m.json", j);
  const std::string msg = load_error(dir / "m.pt");
  EXPECT_NE(msg.find("m.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'mobilenetv4'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("mobilenetv3_small_48"), std::string::npos) << msg;
}

TEST(Checkpoint, WeightsNotFittingTheArchitectureNameTheTensorAndShapes) {
  torch::set_num_threads(1);
  test::TempDir dir("ckpt-shape");
  FerNet net = trained_looking_model();
  save_checkpoint(dir / "m.pt", net, Sidecar{});
  // Same architecture, RGB: the first convolution no longer fits.
  auto j = read_json(dir / "m.json");
  j["model"]["in_channels"] = 3;
  write_json(dir / "m.json", j);
  std::string msg = load_error(dir / "m.pt");
  EXPECT_NE(msg.find("m.pt"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'backbone.features.0.0.weight' of shape [16, 3, 3, 3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[16, 1, 3, 3]"), std::string::npos) << msg;
  // Another architecture: its first tensor is missing from the weights.
  j["model"]["in_channels"] = 1;
  j["model"]["architecture"] = "resnet18_48";
  write_json(dir / "m.json", j);
  msg = load_error(dir / "m.pt");
  EXPECT_NE(msg.find("'backbone.conv1.weight'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no such tensor"), std::string::npos) << msg;
  EXPECT_NE(msg.find("resnet18_48"), std::string::npos) << msg;
}

TEST(Checkpoint, ClassNamesMustBeTheTaxonomy) {
  torch::set_num_threads(1);
  test::TempDir dir("ckpt-classes");
  FerNet net = trained_looking_model();
  save_checkpoint(dir / "m.pt", net, Sidecar{});
  auto j = read_json(dir / "m.json");
  std::swap(j["class_names"][0], j["class_names"][1]);  // happiness, neutral, ...
  write_json(dir / "m.json", j);
  const std::string msg = load_error(dir / "m.pt");
  EXPECT_NE(msg.find("m.json: class_names"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[happiness, neutral"), std::string::npos) << msg;

  Sidecar s;
  s.class_names.pop_back();
  EXPECT_THROW(save_checkpoint(dir / "n.pt", net, s), Error);
  EXPECT_FALSE(std::filesystem::exists(dir / "n.pt")) << "nothing is written for an invalid sidecar";
}

TEST(Checkpoint, UnknownSidecarKeySuggestsNearest) {
  torch::set_num_threads(1);
  test::TempDir dir("ckpt-key");
  FerNet net = trained_looking_model();
  save_checkpoint(dir / "m.pt", net, Sidecar{});
  auto j = read_json(dir / "m.json");
  j["temprature"] = 2.0;
  write_json(dir / "m.json", j);
  const std::string msg = load_error(dir / "m.pt");
  EXPECT_NE(msg.find("m.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'sidecar.temperature'"), std::string::npos) << msg;
}

TEST(Checkpoint, WeightsFromAnotherSaveAreDetected) {
  torch::set_num_threads(1);
  test::TempDir dir("ckpt-sha");
  FerNet a = trained_looking_model();
  save_checkpoint(dir / "a.pt", a, Sidecar{});
  ModelSpec spec;
  FerNet b = create_model(spec);  // same architecture, other weights
  save_checkpoint(dir / "b.pt", b, Sidecar{});
  std::filesystem::copy_file(dir / "b.pt", dir / "a.pt", std::filesystem::copy_options::overwrite_existing);
  const std::string msg = load_error(dir / "a.pt");
  EXPECT_NE(msg.find("SHA-256"), std::string::npos) << msg;
  EXPECT_NE(msg.find("different saves"), std::string::npos) << msg;
}

TEST(Checkpoint, UpdateSidecarRewritesOnlyTheSidecar) {
  torch::set_num_threads(1);
  test::TempDir dir("ckpt-update");
  FerNet net = trained_looking_model();
  save_checkpoint(dir / "m.pt", net, example_sidecar());
  const std::string weights_before = test::read_text(dir / "m.pt");
  update_sidecar(dir / "m.pt", [](Sidecar& s) {
    s.temperature = 1.37;
    s.class_temperatures = {1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7};
    s.abstain_thresholds = std::vector<double>(8, 0.4);
  });
  EXPECT_EQ(test::read_text(dir / "m.pt"), weights_before);
  Checkpoint ck = load_checkpoint(dir / "m.pt");
  EXPECT_DOUBLE_EQ(ck.sidecar.temperature, 1.37);
  EXPECT_DOUBLE_EQ(ck.sidecar.class_temperatures[7], 1.7);
  EXPECT_DOUBLE_EQ(ck.sidecar.abstain_thresholds[3], 0.4);
  EXPECT_EQ(ck.sidecar.dataset_fingerprint, "abc123");

  // An invalid edit is refused and leaves the file as it was.
  const std::string json_before = test::read_text(dir / "m.json");
  EXPECT_THROW(update_sidecar(dir / "m.pt", [](Sidecar& s) { s.class_temperatures = {1.0, 2.0}; }), Error);
  EXPECT_THROW(update_sidecar(dir / "m.pt", [](Sidecar& s) { s.temperature = 0; }), Error);
  EXPECT_EQ(test::read_text(dir / "m.json"), json_before);
}

TEST(Checkpoint, PythonReadsTheWeightsAsATorchvisionStateDict) {
  // torch.load gives a {name: tensor} dict; its backbone.* entries load strictly into torchvision's
  // mobilenet_v3_small with the same stem change, and give the same pooled features as ferkit.
  FERKIT_REQUIRE_PYTHON("torch, torchvision, numpy");
  torch::set_num_threads(1);
  test::TempDir dir("ckpt-py");
  FerNet net = trained_looking_model();
  save_checkpoint(dir / "m.pt", net, Sidecar{});
  torch::Tensor x = torch::randn({2, 1, 48, 48});
  torch::Tensor ours;
  {
    torch::NoGradGuard no_grad;
    ours = net->backbone_features(x).contiguous();
  }
  write_npz(dir / "x.npz", {{"x", NpyArray::from<float>({2, 1, 48, 48}, x.data_ptr<float>())}});
  const std::string out = test::run_python(
      "import numpy as np, torch, torchvision.models as M\n"
      "d = torch.load('" + (dir / "m.pt").string() + "')\n"
      "m = M.mobilenet_v3_small(weights=None)\n"
      "m.features[0][0] = torch.nn.Conv2d(1, 16, 3, 1, 1, bias=False)\n"
      "m.classifier = torch.nn.Identity()\n"
      "sd = {k[len('backbone.'):]: v for k, v in d.items() if k.startswith('backbone.')}\n"
      "m.load_state_dict(sd, strict=True)\n"
      "m.eval()\n"
      "x = torch.from_numpy(np.load('" + (dir / "x.npz").string() + "')['x'])\n"
      "with torch.no_grad(): y = m(x)\n"
      "np.savez('" + (dir / "y.npz").string() + "', y=y.numpy())\n"
      "print(len(d), sorted(k for k in d if not k.startswith('backbone.')))\n");
  EXPECT_NE(out.find("['classifier.bias', 'classifier.weight', 'projection.bias', 'projection.weight']"), std::string::npos) << out;
  NpzArchive y = read_npz(dir / "y.npz");
  const NpyArray& a = y.at("y");
  torch::Tensor theirs = torch::from_blob(const_cast<float*>(a.data<float>()), a.shape).clone();
  EXPECT_LE((theirs - ours).abs().max().item<double>(), 1e-4 * std::max(1.0, ours.abs().max().item<double>()));
}

}  // namespace
}  // namespace ferkit
