// Weight exchange with torchvision: python builds the torchvision model with a fixed seed, randomises
// the normalisation statistics and affine parameters (so BatchNorm/LayerNorm eps and layer scale
// matter), saves its state_dict as NPZ with the state_dict keys plus an input/output pair; ferkit
// loads the weights by name (load_backbone_npz) and must reproduce the pooled backbone features.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include "ferkit/checkpoint.h"
#include "ferkit/model.h"
#include "ferkit/npz.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

struct Case {
  std::string arch;
  int batch, size;
};

// Writes <dir>/weights.npz (state_dict without the head) and <dir>/io.npz (input, features).
void export_torchvision(const Case& c, const std::filesystem::path& dir) {
  std::string script = R"PY(
import numpy as np, torch, torchvision.models as M
arch, batch, size, out = ARGS
torch.manual_seed(0)
g = torch.Generator().manual_seed(1)
# trunc_normal_(std=0.02) truncates at +-2, i.e. 100 std: a plain normal draw is the same and faster.
def fast_trunc_normal_(t, mean=0.0, std=1.0, a=-2.0, b=2.0):
    with torch.no_grad():
        return t.normal_(mean, std)
torch.nn.init.trunc_normal_ = fast_trunc_normal_
make = {'resnet18': M.resnet18, 'resnet50': M.resnet50, 'mobilenetv3_small': M.mobilenet_v3_small,
        'efficientnet_b0': M.efficientnet_b0, 'convnext_tiny': M.convnext_tiny}[arch]
m = make(weights=None)
if arch.startswith('resnet'):
    m.fc = torch.nn.Identity()
elif arch.startswith('convnext'):
    m.classifier[2] = torch.nn.Identity()
else:
    m.classifier = torch.nn.Identity()
with torch.no_grad():
    for mod in m.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.running_mean.normal_(0, 0.1, generator=g)
            mod.running_var.uniform_(0.2, 1.5, generator=g)
        if isinstance(mod, (torch.nn.BatchNorm2d, torch.nn.LayerNorm)):
            mod.weight.uniform_(0.5, 1.5, generator=g)
            mod.bias.normal_(0, 0.1, generator=g)
        if hasattr(mod, 'layer_scale'):
            mod.layer_scale.uniform_(0.1, 0.5, generator=g)
m.eval()
x = torch.randn(batch, 3, size, size, generator=g)
with torch.no_grad():
    y = m(x)
np.savez(out + '/weights.npz', **{k: v.numpy() for k, v in m.state_dict().items()})
np.savez(out + '/io.npz', input=x.numpy(), features=y.numpy())
)PY";
  const std::string args = "('" + c.arch + "', " + std::to_string(c.batch) + ", " + std::to_string(c.size) + ", '" +
                           dir.string() + "')";
  script.replace(script.find("ARGS"), 4, args);
  test::run_python(script);
}

torch::Tensor tensor_of(const NpyArray& a) {
  std::vector<float> v(a.data<float>(), a.data<float>() + a.size());
  return torch::tensor(v).reshape(a.shape);
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.arch << " " << c.batch << "x3x" << c.size << "x" << c.size; }

class TorchvisionWeights : public ::testing::TestWithParam<Case> {};

TEST_P(TorchvisionWeights, BackboneFeaturesMatchTorchvision) {
  FERKIT_REQUIRE_PYTHON("torch, torchvision, numpy");
  torch::set_num_threads(1);
  const Case c = GetParam();
  test::TempDir dir("tv-" + c.arch);
  export_torchvision(c, dir.path());
  ASSERT_FALSE(HasFailure());

  ModelSpec spec;
  spec.architecture = c.arch;
  spec.in_channels = 3;
  spec.input_size = c.size;
  spec.mean = spec.std = {0.5, 0.5, 0.5};
  FerNet net = create_model(spec);
  auto report = load_backbone_npz(net, dir / "weights.npz");
  EXPECT_TRUE(report.empty()) << "the head was removed in python, nothing should be skipped";
  net->eval();

  NpzArchive io = read_npz(dir / "io.npz");
  torch::Tensor x = tensor_of(io.at("input"));
  torch::Tensor expected = tensor_of(io.at("features"));
  torch::NoGradGuard no_grad;
  torch::Tensor got = net->backbone_features(x);
  ASSERT_EQ(got.sizes(), expected.sizes());
  const double scale = std::max(1.0, expected.abs().max().item<double>());
  const double diff = (got - expected).abs().max().item<double>();
  EXPECT_LE(diff / scale, 1e-4) << c.arch << ": max |ferkit - torchvision| = " << diff << " (max |features| " << scale << ")";
}

