// The sidecar of an imported face-api network (<name>.json next to <name>.pt), in the spirit of
// ferkit/sidecar.h but for networks that are not FerNets: what the network is, how its input is
// prepared, how its outputs map to the ferkit taxonomy, and where it came from. No torch here.
//
//   ferkit::faceapi::FaceapiSidecar s = ferkit::faceapi::read_faceapi_sidecar("models/faceapi/face_expression.pt");
//   s.architecture;        // "face_expression_net"
//   s.class_map;           // face-api output i -> canonical class: {0, 1, 3, 4, 6, 5, 2}
//   s.absent_classes;      // {"contempt"}: face-api has no contempt output
//   ferkit::faceapi::is_faceapi_sidecar("models/default.pt");   // false: a FerNet sidecar
//
// Contract: kind is "faceapi"; architecture is one of faceapi_architectures(); input_size is a
// positive multiple of 32 for the detector and 112 for the others; mean_rgb has 3 values; class
// names are the ferkit taxonomy in canonical order; for the expression net source_classes has the
// 7 face-api names, class_map one distinct canonical index per source class, and absent_classes
// exactly the canonical classes no source class maps to; temperatures are positive, per-class
// lists empty or 8 long. Reading breaks of it, an unknown key (with the nearest suggested) or an
// absent file throw ferkit::Error naming the file and field. Writes are atomic.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ferkit/faceapi/architectures.h"

namespace ferkit::faceapi {

struct FaceapiSidecar {
  int format_version = 1;                  // sidecar layout version
  std::string kind = "faceapi";            // marks an imported face-api network (not a FerNet)
  std::string architecture;                // face_expression_net | face_landmark_68_tiny_net | tiny_face_detector
  int input_size = 112;                    // square network input side
  int in_channels = 3;                     // RGB
  std::vector<double> mean_rgb;            // subtracted from 0..255 RGB values, then / 255
  std::string square_padding = "centred";  // centred | bottom_right (zero padding to a square)
  std::string resize = "tf1_bilinear";     // TF1 bilinear, align_corners=false, half_pixel_centers=false
  std::vector<std::string> source_classes;  // network outputs in face-api's order (expression net)
  std::vector<int> class_map;              // source output i -> canonical class index
  std::vector<std::string> class_names;    // the ferkit taxonomy, canonical order
  std::vector<std::string> absent_classes; // canonical classes the network cannot output
  double absent_logit = -1e4;              // logit given to absent classes (finite: probability 0, no NaN)
  double temperature = 1.0;                // global softmax temperature (1 until calibrated)
  std::vector<double> class_temperatures;  // per-class temperatures (empty = unused)
  std::vector<double> abstain_thresholds;  // per-class confidence thresholds (empty = none)
  std::string upstream_package;            // "@vladmandic/face-api"
  std::string upstream_version;            // package.json version ("unknown" when absent)
  std::string upstream_license;            // package.json license ("MIT")
  std::string license_file;                // the upstream LICENSE copied next to the weights
  std::string upstream_manifest;           // the weights manifest the tensors were read from
  std::string upstream_sha256;             // SHA-256 of the manifest's .bin shard(s), concatenated
  std::string git_commit;                  // ferkit commit that imported it
  std::string created;                     // import time, ISO 8601 UTC
  std::string weights_sha256;              // SHA-256 of <name>.pt

  template <class V>
  void visit(V& v) {
    v("format_version", format_version, "sidecar layout version");
    v("kind", kind, "faceapi: an imported face-api network");
    v("architecture", architecture, "face-api architecture");
    v("input_size", input_size, "square network input side");
    v("in_channels", in_channels, "3 = RGB");
    v("mean_rgb", mean_rgb, "subtracted from 0..255 RGB, then / 255");
    v("square_padding", square_padding, "centred or bottom_right zero padding to a square");
    v("resize", resize, "tf1_bilinear");
    v("source_classes", source_classes, "network outputs in face-api's order");
    v("class_map", class_map, "source output -> canonical class index");
    v("class_names", class_names, "the ferkit taxonomy in canonical order");
    v("absent_classes", absent_classes, "canonical classes the network cannot output");
    v("absent_logit", absent_logit, "logit of absent classes");
    v("temperature", temperature, "global softmax temperature");
    v("class_temperatures", class_temperatures, "per-class temperatures (empty = unused)");
    v("abstain_thresholds", abstain_thresholds, "per-class abstention thresholds (empty = none)");
    v("upstream_package", upstream_package, "npm package the weights come from");
    v("upstream_version", upstream_version, "its version");
    v("upstream_license", upstream_license, "its license");
    v("license_file", license_file, "upstream LICENSE next to the weights");
    v("upstream_manifest", upstream_manifest, "weights manifest read");
    v("upstream_sha256", upstream_sha256, "SHA-256 of the .bin shard(s)");
    v("git_commit", git_commit, "ferkit commit that imported it");
    v("created", created, "import time (ISO 8601 UTC)");
    v("weights_sha256", weights_sha256, "SHA-256 of the weights file");
  }
};

// The fixed facts of an architecture: input, normalisation, padding, resize, classes and mapping.
FaceapiSidecar default_faceapi_sidecar(const FaceapiArchitecture& architecture);

// Throws ferkit::Error (prefixed by where) when the sidecar breaks the contract above.
void validate_faceapi_sidecar(const FaceapiSidecar& s, const std::string& where);

// <name>.json for a checkpoint given as <name>, <name>.pt or <name>.json.
FaceapiSidecar read_faceapi_sidecar(const std::filesystem::path& checkpoint);
void write_faceapi_sidecar(const std::filesystem::path& checkpoint, const FaceapiSidecar& s);
// True when <name>.json exists and says kind = "faceapi".
bool is_faceapi_sidecar(const std::filesystem::path& checkpoint);

}  // namespace ferkit::faceapi
