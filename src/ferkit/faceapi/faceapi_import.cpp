// `ferkit import faceapi` (ferkit/faceapi/faceapi_import.h).
#include "ferkit/faceapi/faceapi_import.h"

#include <torch/torch.h>

#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/faceapi/faceapi_checkpoint.h"

namespace ferkit::faceapi {

FaceapiImportResult import_faceapi(const FaceapiImportOptions& o) {
  if (o.dir.empty()) throw Error("import faceapi --dir", "face-api's model/ directory", "an empty path");
  const std::filesystem::path dir(o.dir), out(o.out);
  if (!std::filesystem::is_directory(dir)) throw Error(dir.string(), "face-api's model/ directory (weights manifests and .bin files)", "no such directory");
  if (o.networks.empty()) throw Error("import faceapi: networks", "at least one architecture", "none");
  const auto license = std::filesystem::absolute(dir).parent_path() / "LICENSE";
  if (!std::filesystem::exists(license))
    throw Error(license.string(), "face-api's LICENSE next to model/ (it is copied with the weights)", "no such file");

  FaceapiImportResult r;
  std::vector<std::pair<std::filesystem::path, FaceapiModel>> models;
  for (const auto& name : o.networks) {
    const FaceapiArchitecture& a = faceapi_architecture(name);
    FaceapiModel m = load_faceapi_manifest(dir / (a.manifest_stem + "-weights_manifest.json"));
    m.sidecar.license_file = "LICENSE";
    r.package = m.sidecar.upstream_package;
    r.version = m.sidecar.upstream_version;
    models.emplace_back(out / (a.checkpoint_stem + ".pt"), std::move(m));
  }
  std::filesystem::create_directories(out);
  std::filesystem::copy_file(license, out / "LICENSE", std::filesystem::copy_options::overwrite_existing);
  r.written.push_back(out / "LICENSE");
  for (auto& [path, m] : models) {
    save_faceapi_checkpoint(path, *m.net, m.sidecar);
    // Read back: the checkpoint must reproduce every tensor exactly.
    FaceapiModel back = load_faceapi_model(path, m.sidecar.architecture);
    auto a = m.net->named_parameters(), b = back.net->named_parameters();
    for (const auto& kv : a) {
      const torch::Tensor* t = b.find(kv.key());
      if (!t || !torch::equal(*t, kv.value()))
        throw Error(path.string(), "tensor '" + kv.key() + "' identical to the imported one", "a different tensor after reading back");
    }
    info("imported " + m.sidecar.architecture + " -> " + path.string());
    r.written.push_back(path);
  }
  return r;
}

}  // namespace ferkit::faceapi