INSTANTIATE_TEST_SUITE_P(Models, TorchvisionWeights,
                         ::testing::Values(Case{"resnet18", 2, 64}, Case{"mobilenetv3_small", 2, 64},
                                           Case{"efficientnet_b0", 2, 64}, Case{"convnext_tiny", 1, 64}),
                         [](const auto& info) { return info.param.arch; });

// A backbone's tensors as a torchvision-style NPZ (state_dict keys), written by ferkit itself: the
// NPZ-loading rules below do not need the python peer.
void write_backbone_npz(FerNet& net, const std::filesystem::path& file) {
  NpzArchive a;
  auto add = [&](const std::string& k, const torch::Tensor& t) {
    torch::Tensor c = t.contiguous();
    a[k] = c.scalar_type() == torch::kLong ? NpyArray::from<int64_t>(c.sizes().vec(), c.data_ptr<int64_t>())
                                           : NpyArray::from<float>(c.sizes().vec(), c.data_ptr<float>());
  };
  for (const auto& kv : net->backbone().named_parameters()) add(kv.key(), kv.value());
  for (const auto& kv : net->backbone().named_buffers()) add(kv.key(), kv.value());
  a["fc.weight"] = NpyArray::from<float>({2, 2}, std::vector<float>(4, 0.f).data());  // a torchvision head
  write_npz(file, a);
}

TEST(BackboneNpz, RgbWeightsInAGrayModelSeeTheSumOfTheChannels) {
  // A gray model loaded from RGB weights (first convolution summed over channels) must give on a
  // gray image g what the RGB model gives on (g, g, g).
  torch::set_num_threads(1);
  torch::manual_seed(4);
  test::TempDir dir("npz-gray");
  ModelSpec rgb_spec, gray_spec;
  rgb_spec.architecture = gray_spec.architecture = "mobilenetv3_small_48";
  rgb_spec.in_channels = 3;
  rgb_spec.mean = rgb_spec.std = {0.5, 0.5, 0.5};
  FerNet source = create_model(rgb_spec);
  write_backbone_npz(source, dir / "rgb.npz");
  FerNet rgb = create_model(rgb_spec), gray = create_model(gray_spec);
  auto rgb_report = load_backbone_npz(rgb, dir / "rgb.npz");
  auto report = load_backbone_npz(gray, dir / "rgb.npz");
  EXPECT_EQ(rgb_report.size(), 1u) << "only the head is skipped for RGB";
  ASSERT_EQ(report.size(), 2u) << "head skipped + first convolution summed";
  for (const auto& [reason, n] : report) EXPECT_EQ(n, 1) << reason;
  rgb->eval();
  gray->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor g = torch::randn({2, 1, 48, 48});
  torch::Tensor a = gray->backbone_features(g), b = rgb->backbone_features(g.expand({2, 3, 48, 48}).contiguous());
  EXPECT_LE((a - b).abs().max().item<double>() / std::max(1.0, b.abs().max().item<double>()), 1e-5);
  source->eval();
  EXPECT_TRUE(torch::equal(b, source->backbone_features(g.expand({2, 3, 48, 48}).contiguous())))
      << "RGB weights must load unchanged";
}

TEST(BackboneNpz, MismatchedTensorIsNamedWithBothShapes) {
  torch::set_num_threads(1);
  test::TempDir dir("npz-bad");
  // torchvision resnet18's first tensor (7x7 conv1) is enough: the check stops at the first misfit.
  write_npz(dir / "weights.npz", {{"conv1.weight", NpyArray::from<float>({64, 1, 7, 7}, std::vector<float>(64 * 49).data())}});
  ModelSpec spec;
  spec.architecture = "resnet18_48";  // 3x3 conv1 instead of torchvision's 7x7
  FerNet net = create_model(spec);
  try {
    load_backbone_npz(net, dir / "weights.npz");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("weights.npz"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'conv1.weight' of shape [64, 1, 3, 3]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[64, 1, 7, 7]"), std::string::npos) << msg;
  }
}

TEST(BackboneNpz, UnknownTensorIsAnError) {
  torch::set_num_threads(1);
  test::TempDir dir("npz-extra");
  ModelSpec spec;
  FerNet net = create_model(spec);
  write_backbone_npz(net, dir / "w.npz");
  NpzArchive a = read_npz(dir / "w.npz");
  a["features.99.weight"] = NpyArray::from<float>({1}, std::vector<float>{1.f}.data());
  write_npz(dir / "w.npz", a);
  try {
    load_backbone_npz(net, dir / "w.npz");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unexpected tensor 'features.99.weight'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferkit
