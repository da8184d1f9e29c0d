// Imported face-api networks on disk: <name>.pt (a pickled {parameter name: tensor} dict, like
// ferkit/checkpoint.h; Python reads it with torch.load) plus <name>.json (FaceapiSidecar).
// load_faceapi_model also reads face-api's own files directly, so that nothing has to be imported
// first: give it a `<stem>-weights_manifest.json` and it reads the manifest and .bin next to it.
//
//   ferkit::faceapi::FaceapiModel m = ferkit::faceapi::load_faceapi_model("models/faceapi/face_expression.pt");
//   m.net->forward(x);   m.sidecar.class_map;
//   auto d = ferkit::faceapi::load_faceapi_model(
//       "cache/npm/face-api/model/tiny_face_detector_model-weights_manifest.json", "tiny_face_detector");
//
// Errors (ferkit::Error naming the file): a missing weights file or sidecar; a sidecar that breaks
// its contract; weights whose SHA-256 differs from the sidecar's; a missing, unexpected or
// mis-shaped tensor; a manifest whose file name is not one of face-api's networks; a network of
// another architecture than the caller expects.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "ferkit/faceapi/faceapi_sidecar.h"
#include "ferkit/faceapi/networks.h"

namespace ferkit::faceapi {

struct FaceapiModel {
  std::shared_ptr<FaceapiNet> net;  // eval mode, CPU
  FaceapiSidecar sidecar;
};

// Writes <name>.pt then <name>.json (atomically); fills git_commit, created and weights_sha256.
void save_faceapi_checkpoint(const std::filesystem::path& checkpoint, FaceapiNet& net, FaceapiSidecar sidecar);

// expected_architecture: "" accepts any.
FaceapiModel load_faceapi_model(const std::filesystem::path& path, const std::string& expected_architecture = "");

// A network straight from face-api's manifest (+ .bin); the sidecar gets the architecture's fixed
// facts and, when <manifest dir>/../package.json exists, the package's name, version and license.
FaceapiModel load_faceapi_manifest(const std::filesystem::path& manifest);

}  // namespace ferkit::faceapi
