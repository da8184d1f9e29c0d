// TensorFlow.js weights manifests: hand-made manifests with known bytes and values, every
// bad-input error (each naming the file and the tensor), loading into a network (missing,
// mis-shaped, unexpected weights; HWIO -> OIHW), and face-api's shipped manifests.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "faceapi_fixtures.h"
#include "ferkit/error.h"
#include "ferkit/faceapi/networks.h"
#include "ferkit/faceapi/weights_manifest.h"

namespace ferkit::faceapi {
namespace {

void write_bytes(const std::filesystem::path& file, const std::vector<uint8_t>& bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void append_float(std::vector<uint8_t>& b, float v) {
  uint8_t raw[4];
  std::memcpy(raw, &v, 4);
  b.insert(b.end(), raw, raw + 4);
}

// Writes m-weights_manifest.json and m.bin: a float32 [2] tensor, a uint8-quantized [2, 2]
// tensor (scale 0.5, min -1), a uint16-quantized [1] tensor and a float16 [2] tensor.
std::filesystem::path write_small_manifest(const test::TempDir& dir) {
  std::vector<uint8_t> b;
  append_float(b, 1.5f);
  append_float(b, -2.25f);
  for (uint8_t q : {0, 1, 2, 255}) b.push_back(q);  // -> -1, -0.5, 0, 126.5
  b.push_back(0x10);                                 // uint16 little-endian 0x0310 = 784 -> 784 * 0.25 + 3
  b.push_back(0x03);
  for (uint8_t v : {0x00, 0x3c, 0x00, 0xc0}) b.push_back(v);  // float16 1.0, -2.0
  write_bytes(dir / "m.bin", b);
  test::write_text(dir / "m-weights_manifest.json", R"([{"paths": ["m.bin"], "weights": [
    {"name": "a/bias", "shape": [2], "dtype": "float32"},
    {"name": "b/filters", "shape": [2, 2], "dtype": "float32",
     "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0}},
    {"name": "c", "shape": [1], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 0.25, "min": 3}},
    {"name": "d", "shape": [2], "dtype": "float32", "quantization": {"dtype": "float16"}}]}])");
  return dir / "m-weights_manifest.json";
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ferkit::Error";
  return "";
}

TEST(WeightsManifest, ReadsOffsetsAndDequantizes) {
  test::TempDir dir("manifest");
  const WeightsManifest m = read_weights_manifest(write_small_manifest(dir));
  ASSERT_EQ(m.entries.size(), 4u);
  EXPECT_EQ(m.entries[1].name, "b/filters");
  EXPECT_EQ(m.entries[1].storage, "uint8");
  EXPECT_EQ(m.entries[1].offset, 8);
  EXPECT_EQ(m.entries[2].offset, 12);
  EXPECT_EQ(m.entries[3].offset, 14);
  EXPECT_EQ(m.total_bytes(), 18);
  const NamedWeights w = load_weights(m);
  EXPECT_EQ(w.at("a/bias").values, (std::vector<float>{1.5f, -2.25f}));
  EXPECT_EQ(w.at("b/filters").shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(w.at("b/filters").values, (std::vector<float>{-1.f, -0.5f, 0.f, 126.5f}));
  EXPECT_EQ(w.at("c").values, (std::vector<float>{784 * 0.25f + 3}));
  EXPECT_EQ(w.at("d").values, (std::vector<float>{1.f, -2.f}));
}

TEST(WeightsManifest, ByteCountMismatchNamesTheBinAndBothCounts) {
  test::TempDir dir("manifest");
  const auto manifest = write_small_manifest(dir);
  write_bytes(dir / "m.bin", std::vector<uint8_t>(17, 0));
  const std::string msg = error_of([&] { read_weights_manifest(manifest); });
  EXPECT_NE(msg.find("m.bin"), std::string::npos) << msg;
  EXPECT_NE(msg.find("18 bytes"), std::string::npos) << msg;
  EXPECT_NE(msg.find("got 17 bytes"), std::string::npos) << msg;
}

TEST(WeightsManifest, UnknownDtypesNameTheTensor) {
  test::TempDir dir("manifest");
  write_bytes(dir / "m.bin", std::vector<uint8_t>(4, 0));
  test::write_text(dir / "m-weights_manifest.json",
                   R"([{"paths": ["m.bin"], "weights": [{"name": "x/ids", "shape": [1], "dtype": "int32"}]}])");
  std::string msg = error_of([&] { read_weights_manifest(dir / "m-weights_manifest.json"); });
  EXPECT_NE(msg.find("m-weights_manifest.json: weight 'x/ids'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("dtype 'int32'"), std::string::npos) << msg;

  test::write_text(dir / "m-weights_manifest.json",
                   R"([{"paths": ["m.bin"], "weights": [{"name": "x/w", "shape": [4], "dtype": "float32",
                       "quantization": {"dtype": "int8", "scale": 1, "min": 0}}]}])");
  msg = error_of([&] { read_weights_manifest(dir / "m-weights_manifest.json"); });
  EXPECT_NE(msg.find("weight 'x/w'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'int8'"), std::string::npos) << msg;

  test::write_text(dir / "m-weights_manifest.json",
                   R"([{"paths": ["m.bin"], "weights": [{"name": "x/w", "shape": [4], "dtype": "float32",
                       "quantization": {"dtype": "uint8"}}]}])");
  msg = error_of([&] { read_weights_manifest(dir / "m-weights_manifest.json"); });
  EXPECT_NE(msg.find("scale and min"), std::string::npos) << msg;
}

