// `ferkit models list|show`, run in-process.
#include <torch/torch.h>

#include <gtest/gtest.h>

#include "ferkit/checkpoint.h"
#include "ferkit/model.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

TEST(ModelsCommand, ListPrintsEveryArchitectureWithTorchvisionCounts) {
  torch::set_num_threads(1);
  auto r = test::run_cli({"models", "list", "--channels", "3"});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const auto& n : model_names()) EXPECT_NE(r.out.find(n + " "), std::string::npos) << n << "\n" << r.out;
  // torchvision documents resnet18 at 11,689,512 parameters; without its fc (512*1000 + 1000):
  EXPECT_NE(r.out.find(" 11176512 "), std::string::npos) << r.out;
  // ... and the FerNet head adds Linear(512, 256) + Linear(256, 8).
  EXPECT_NE(r.out.find(" " + std::to_string(11176512 + 512 * 256 + 256 + 256 * 8 + 8) + " "), std::string::npos) << r.out;
}

TEST(ModelsCommand, RejectsOtherChannelCounts) {
  auto r = test::run_cli({"models", "list", "--channels", "2"});
  EXPECT_NE(r.status, 0);
}

TEST(ModelsCommand, ShowPrintsTheSidecarAndFailsOnAMissingOne) {
  torch::set_num_threads(1);
  test::TempDir dir("cli-show");
  ModelSpec spec;
  FerNet net = create_model(spec);
  Sidecar s;
  s.dataset_fingerprint = "f00d";
  save_checkpoint(dir / "m.pt", net, s);
  auto r = test::run_cli({"models", "show", (dir / "m.pt").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("mobilenetv3_small_48 (linear head)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("f00d"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::to_string(count_parameters(*net))), std::string::npos) << r.out;

  std::filesystem::remove(dir / "m.json");
  r = test::run_cli({"models", "show", (dir / "m.pt").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("m.json"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ferkit
