// Architectures against torchvision: parameter names, shapes and counts (python peer at test
// time), forward shapes, unit-norm features, the cosine head, and registry errors.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "ferkit/error.h"
#include "ferkit/model.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

// Builds torchvision's model for a ferkit architecture name (with the _48 stem change) in python.
const char* kBuildTorchvision = R"PY(
import torch, torchvision.models as M
# Only names, shapes and counts matter here: skip the (slow) weight initialisation.
for f in ('kaiming_normal_', 'kaiming_uniform_', 'normal_', 'uniform_', 'trunc_normal_', 'zeros_', 'ones_', 'constant_'):
    setattr(torch.nn.init, f, lambda t, *a, **k: t)
def build(name):
    base = name[:-3] if name.endswith('_48') else name
    make = {'resnet18': M.resnet18, 'resnet50': M.resnet50,
            'mobilenetv3_small': M.mobilenet_v3_small, 'mobilenetv3_large': M.mobilenet_v3_large,
            'efficientnet_b0': M.efficientnet_b0, 'efficientnet_b3': M.efficientnet_b3,
            'convnext_tiny': M.convnext_tiny}[base]
    m = make(weights=None)
    if name.endswith('_48'):
        if base.startswith('resnet'):
            m.conv1 = torch.nn.Conv2d(3, 64, 3, 1, 1, bias=False)
            m.maxpool = torch.nn.Identity()
        else:
            m.features[0][0].stride = (1, 1)
    return m
def is_head(name, key):
    if name.startswith('resnet'): return key.startswith('fc.')
    if name.startswith('convnext'): return key.startswith('classifier.') and not key.startswith('classifier.0.')
    return key.startswith('classifier.')
)PY";

int64_t linear_params(int64_t in, int64_t out) { return in * out + out; }

// torchvision's 1000-class head for each family, by hand from the torchvision source.
int64_t torchvision_head_params(const std::string& arch) {
  if (arch.rfind("resnet18", 0) == 0) return linear_params(512, 1000);
  if (arch.rfind("resnet50", 0) == 0) return linear_params(2048, 1000);
  if (arch.rfind("mobilenetv3_small", 0) == 0) return linear_params(576, 1024) + linear_params(1024, 1000);
  if (arch.rfind("mobilenetv3_large", 0) == 0) return linear_params(960, 1280) + linear_params(1280, 1000);
  if (arch == "efficientnet_b0") return linear_params(1280, 1000);
  if (arch == "efficientnet_b3") return linear_params(1536, 1000);
  if (arch == "convnext_tiny") return linear_params(768, 1000);  // classifier.0 LayerNorm is in the backbone
  ADD_FAILURE() << "no torchvision head for " << arch;
  return 0;
}

std::string shape_of(const torch::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? "," : "") + std::to_string(t.size(i));
  return s + "]";
}

class TorchvisionLayout : public ::testing::TestWithParam<std::string> {};

TEST_P(TorchvisionLayout, NamesShapesAndParameterCountMatchTorchvision) {
  FERKIT_REQUIRE_PYTHON("torch, torchvision");
  torch::set_num_threads(1);
  const std::string arch = GetParam();
  std::string script = std::string(kBuildTorchvision) + "name = '" + arch + "'\nm = build(name)\n" +
                       "print('total', sum(p.numel() for p in m.parameters()))\n"
                       "for k, v in m.state_dict().items():\n"
                       "    if not is_head(name, k): print(k, '[' + ','.join(str(d) for d in v.shape) + ']')\n";
  std::istringstream out(test::run_python(script));
  int64_t torchvision_total = -1;
  std::map<std::string, std::string> expected;
  std::string key, shape;
  while (out >> key >> shape) {
    if (key == "total") torchvision_total = std::stoll(shape);
    else expected[key] = shape;
  }
  ASSERT_GT(torchvision_total, 0);

  ModelSpec spec;
  spec.architecture = arch;
  spec.in_channels = 3;
  spec.input_size = 224;
  FerNet net = create_model(spec);
  std::map<std::string, std::string> ours;
  for (const auto& kv : net->backbone().named_parameters()) ours[kv.key()] = shape_of(kv.value());
  for (const auto& kv : net->backbone().named_buffers()) ours[kv.key()] = shape_of(kv.value());

  for (const auto& [k, s] : expected) {
    auto it = ours.find(k);
    ASSERT_NE(it, ours.end()) << arch << ": torchvision tensor " << k << " [" << s << "] missing in ferkit";
    EXPECT_EQ(it->second, s) << arch << ": shape of " << k;
  }
  for (const auto& [k, s] : ours) {
    EXPECT_TRUE(expected.count(k)) << arch << ": ferkit tensor " << k << " [" << s << "] is not in torchvision";
  }
  EXPECT_EQ(count_parameters(net->backbone()) + torchvision_head_params(arch), torchvision_total) << arch;
}

INSTANTIATE_TEST_SUITE_P(Models, TorchvisionLayout, ::testing::ValuesIn(model_names()),
                         [](const auto& info) { return info.param; });

