// Paths of the files a fresh checkout uses (ferkit/report/install_paths.h).
#include "ferkit/report/install_paths.h"

#include "ferkit/build_paths.h"

#include <cstdlib>

namespace ferkit {

std::filesystem::path source_dir() { return FERKIT_SOURCE_DIR; }

std::filesystem::path resolve_in_checkout(const std::filesystem::path& rel) {
  if (rel.is_absolute()) return rel;
  std::error_code ec;
  if (std::filesystem::exists(rel, ec)) return rel;
  return source_dir() / rel;
}

std::filesystem::path default_model_path() { return resolve_in_checkout("models/default.pt"); }

std::filesystem::path cache_dir() {
  const char* env = std::getenv("FERKIT_CACHE");
  if (env && *env) return env;
  return source_dir() / ".cache";
}

std::filesystem::path faceapi_demo_dir() { return cache_dir() / "npm" / "face-api" / "demo"; }
std::filesystem::path faceapi_model_dir() { return cache_dir() / "npm" / "face-api" / "model"; }
std::filesystem::path onnxruntime_node_dir() { return cache_dir() / "npm" / "node_modules" / "onnxruntime-node"; }
std::filesystem::path bundled_sample_dir() { return resolve_in_checkout("data/sample"); }

}  // namespace ferkit