TEST(WeightsManifest, MalformedManifestsAreErrors) {
  test::TempDir dir("manifest");
  std::string msg = error_of([&] { read_weights_manifest(dir / "absent-weights_manifest.json"); });
  EXPECT_NE(msg.find("absent-weights_manifest.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no such file"), std::string::npos) << msg;

  test::write_text(dir / "m-weights_manifest.json", "[{\"paths\": [\"m.bin\"], ");
  msg = error_of([&] { read_weights_manifest(dir / "m-weights_manifest.json"); });
  EXPECT_NE(msg.find("valid JSON"), std::string::npos) << msg;

  test::write_text(dir / "m-weights_manifest.json", R"([{"paths": ["gone.bin"], "weights": []}])");
  msg = error_of([&] { read_weights_manifest(dir / "m-weights_manifest.json"); });
  EXPECT_NE(msg.find("gone.bin"), std::string::npos) << msg;

  write_bytes(dir / "m.bin", std::vector<uint8_t>(8, 0));
  test::write_text(dir / "m-weights_manifest.json", R"([{"paths": ["m.bin"], "weights": [
      {"name": "w", "shape": [1], "dtype": "float32"}, {"name": "w", "shape": [1], "dtype": "float32"}]}])");
  msg = error_of([&] { read_weights_manifest(dir / "m-weights_manifest.json"); });
  EXPECT_NE(msg.find("'w' listed twice"), std::string::npos) << msg;

  test::write_text(dir / "m-weights_manifest.json",
                   R"([{"paths": ["m.bin"], "weights": [{"name": "w", "shape": [-2], "dtype": "float32"}]}])");
  msg = error_of([&] { read_weights_manifest(dir / "m-weights_manifest.json"); });
  EXPECT_NE(msg.find("weight 'w'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("non-negative"), std::string::npos) << msg;
}

// Weights for the tiny face detector in face-api's layout, filled with distinct values.
NamedWeights detector_weights() {
  auto net = create_network("tiny_face_detector");
  NamedWeights w;
  int64_t k = 0;
  for (const auto& kv : net->named_parameters()) {
    std::string name = kv.key();
    for (char& c : name)
      if (c == '.') c = '/';
    const auto s = kv.value().sizes();
    WeightTensor t;
    if (s.size() == 4 && name.find("depthwise") != std::string::npos) t.shape = {s[2], s[3], s[0], s[1]};
    else if (s.size() == 4) t.shape = {s[2], s[3], s[1], s[0]};
    else t.shape = s.vec();
    t.values.resize(static_cast<size_t>(kv.value().numel()));
    for (auto& v : t.values) v = static_cast<float>((k++ % 97) - 48) / 64.f;
    w[name] = t;
  }
  return w;
}

TEST(LoadFaceapiWeights, MissingMisShapedAndUnexpectedWeightsNameTheTensorAndFile) {
  auto net = create_network("tiny_face_detector");
  NamedWeights w = detector_weights();
  ASSERT_NO_THROW(load_faceapi_weights(*net, w, "tfd-weights_manifest.json"));

  NamedWeights missing = w;
  missing.erase("conv3/bias");
  std::string msg = error_of([&] { load_faceapi_weights(*net, missing, "tfd-weights_manifest.json"); });
  EXPECT_NE(msg.find("tfd-weights_manifest.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("weight 'conv3/bias' of shape [128]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no such weight"), std::string::npos) << msg;

  NamedWeights wrong = w;
  wrong["conv1/depthwise_filter"].shape = {3, 3, 1, 16};
  msg = error_of([&] { load_faceapi_weights(*net, wrong, "tfd-weights_manifest.json"); });
  EXPECT_NE(msg.find("'conv1/depthwise_filter' of shape [3, 3, 16, 1]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("got shape [3, 3, 1, 16]"), std::string::npos) << msg;

  NamedWeights extra = w;
  extra["conv6/bias"] = WeightTensor{{4}, {0, 0, 0, 0}};
  msg = error_of([&] { load_faceapi_weights(*net, extra, "tfd-weights_manifest.json"); });
  EXPECT_NE(msg.find("unexpected weight 'conv6/bias'"), std::string::npos) << msg;
}

// HWIO -> OIHW: torch's weight[o][i][y][x] must be face-api's filters[y][x][i][o]; depthwise
// [3, 3, C, 1] -> [C, 1, 3, 3].
TEST(LoadFaceapiWeights, ConvertsHwioToOihw) {
  auto net = create_network("tiny_face_detector");
  const NamedWeights w = detector_weights();
  load_faceapi_weights(*net, w, "constructed");
  auto params = net->named_parameters();
  const torch::Tensor conv0 = params["conv0.filters"];  // [16, 3, 3, 3] <- [3, 3, 3, 16]
  const auto& src = w.at("conv0/filters").values;
  for (int o : {0, 5, 15})
    for (int i = 0; i < 3; ++i)
      for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 3; ++x)
          ASSERT_EQ(conv0[o][i][y][x].item<float>(), src[((y * 3 + x) * 3 + i) * 16 + o]) << o << i << y << x;
  const torch::Tensor dw = params["conv2.depthwise_filter"];  // [32, 1, 3, 3] <- [3, 3, 32, 1]
  const auto& dsrc = w.at("conv2/depthwise_filter").values;
  for (int c : {0, 17, 31})
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 3; ++x) ASSERT_EQ(dw[c][0][y][x].item<float>(), dsrc[(y * 3 + x) * 32 + c]);
  const torch::Tensor pw = params["conv2.pointwise_filter"];  // [64, 32, 1, 1] <- [1, 1, 32, 64]
  const auto& psrc = w.at("conv2/pointwise_filter").values;
  for (int o : {0, 63})
    for (int i : {0, 9, 31}) ASSERT_EQ(pw[o][i][0][0].item<float>(), psrc[i * 64 + o]);
}

// face-api's own files: every manifest parses, its .bin is exactly the listed bytes, dequantized
// values lie in [min, min + 255 * scale], and each loads into its network without a leftover.
TEST(WeightsManifest, FaceapiShippedManifestsLoadIntoTheirNetworks) {
  FERKIT_REQUIRE_FACEAPI();
  for (const auto& a : faceapi_architectures()) {
    const auto path = test::faceapi_manifest(a.manifest_stem);
    const WeightsManifest m = read_weights_manifest(path);
    EXPECT_EQ(m.total_bytes(), static_cast<int64_t>(std::filesystem::file_size(test::faceapi_model_dir() / (a.manifest_stem + ".bin"))));
    const NamedWeights w = load_weights(m);
    for (const auto& e : m.entries) {
      if (e.storage != "uint8") continue;
      for (float v : w.at(e.name).values) {
        ASSERT_GE(v, e.min - 1e-6) << e.name;
        ASSERT_LE(v, e.min + 255 * e.scale + 1e-5) << e.name;
      }
    }
    auto net = create_network(a.name);
    EXPECT_NO_THROW(load_faceapi_weights(*net, w, path.string())) << a.name;
  }
}

}  // namespace
}  // namespace ferkit::faceapi