class EveryArchitecture : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryArchitecture, ForwardsGray48AndRgb112WithUnitFeatures) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  torch::NoGradGuard no_grad;
  const std::string arch = GetParam();
  for (int channels : {1, 3}) {
    ModelSpec spec;
    spec.architecture = arch;
    spec.in_channels = channels;
    spec.input_size = channels == 1 ? 48 : 112;
    spec.mean.assign(static_cast<size_t>(channels), 0.5);
    spec.std.assign(static_cast<size_t>(channels), 0.5);
    FerNet net = create_model(spec);
    net->eval();
    // The _48 stems keep full resolution: at 112x112 one image is enough (resnet50_48: ~16 GFLOPs).
    const bool heavy = channels == 3 && arch.size() > 3 && arch.substr(arch.size() - 3) == "_48";
    const int64_t batch = heavy ? 1 : 2;
    ModelOutput out = net->forward(torch::randn({batch, channels, spec.input_size, spec.input_size}));
    ASSERT_EQ(out.features.sizes(), (std::vector<int64_t>{batch, 256})) << arch << " " << channels;
    ASSERT_EQ(out.logits.sizes(), (std::vector<int64_t>{batch, 8})) << arch << " " << channels;
    torch::Tensor norms = out.features.norm(2, 1);
    EXPECT_TRUE(torch::allclose(norms, torch::ones_like(norms), 1e-5, 1e-5)) << arch << " norms " << norms;
    EXPECT_TRUE(torch::isfinite(out.logits).all().item<bool>()) << arch;
    // Freshly initialised MobileNetV3 in eval mode shrinks activations to ~1e-7 (torchvision's does
    // too), so the logits are nearly the head's bias: compare the backbone features exactly.
    if (channels == 1) {
      torch::Tensor h = net->backbone_features(torch::randn({2, 1, 48, 48}));
      EXPECT_FALSE(torch::equal(h[0], h[1])) << arch << ": different inputs, same features";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Models, EveryArchitecture, ::testing::ValuesIn(model_names()),
                         [](const auto& info) { return info.param; });

TEST(Models, GrayscaleChangesOnlyTheFirstConvolution) {
  // The first convolution's weight is [out, C, k, k]: gray saves 2 * out * k * k parameters.
  struct Case { const char* arch; int64_t out, k; };
  for (const Case& c : {Case{"resnet18", 64, 7}, Case{"resnet18_48", 64, 3}, Case{"mobilenetv3_small_48", 16, 3},
                        Case{"efficientnet_b0", 32, 3}, Case{"convnext_tiny", 96, 4}}) {
    ModelSpec gray, rgb;
    gray.architecture = rgb.architecture = c.arch;
    rgb.in_channels = 3;
    rgb.mean = rgb.std = {0.5, 0.5, 0.5};
    EXPECT_EQ(count_parameters(*create_model(rgb)) - count_parameters(*create_model(gray)), 2 * c.out * c.k * c.k) << c.arch;
  }
}

TEST(Models, SmallStemsKeepSpatialResolution) {
  torch::set_num_threads(1);
  torch::NoGradGuard no_grad;
  // Probe the map before pooling through the backbone's own submodules.
  ModelSpec spec;
  spec.architecture = "mobilenetv3_small_48";
  FerNet net = create_model(spec);
  net->eval();
  auto features = net->backbone().named_children()["features"];
  auto seq = std::dynamic_pointer_cast<torch::nn::SequentialImpl>(features);
  ASSERT_TRUE(seq);
  EXPECT_EQ(seq->forward(torch::randn({1, 1, 48, 48})).sizes(), (std::vector<int64_t>{1, 576, 3, 3}));

  spec.architecture = "mobilenetv3_small";
  net = create_model(spec);
  net->eval();
  seq = std::dynamic_pointer_cast<torch::nn::SequentialImpl>(net->backbone().named_children()["features"]);
  EXPECT_EQ(seq->forward(torch::randn({1, 1, 48, 48})).sizes(), (std::vector<int64_t>{1, 576, 2, 2}));
}

TEST(Models, CosineHeadIsScaledCosine) {
  torch::set_num_threads(1);
  torch::manual_seed(3);
  ModelSpec spec;
  spec.head = "cosine";
  spec.cosine_scale = 16.0;
  FerNet net = create_model(spec);
  net->eval();
  EXPECT_FALSE(net->classifier()->bias.defined()) << "the cosine head has no bias";
  torch::NoGradGuard no_grad;
  ModelOutput out = net->forward(torch::randn({3, 1, 48, 48}));
  // By hand: z_k = s * (w_k . f) / |w_k|, with |f| = 1.
  torch::Tensor w = net->classifier()->weight;
  for (int64_t i = 0; i < 3; ++i) {
    for (int64_t k = 0; k < 8; ++k) {
      const double cos = (w[k] * out.features[i]).sum().item<double>() / w[k].norm().item<double>();
      EXPECT_NEAR(out.logits[i][k].item<double>(), 16.0 * cos, 1e-4);
    }
  }
  EXPECT_LE(out.logits.abs().max().item<double>(), 16.0 + 1e-4);
}

TEST(Models, StochasticDepthOnlyInTraining) {
  torch::set_num_threads(1);
  torch::manual_seed(5);
  ModelSpec spec;
  spec.architecture = "efficientnet_b0";
  spec.input_size = 32;
  spec.dropout = 0.0;
  FerNet net = create_model(spec);
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::randn({2, 1, 32, 32});
  net->eval();
  torch::Tensor a = net->backbone_features(x), b = net->backbone_features(x);
  EXPECT_TRUE(torch::equal(a, b)) << "eval mode must be deterministic";
  // Training mode: BatchNorm uses batch statistics either way, so compare two training passes: they
  // differ only through stochastic depth (drop rates up to 0.19 over 16 blocks).
  net->train();
  torch::manual_seed(1);
  torch::Tensor c = net->backbone_features(x);
  torch::manual_seed(2);
  torch::Tensor d = net->backbone_features(x);
  EXPECT_FALSE(torch::allclose(c, d)) << "stochastic depth should make training passes differ";
}

TEST(Models, EveryFamilyHasCorrectGradients) {
  // Autograd through the in-place activations and residual additions, in training mode with dropout
  // and stochastic depth: a small step against the gradient g must change the loss by -eps * |g|^2
  // (first order). EfficientNet gets 64x64: at 32x32 its last BatchNorms see 1x1 maps of 4 samples
  // and the loss is far from linear at any usable step (torchvision's too).
  torch::set_num_threads(1);
  for (const std::string arch : {"resnet18_48", "mobilenetv3_small_48", "efficientnet_b0", "convnext_tiny"}) {
    torch::manual_seed(8);
    ModelSpec spec;
    spec.architecture = arch;
    spec.input_size = arch == "efficientnet_b0" ? 64 : 32;
    FerNet net = create_model(spec);
    net->train();
    torch::Tensor x = torch::randn({4, 1, spec.input_size, spec.input_size});
    torch::Tensor y = torch::tensor({0, 1, 2, 3}, torch::kLong);
    // Same seed before each pass: the same dropout / stochastic-depth masks, i.e. the same function.
    auto loss_of = [&] {
      torch::manual_seed(100);
      return torch::nn::functional::cross_entropy(net->forward(x).logits, y);
    };
    torch::Tensor loss = loss_of();
    loss.backward();
    torch::Tensor g = net->backbone().parameters().front().grad();
    ASSERT_TRUE(g.defined()) << arch;
    EXPECT_GT(g.abs().sum().item<double>(), 0.0) << arch << ": no gradient reaches the first convolution";
    double g2 = 0;
    for (const auto& p : net->parameters()) g2 += p.grad().pow(2).sum().item<double>();
    ASSERT_TRUE(std::isfinite(g2) && g2 > 0) << arch;
    const double eps = 2e-3 / g2;  // predicted change -2e-3
    torch::NoGradGuard no_grad;
    for (auto& p : net->parameters()) p.sub_(eps * p.grad());
    const double change = loss_of().item<double>() - loss.item<double>();
    EXPECT_NEAR(change, -eps * g2, 0.2 * eps * g2) << arch << ": |g|^2 = " << g2;
  }
}

TEST(Models, UnknownArchitectureNamesTheKnownOnes) {
  ModelSpec spec;
  spec.architecture = "resnet19";
  try {
    create_model(spec);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'resnet19'"), std::string::npos) << msg;
    for (const auto& n : model_names()) EXPECT_NE(msg.find(n), std::string::npos) << msg;
    EXPECT_NE(msg.find("did you mean resnet18"), std::string::npos) << msg;
  }
}

TEST(Models, WrongInputChannelsIsAnErrorWithBothShapes) {
  torch::set_num_threads(1);
  FerNet net = create_model(ModelSpec{});
  try {
    net->forward(torch::zeros({2, 3, 48, 48}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mobilenetv3_small_48 input: expected [batch, 1, height, width], got [2, 3, 48, 48]"),
              std::string::npos) << e.what();
  }
}

TEST(Models, InvalidSpecsAreErrorsNamingTheField) {
  auto expect_error = [](ModelSpec s, const std::string& field) {
    try {
      create_model(s);
      ADD_FAILURE() << "expected an error for " << field;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  ModelSpec s;
  s.in_channels = 2;
  expect_error(s, "in_channels");
  s = ModelSpec{};
  s.head = "arcface";
  expect_error(s, "head");
  s = ModelSpec{};
  s.architecture = "convnext_tiny";
  s.input_size = 16;
  expect_error(s, "input_size");
  s = ModelSpec{};
  s.in_channels = 3;  // mean/std still have one value each: allowed (shared)
  EXPECT_NO_THROW(create_model(s));
  s.mean = {0.5, 0.5};
  s.std = {0.5, 0.5};
  expect_error(s, "mean/std");
}

}  // namespace
}  // namespace ferkit
