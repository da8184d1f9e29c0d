// `ferkit doctor` (ferkit/report/doctor.h): versions, BLAS, threads, GPU, model and peers.
#include "ferkit/report/doctor.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <dlfcn.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <dlib/revision.h>
#include <onnx/common/version.h>
#include <opencv2/core.hpp>

#include "ferkit/classifier.h"
#include "ferkit/report/install_paths.h"
#include "ferkit/version.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string resolved(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::canonical(path, ec);
  return ec ? path : p.string();
}

// Runs a command, returns its stdout ("" and ok = false on a non-zero exit).
std::string capture(const std::string& command, bool& ok) {
  std::string out;
  FILE* p = popen((command + " 2>/dev/null").c_str(), "r");
  if (!p) {
    ok = false;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  ok = pclose(p) == 0;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

json python_peer() {
  const std::string python = "/usr/bin/python3";
  json j{{"path", python}, {"present", fs::exists(python)}, {"modules", json::object()}};
  const std::vector<std::string> modules{"torch", "torchvision", "sklearn", "onnx", "mne", "numpy"};
  for (const auto& m : modules) j["modules"][m] = false;
  if (!fs::exists(python)) return j;
  // find_spec looks modules up without importing them (importing torch takes seconds).
  std::string list;
  for (const auto& m : modules) list += (list.empty() ? "'" : ",'") + m + "'";
  bool ok = false;
  const std::string out = capture(python + " -c \"import importlib.util,json; print(json.dumps({m: importlib.util.find_spec(m) "
                                           "is not None for m in [" + list + "]}))\"", ok);
  if (ok) {
    try {
      j["modules"] = json::parse(out);
    } catch (const json::exception&) {
    }
  }
  return j;
}

json node_peer() {
  bool ok = false;
  const std::string version = capture("node --version", ok);
  return {{"present", ok}, {"version", ok ? version : ""},
          {"onnxruntime_node", fs::exists(onnxruntime_node_dir() / "package.json")},
          {"onnxruntime_node_path", onnxruntime_node_dir().string()}};
}

json model_status(const std::string& model_option, bool load) {
  const fs::path path = model_option.empty() ? default_model_path() : fs::path(model_option);
  json j{{"path", path.string()}, {"exists", fs::exists(path)}, {"loads", false}, {"architecture", ""}, {"error", ""}};
  if (!fs::exists(path)) {
    j["error"] = "no such file";
    return j;
  }
  if (!load) return j;
  try {
    auto clf = open_classifier(path);
    j["loads"] = true;
    j["architecture"] = clf->info().architecture;
  } catch (const std::exception& e) {
    std::string msg = e.what();
    j["error"] = msg.substr(0, msg.find('\n'));
  }
  return j;
}

}  // namespace

std::string blas_kind_of(const std::string& library_path) {
  const std::string p = library_path;
  if (p.empty()) return "unknown";
  if (p.find("openblas") != std::string::npos) return "openblas";
  if (p.find("blis") != std::string::npos) return "blis";
  if (p.find("mkl") != std::string::npos) return "mkl";
  if (p.find("atlas") != std::string::npos) return "atlas";
  if (p.find("/blas/libblas.so") != std::string::npos) return "reference";
  return "unknown";
}

BlasInfo detect_blas() {
  BlasInfo b;
  for (const char* symbol : {"sgemm_", "cblas_sgemm"}) {
    void* fn = dlsym(RTLD_DEFAULT, symbol);
    Dl_info info{};
    if (fn && dladdr(fn, &info) && info.dli_fname) {
      b.library = resolved(info.dli_fname);
      break;
    }
  }
  b.kind = blas_kind_of(b.library);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  std::set<std::string> seen;
  while (std::getline(maps, line)) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    const std::string path = line.substr(slash);
    const std::string name = fs::path(path).filename().string();
    if ((name.find("blas") != std::string::npos || name.find("blis") != std::string::npos ||
         name.find("mkl") != std::string::npos || name.find("lapack") != std::string::npos) &&
        seen.insert(path).second)
      b.loaded.push_back(path);
  }
  using ConfigFn = char* (*)();
  if (auto fn = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) b.openblas_config = fn();
  return b;
}

