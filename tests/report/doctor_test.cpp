// ferkit doctor: the JSON report has every documented key; the BLAS it names is the one the
// Debian alternatives select (OpenBLAS on a machine set up by scripts/setup.sh).
#include <torch/torch.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ferkit/report/doctor.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

TEST(Doctor, JsonHasEveryKey) {
  torch::set_num_threads(1);
  auto r = test::run_cli({"doctor", "--json", "--no-peers"});
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const char* k : {"ferkit", "libtorch", "opencv", "dlib", "onnx", "blas", "hardware_threads", "openmp", "gpu",
                        "default_model", "faceapi_cache", "peers", "warnings"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["libtorch"]["version"].get<std::string>().substr(0, 4), "1.13");
  EXPECT_EQ(j["libtorch"]["threads"], 1);
  EXPECT_EQ(j["opencv"]["version"].get<std::string>().substr(0, 2), "4.");
  for (const char* k : {"kind", "library", "openblas_config", "loaded"}) EXPECT_TRUE(j["blas"].contains(k)) << k;
  for (const char* k : {"path", "exists", "loads", "architecture", "error"}) EXPECT_TRUE(j["default_model"].contains(k)) << k;
  EXPECT_EQ(j["gpu"]["cuda_available"], torch::cuda::is_available());
  EXPECT_GT(j["hardware_threads"].get<int>(), 0);
  EXPECT_TRUE(j["warnings"].is_array());
}

TEST(Doctor, PeersAreLookedUp) {
  const nlohmann::json j = doctor_report({});
  EXPECT_EQ(j["peers"]["python"]["present"], fs::exists("/usr/bin/python3"));
  if (test::python_has("sklearn")) EXPECT_TRUE(j["peers"]["python"]["modules"]["sklearn"].get<bool>());
  EXPECT_EQ(j["peers"]["node"]["present"], test::node_available());
  EXPECT_EQ(j["peers"]["chromium"]["present"], fs::exists("/usr/bin/chromium"));
  EXPECT_EQ(j["faceapi_cache"]["demo_photos"].get<int>() == 6,
            fs::exists(test::npm_cache_dir() / "face-api/demo/sample6.jpg") &&
                fs::exists(test::npm_cache_dir() / "face-api/demo/sample1.jpg"));
}

TEST(Doctor, NamesTheBlasTheAlternativesSelect) {
  // Independent evidence: where Debian's libblas.so.3 alternative points.
  std::error_code ec;
  const fs::path selected = fs::canonical("/usr/lib/x86_64-linux-gnu/libblas.so.3", ec);
  if (ec) GTEST_SKIP() << "no /usr/lib/x86_64-linux-gnu/libblas.so.3 on this machine";
  torch::mm(torch::ones({4, 4}), torch::ones({4, 4}));  // BLAS is mapped in any case; use it once
  const BlasInfo b = detect_blas();
  EXPECT_EQ(b.kind, blas_kind_of(selected.string())) << "library " << b.library << ", alternative " << selected;
  if (selected.string().find("openblas") != std::string::npos) {
    EXPECT_EQ(b.kind, "openblas");
    EXPECT_NE(b.openblas_config.find("OpenBLAS"), std::string::npos) << b.openblas_config;
  }
  EXPECT_FALSE(b.loaded.empty());
}

TEST(Doctor, ClassifiesBlasPaths) {
  EXPECT_EQ(blas_kind_of("/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3"), "openblas");
  EXPECT_EQ(blas_kind_of("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"), "reference");
  EXPECT_EQ(blas_kind_of("/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3"), "blis");
  EXPECT_EQ(blas_kind_of(""), "unknown");
  // The reference BLAS gets a warning in the text form.
  nlohmann::json r = doctor_report({"", false, false});
  r["blas"]["kind"] = "reference";
  r["warnings"].push_back("BLAS: the reference BLAS is active");
  EXPECT_NE(doctor_text(r).find("WARNING: BLAS"), std::string::npos);
}

}  // namespace
}  // namespace ferkit
