// `ferkit import faceapi` in-process: the checkpoints, sidecars and LICENSE it writes, that the
// imported networks compute what the manifests do, the sidecar's contract, and its error paths.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "faceapi_fixtures.h"
#include "ferkit/classifier.h"
#include "ferkit/error.h"
#include "ferkit/faceapi/faceapi_checkpoint.h"
#include "ferkit/sha256.h"
#include "ferkit/taxonomy.h"

namespace ferkit::faceapi {
namespace {

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

TEST(ImportFaceapi, WritesCheckpointsSidecarsAndLicense) {
  FERKIT_REQUIRE_FACEAPI();
  torch::set_num_threads(1);
  test::TempDir dir("import");
  const auto out = dir / "models" / "faceapi";
  test::CliResult r = test::run_cli({"import", "faceapi", "--dir", test::faceapi_model_dir().string(), "--out", out.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json package = read_json(test::faceapi_package() / "package.json");
  EXPECT_NE(r.out.find(package["version"].get<std::string>()), std::string::npos) << r.out;
  EXPECT_EQ(test::read_text(out / "LICENSE"), test::read_text(test::faceapi_package() / "LICENSE"));

  for (const auto& a : faceapi_architectures()) {
    const auto ckpt = out / (a.checkpoint_stem + ".pt");
    ASSERT_TRUE(std::filesystem::exists(ckpt)) << ckpt;
    const nlohmann::json j = read_json(out / (a.checkpoint_stem + ".json"));
    EXPECT_EQ(j["kind"], "faceapi");
    EXPECT_EQ(j["architecture"], a.name);
    EXPECT_EQ(j["upstream_version"], package["version"]);
    EXPECT_EQ(j["upstream_license"], package["license"]);
    EXPECT_EQ(j["license_file"], "LICENSE");
    EXPECT_EQ(j["weights_sha256"], sha256_file(ckpt));
    EXPECT_EQ(j["upstream_sha256"], sha256_file(test::faceapi_model_dir() / (a.manifest_stem + ".bin")));
    EXPECT_EQ(j["resize"], "tf1_bilinear");
    EXPECT_EQ(j["square_padding"], a.centred ? "centred" : "bottom_right");

    // The imported checkpoint computes exactly what the manifest's network does.
    FaceapiModel from_ckpt = load_faceapi_model(ckpt, a.name);
    FaceapiModel from_manifest = load_faceapi_model(test::faceapi_manifest(a.manifest_stem), a.name);
    torch::manual_seed(5);
    torch::Tensor x = torch::randn({1, 3, a.input_size, a.input_size}) * 0.3;
    torch::NoGradGuard g;
    EXPECT_TRUE(torch::equal(from_ckpt.net->forward(x), from_manifest.net->forward(x))) << a.name;
  }
  // The expression sidecar: face-api's classes mapped into the taxonomy, contempt absent.
  const nlohmann::json e = read_json(out / "face_expression.json");
  EXPECT_EQ(e["source_classes"], (nlohmann::json{"neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"}));
  EXPECT_EQ(e["class_map"], (nlohmann::json{kNeutral, kHappiness, kSadness, kAnger, kFear, kDisgust, kSurprise}));
  EXPECT_EQ(e["absent_classes"], (nlohmann::json{"contempt"}));
  EXPECT_EQ(e["mean_rgb"].size(), 3u);
  EXPECT_NEAR(e["mean_rgb"][0].get<double>(), 122.782, 1e-4);
  // Backend "auto" recognises the imported checkpoint by its sidecar's kind; a FerNet .pt stays libtorch.
  EXPECT_EQ(open_classifier(out / "face_expression.pt", "auto")->info().backend, "faceapi");
}

TEST(ImportFaceapi, ErrorsNameTheMissingThing) {
  test::TempDir dir("import");
  test::CliResult r = test::run_cli({"import", "faceapi", "--dir", (dir / "nowhere").string(), "--out", (dir / "o").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("nowhere"), std::string::npos) << r.err;

  // A model/ directory whose package has no LICENSE: nothing is written.
  FERKIT_REQUIRE_FACEAPI();
  const auto model = dir / "pkg" / "model";
  std::filesystem::create_directories(model);
  for (const char* f : {"face_expression_model-weights_manifest.json", "face_expression_model.bin"})
    std::filesystem::copy_file(test::faceapi_model_dir() / f, model / f);
  r = test::run_cli({"import", "faceapi", "--dir", model.string(), "--out", (dir / "o").string(), "--networks", "face_expression_net"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("LICENSE"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "o" / "face_expression.pt"));

  // With a LICENSE but a truncated .bin: the error names the .bin and both sizes.
  test::write_text(dir / "pkg" / "LICENSE", "MIT\n");
  std::filesystem::resize_file(model / "face_expression_model.bin", 1000);
  r = test::run_cli({"import", "faceapi", "--dir", model.string(), "--out", (dir / "o").string(), "--networks", "face_expression_net"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("face_expression_model.bin"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("got 1000 bytes"), std::string::npos) << r.err;

  // A network that is not there.
  r = test::run_cli({"import", "faceapi", "--dir", model.string(), "--out", (dir / "o").string(), "--networks", "tiny_face_detector"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("tiny_face_detector_model-weights_manifest.json"), std::string::npos) << r.err;
}

TEST(FaceapiSidecar, ContractViolationsNameTheField) {
  FaceapiSidecar s = default_faceapi_sidecar(faceapi_architecture("face_expression_net"));
  EXPECT_NO_THROW(validate_faceapi_sidecar(s, "x.json"));
  auto message = [](const FaceapiSidecar& bad) {
    try {
      validate_faceapi_sidecar(bad, "x.json");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  FaceapiSidecar b = s;
  b.absent_classes.clear();
  EXPECT_NE(message(b).find("x.json: absent_classes"), std::string::npos) << message(b);
  b = s;
  b.class_map[2] = b.class_map[1];
  EXPECT_NE(message(b).find("x.json: class_map"), std::string::npos) << message(b);
  b = s;
  b.absent_logit = -std::numeric_limits<double>::infinity();
  EXPECT_NE(message(b).find("absent_logit"), std::string::npos) << message(b);
  b = s;
  b.architecture = "ssd_mobilenetv1";
  EXPECT_NE(message(b).find("face_expression_net"), std::string::npos) << message(b);

  test::TempDir dir("sidecar");
  test::write_text(dir / "m.json", "{\"kind\": \"faceapi\", \"architecure\": \"face_expression_net\"}");
  try {
    read_faceapi_sidecar(dir / "m.pt");
    ADD_FAILURE() << "unknown key accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("architecture"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("m.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferkit::faceapi
