// Shared by the faceapi tests: where face-api's npm package is (scripts/setup.sh unpacks it into
// $FERKIT_CACHE/npm/face-api), a skip when it is absent, and PPM files for the node peer.
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "support/test_support.h"

namespace ferkit::test {

inline std::filesystem::path faceapi_package() { return npm_cache_dir() / "face-api"; }
inline std::filesystem::path faceapi_model_dir() { return faceapi_package() / "model"; }
inline std::filesystem::path faceapi_manifest(const std::string& stem) {
  return faceapi_model_dir() / (stem + "-weights_manifest.json");
}
inline std::filesystem::path faceapi_photo(int i) {
  return faceapi_package() / "demo" / ("sample" + std::to_string(i) + ".jpg");
}
inline bool faceapi_present() {
  return std::filesystem::exists(faceapi_manifest("face_expression_model")) &&
         std::filesystem::exists(faceapi_manifest("tiny_face_detector_model")) &&
         std::filesystem::exists(faceapi_manifest("face_landmark_68_tiny_model")) && std::filesystem::exists(faceapi_photo(1));
}

}  // namespace ferkit::test

#define FERKIT_REQUIRE_FACEAPI()                                                                     \
  do {                                                                                               \
    if (!::ferkit::test::faceapi_present())                                                          \
      GTEST_SKIP() << "face-api's npm package (model/ and demo/) not found under "                  \
                   << ::ferkit::test::faceapi_package() << " (set FERKIT_CACHE or run scripts/setup.sh)"; \
  } while (0)
