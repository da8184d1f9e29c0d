// ferkit doctor [--json] — versions, BLAS, threads, GPU, default model, caches and peers.
#include <iostream>

#include "commands.h"
#include "ferkit/report/doctor.h"

namespace ferkit::cli {

void register_doctor_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("doctor", "Check the installation: versions, BLAS, threads, GPU, model, caches, peers");
  cmd->description(
      "Prints the versions of LibTorch, OpenCV, dlib and ONNX; which BLAS library actually serves matrix\n"
      "products in this process (with a loud warning for Debian's reference BLAS, which makes batch-1\n"
      "inference ~10x slower: install libopenblas0-openmp); torch and hardware thread counts and OpenMP;\n"
      "whether a CUDA GPU is usable; where the default model lives and whether it loads; whether the\n"
      "face-api demo photos are cached; and whether the reference peers (/usr/bin/python3 with torch,\n"
      "torchvision, sklearn, onnx, mne; node with onnxruntime-node; chromium) are there. Always exits 0:\n"
      "problems are printed as WARNING lines (and in \"warnings\" with --json).");
  auto o = std::make_shared<DoctorOptions>();
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print the report as JSON");
  cmd->add_option("--model,-m", o->model, "Model to check instead of models/default.pt");
  cmd->add_flag("!--no-peers", o->peers, "Do not look for the python/node peers (skips running them)");
  cmd->footer(
      "Examples:\n"
      "  ferkit doctor\n"
      "  ferkit doctor --json | jq .blas\n"
      "  ferkit doctor --model runs/mnv3s-ce-s0/best.pt");
  cmd->callback([o, json] {
    const nlohmann::json r = doctor_report(*o);
    if (*json) std::cout << r.dump(2) << "\n";
    else std::cout << doctor_text(r);
  });
}

}  // namespace ferkit::cli