json doctor_report(const DoctorOptions& o) {
  json r;
  std::vector<std::string> warnings;
  r["ferkit"] = {{"version", kVersion}, {"git_commit", git_commit()}};
  r["libtorch"] = {{"version", TORCH_VERSION},
                   {"threads", at::get_num_threads()},
                   {"interop_threads", at::get_num_interop_threads()},
                   {"parallel", at::get_parallel_info()}};
  r["opencv"] = {{"version", CV_VERSION}, {"threads", cv::getNumThreads()}};
  r["dlib"] = {{"version", std::to_string(DLIB_MAJOR_VERSION) + "." + std::to_string(DLIB_MINOR_VERSION) + "." +
                               std::to_string(DLIB_PATCH_VERSION)}};
  r["onnx"] = {{"version", ::onnx::LAST_RELEASE_VERSION}};
  const BlasInfo b = detect_blas();
  r["blas"] = {{"kind", b.kind}, {"library", b.library}, {"openblas_config", b.openblas_config}, {"loaded", b.loaded}};
  if (b.kind == "reference")
    warnings.push_back("BLAS: the reference BLAS (" + b.library + ") is active: batch-1 inference is ~10x slower. Fix: "
                       "apt-get install libopenblas0-openmp (or update-alternatives --config libblas.so.3-x86_64-linux-gnu)");
  else if (b.kind == "unknown")
    warnings.push_back("BLAS: could not tell which BLAS serves sgemm_ (" + (b.library.empty() ? std::string("none found") : b.library) + ")");
  const unsigned hw = std::thread::hardware_concurrency();
  r["hardware_threads"] = hw;
  const std::string parallel = at::get_parallel_info();
  const bool omp = parallel.find("OpenMP") != std::string::npos;
  std::string omp_line;
  {
    std::stringstream ss(parallel);
    std::string l;
    while (std::getline(ss, l))
      if (l.find("OpenMP") != std::string::npos) omp_line += (omp_line.empty() ? "" : "; ") + l;
  }
  r["openmp"] = {{"available", omp}, {"detail", omp_line}};
  if (static_cast<unsigned>(at::get_num_threads()) > hw && hw > 0)
    warnings.push_back("threads: torch uses " + std::to_string(at::get_num_threads()) + " threads on " + std::to_string(hw) +
                       " hardware threads (oversubscription; set --threads or OMP_NUM_THREADS)");
  const bool cuda = torch::cuda::is_available();
  r["gpu"] = {{"cuda_available", cuda}, {"devices", cuda ? static_cast<int>(torch::cuda::device_count()) : 0}};

  r["default_model"] = model_status(o.model, o.load_model);
  if (!r["default_model"]["exists"].get<bool>())
    warnings.push_back("model: " + r["default_model"]["path"].get<std::string>() +
                       " is missing (ferkit demo needs it; pass --model to use another checkpoint)");
  else if (o.load_model && !r["default_model"]["loads"].get<bool>())
    warnings.push_back("model: " + r["default_model"]["path"].get<std::string>() + " does not load: " +
                       r["default_model"]["error"].get<std::string>());

  int photos = 0;
  for (int i = 1; i <= 6; ++i) photos += fs::exists(faceapi_demo_dir() / ("sample" + std::to_string(i) + ".jpg"));
  r["faceapi_cache"] = {{"path", (cache_dir() / "npm" / "face-api").string()},
                        {"demo_photos", photos},
                        {"models", fs::exists(faceapi_model_dir() / "face_expression_model.bin")}};
  if (photos < 6)
    warnings.push_back("face-api cache: " + std::to_string(photos) + " of 6 demo photos in " + faceapi_demo_dir().string() +
                       " (run scripts/setup.sh, or set FERKIT_CACHE); ferkit demo falls back to data/sample");

  json peers;
  if (o.peers) {
    peers["python"] = python_peer();
    peers["node"] = node_peer();
    peers["chromium"] = {{"path", "/usr/bin/chromium"}, {"present", fs::exists("/usr/bin/chromium")}};
    if (!peers["python"]["present"].get<bool>()) warnings.push_back("peers: /usr/bin/python3 is missing (reference tests skip)");
    for (const auto& [m, present] : peers["python"]["modules"].items())
      if (!present.get<bool>()) warnings.push_back("peers: python module " + m + " is missing (its reference tests skip)");
    if (!peers["node"]["present"].get<bool>()) warnings.push_back("peers: node is missing (onnxruntime-node tests skip)");
  }
  r["peers"] = peers;
  r["warnings"] = warnings;
  return r;
}

