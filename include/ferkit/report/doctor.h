// `ferkit doctor`: what this installation runs on and what it can find, with loud warnings for the
// set-ups that make ferkit slow or incomplete.
//
//   nlohmann::json d = ferkit::doctor_report();     // everything below
//   std::cout << ferkit::doctor_text(d);            // the human-readable form
//   ferkit::BlasInfo b = ferkit::detect_blas();     // b.kind == "openblas"
//
// The report (JSON keys): ferkit {version, git_commit}; libtorch {version, threads,
// interop_threads, parallel}; opencv {version, threads}; dlib {version}; onnx {version}; blas
// {kind, library, openblas_config, loaded}; hardware_threads; openmp {available, detail}; gpu
// {cuda_available, devices}; default_model {path, exists, loads, architecture, error};
// faceapi_cache {path, demo_photos, models}; peers {python {path, present, modules {torch,
// torchvision, sklearn, onnx, mne, numpy}}, node {present, version, onnxruntime_node}, chromium
// {path, present}}; warnings [text...].
//
// BLAS detection: the library that actually serves sgemm_ in this process (dlsym + dladdr, with
// Debian's alternatives symlinks resolved), classified by its path as openblas, reference (Debian's
// libblas3, /usr/lib/<arch>/blas/), blis, mkl, atlas or unknown; `loaded` lists the BLAS-like
// libraries mapped into the process (/proc/self/maps); openblas_config is openblas_get_config()
// when that symbol exists. The reference BLAS makes batch-1 inference ~10x slower: a warning says
// so and how to fix it (apt-get install libopenblas0-openmp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ferkit {

struct BlasInfo {
  std::string kind = "unknown";        // openblas, reference, blis, mkl, atlas, unknown
  std::string library;                 // shared object serving sgemm_, symlinks resolved ("" if none)
  std::string openblas_config;         // openblas_get_config() ("" when not OpenBLAS)
  std::vector<std::string> loaded;     // BLAS-like libraries mapped into the process
};

BlasInfo detect_blas();
// The kind of a BLAS library from its resolved path (see above).
std::string blas_kind_of(const std::string& library_path);

struct DoctorOptions {
  std::string model;            // model to check ("" = the default model, ferkit/report/install_paths.h)
  bool load_model = true;       // try to load it (open_classifier)
  bool peers = true;            // look for python modules, node, chromium (runs /usr/bin/python3 and node)
  template <class V>
  void visit(V& v) {
    v("model", model, "model to check (empty = the default model)");
    v("load_model", load_model, "try to load the model");
    v("peers", peers, "look for the python and node peers and chromium");
  }
};

nlohmann::json doctor_report(const DoctorOptions& options = {});
std::string doctor_text(const nlohmann::json& report);

}  // namespace ferkit
