// The face-api networks ferkit knows (an explicit table in src/ferkit/faceapi/architectures.cpp):
// their names, face-api's file names, and their fixed input preparation. No torch here.
//
//   const auto& a = ferkit::faceapi::faceapi_architecture("face_expression_net");
//   a.manifest_stem;     // "face_expression_model" (-weights_manifest.json, .bin)
//   a.checkpoint_stem;   // "face_expression" (.pt/.json written by `ferkit import faceapi`)
//   a.input_size;        // 112
#pragma once

#include <array>
#include <string>
#include <vector>

namespace ferkit::faceapi {

// One architecture (an explicit table in src/ferkit/faceapi/architectures.cpp).
struct FaceapiArchitecture {
  std::string name;            // face_expression_net, face_landmark_68_tiny_net, tiny_face_detector
  std::string manifest_stem;   // face-api's file stem: face_expression_model (-weights_manifest.json)
  std::string checkpoint_stem; // what `ferkit import faceapi` writes: face_expression(.pt/.json)
  int input_size = 112;        // default square input side
  std::array<double, 3> mean_rgb{};  // subtracted from 0..255 RGB before / 255
  bool centred = true;         // centred square padding (else bottom/right)
  std::string description;
};
const std::vector<FaceapiArchitecture>& faceapi_architectures();
// Throws ferkit::Error naming the known architectures.
const FaceapiArchitecture& faceapi_architecture(const std::string& name);
// The architecture whose weights a manifest holds, by file name; nullptr when none matches.
const FaceapiArchitecture* faceapi_architecture_for_manifest(const std::string& manifest_file_name);

}  // namespace ferkit::faceapi