std::string doctor_text(const json& r) {
  std::ostringstream s;
  auto yes = [](const json& v) { return v.is_boolean() && v.get<bool>() ? "yes" : "no"; };
  auto str = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  s << "ferkit       " << str(r["ferkit"]["version"]) << " (commit " << str(r["ferkit"]["git_commit"]) << ")\n";
  s << "LibTorch     " << str(r["libtorch"]["version"]) << ", " << r["libtorch"]["threads"] << " intra-op / "
    << r["libtorch"]["interop_threads"] << " inter-op threads\n";
  s << "OpenCV       " << str(r["opencv"]["version"]) << "\n";
  s << "dlib         " << str(r["dlib"]["version"]) << "\n";
  s << "ONNX         " << str(r["onnx"]["version"]) << "\n";
  s << "BLAS         " << str(r["blas"]["kind"]) << " (" << str(r["blas"]["library"]) << ")";
  if (!r["blas"]["openblas_config"].get<std::string>().empty()) s << " " << str(r["blas"]["openblas_config"]);
  s << "\n";
  s << "threads      " << r["hardware_threads"] << " hardware; OpenMP " << yes(r["openmp"]["available"]) << "\n";
  s << "GPU          " << (r["gpu"]["cuda_available"].get<bool>() ? r["gpu"]["devices"].dump() + " CUDA device(s)" : "none (CPU only)") << "\n";
  const json& m = r["default_model"];
  s << "model        " << str(m["path"]) << ": "
    << (!m["exists"].get<bool>() ? "missing" : m["loads"].get<bool>() ? "loads (" + str(m["architecture"]) + ")" :
        str(m["error"]).empty() ? "present (not loaded)" : "does not load")
    << "\n";
  s << "face-api     " << str(r["faceapi_cache"]["path"]) << ": " << r["faceapi_cache"]["demo_photos"] << "/6 demo photos, models "
    << yes(r["faceapi_cache"]["models"]) << "\n";
  if (r["peers"].is_object() && !r["peers"].empty()) {
    const json& py = r["peers"]["python"];
    s << "python       " << str(py["path"]) << ": " << (py["present"].get<bool>() ? "" : "missing");
    if (py["present"].get<bool>())
      for (const auto& [mod, ok] : py["modules"].items()) s << mod << (ok.get<bool>() ? "+ " : "- ");
    s << "\n";
    const json& node = r["peers"]["node"];
    s << "node         " << (node["present"].get<bool>() ? str(node["version"]) : "missing") << ", onnxruntime-node "
      << yes(node["onnxruntime_node"]) << "\n";
    s << "chromium     " << yes(r["peers"]["chromium"]["present"]) << "\n";
  }
  for (const auto& w : r["warnings"]) s << "WARNING: " << str(w) << "\n";
  if (r["warnings"].empty()) s << "no problems found\n";
  return s.str();
}

}  // namespace ferkit
