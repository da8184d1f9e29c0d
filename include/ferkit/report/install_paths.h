// Where ferkit finds the files a fresh checkout uses: the embedded default model, the npm cache
// (face-api demo photos and weights, onnxruntime-node) and the bundled sample faces.
//
//   std::filesystem::path m = ferkit::default_model_path();   // models/default.pt (cwd or source tree)
//   std::filesystem::path photos = ferkit::faceapi_demo_dir(); // $FERKIT_CACHE/npm/face-api/demo
//
// Contract: a relative path is tried against the current directory first, then against the source
// tree the library was built from (FERKIT_SOURCE_DIR), so commands work from the repository root
// and from elsewhere. The functions only compute paths; callers check that the files exist.
#pragma once

#include <filesystem>

namespace ferkit {

// The source tree the library was built from (FERKIT_SOURCE_DIR).
std::filesystem::path source_dir();
// rel under the current directory when it exists there, else under source_dir() (which may not
// exist either: the caller reports the missing file).
std::filesystem::path resolve_in_checkout(const std::filesystem::path& rel);
// models/default.pt, resolved as above.
std::filesystem::path default_model_path();
// $FERKIT_CACHE when set, else <source>/.cache.
std::filesystem::path cache_dir();
// <cache>/npm/face-api/demo (sample1.jpg ... sample6.jpg) and <cache>/npm/face-api/model.
std::filesystem::path faceapi_demo_dir();
std::filesystem::path faceapi_model_dir();
// <cache>/npm/node_modules/onnxruntime-node
std::filesystem::path onnxruntime_node_dir();
// data/sample (the synthetic faces in the FERPlus layout), resolved as above.
std::filesystem::path bundled_sample_dir();

}  // namespace ferkit
