// Importing face-api.js's pretrained networks into ferkit checkpoints (`ferkit import faceapi`).
//
//   ferkit::faceapi::FaceapiImportOptions o;
//   o.dir = "/work/main/.cache/npm/face-api/model";   // face-api's model/ directory
//   o.out = "models/faceapi";
//   auto r = ferkit::faceapi::import_faceapi(o);
//   // models/faceapi/face_expression.{pt,json}, tiny_face_detector.{pt,json},
//   // face_landmark_68_tiny.{pt,json}, LICENSE (face-api's, MIT)
//
// Each network is read from <dir>/<stem>-weights_manifest.json (+ .bin), written as <out>/<name>.pt
// + .json (ferkit/faceapi/faceapi_checkpoint.h) with the package's name, version and license from
// <dir>/../package.json, then read back and compared tensor by tensor. <dir>/../LICENSE is copied to
// <out>/LICENSE: the weights are not written without it. Errors name the missing or bad file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ferkit::faceapi {

struct FaceapiImportOptions {
  std::string dir;                 // face-api's model/ directory (manifests + .bin)
  std::string out = "models/faceapi";  // output directory
  std::vector<std::string> networks = {"face_expression_net", "tiny_face_detector", "face_landmark_68_tiny_net"};  // architectures to import
  template <class V>
  void visit(V& v) {
    v("dir", dir, "face-api's model/ directory");
    v("out", out, "output directory");
    v("networks", networks, "architectures to import");
  }
};

struct FaceapiImportResult {
  std::string package;                        // "@vladmandic/face-api"
  std::string version;                        // "1.7.15"
  std::vector<std::filesystem::path> written; // checkpoints (.pt) and the LICENSE
};

FaceapiImportResult import_faceapi(const FaceapiImportOptions& options);

}  // namespace ferkit::faceapi
