// ferkit import faceapi — face-api.js's pretrained networks into ferkit checkpoints.
#include <iostream>

#include "commands.h"
#include "ferkit/faceapi/faceapi_import.h"

namespace ferkit::cli {

void register_import_command(CLI::App& app) {
  auto* import = app.add_subcommand("import", "Import pretrained models from other toolkits into ferkit checkpoints");
  import->require_subcommand(1);

  auto o = std::make_shared<faceapi::FaceapiImportOptions>();
  auto* fa = import->add_subcommand(
      "faceapi",
      "Reads face-api.js's TensorFlow.js weights (model/<name>-weights_manifest.json + .bin, as shipped in the npm\n"
      "package @vladmandic/face-api; scripts/setup.sh unpacks it into $FERKIT_CACHE/npm/face-api) and writes one\n"
      "ferkit checkpoint per network into --out: <name>.pt (a pickled {parameter: tensor} dict, convolution\n"
      "filters converted from TensorFlow's HWIO to torch's OIHW) and <name>.json (architecture, input size,\n"
      "normalisation, square padding, TF1 bilinear resize, the expression classes mapped into the 8-class\n"
      "taxonomy with contempt absent, package name, version and license, SHA-256 of the source .bin and of the\n"
      "written weights). Networks: face_expression_net -> face_expression (classifier backend 'faceapi'),\n"
      "tiny_face_detector -> tiny_face_detector (live detector 'tinyface'), face_landmark_68_tiny_net ->\n"
      "face_landmark_68_tiny (live landmarks 'faceapi68tiny'). face-api's LICENSE (MIT), next to model/, is\n"
      "copied to --out/LICENSE; nothing is written without it. Each checkpoint is read back and compared tensor\n"
      "by tensor. The output directory is not meant for git (models/faceapi/ is ignored).");
  fa->add_option("--dir", o->dir, "face-api's model/ directory (weights manifests and .bin files)")->required();
  fa->add_option("--out", o->out, "Output directory")->default_val("models/faceapi");
  fa->add_option("--networks", o->networks, "Architectures to import (default: all three)")
      ->check(CLI::IsMember({"face_expression_net", "tiny_face_detector", "face_landmark_68_tiny_net"}));
  fa->footer(
      "Examples:\n"
      "  ferkit import faceapi --dir $FERKIT_CACHE/npm/face-api/model --out models/faceapi/\n"
      "  ferkit import faceapi --dir face-api/model --networks face_expression_net --out /tmp/fa\n"
      "  ferkit eval --model models/faceapi/face_expression.pt --backend faceapi --format ferplus \\\n"
      "              --data ../shared/data/ferplus --split valid");
  fa->callback([o] {
    faceapi::FaceapiImportResult r = faceapi::import_faceapi(*o);
    std::cout << "imported " << r.package << " " << r.version << "\n";
    for (const auto& p : r.written) std::cout << "  " << p.string() << "\n";
  });
}

}  // namespace ferkit::cli
