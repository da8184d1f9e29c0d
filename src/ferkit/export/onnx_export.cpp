// export_onnx (include/ferkit/onnx_export.h): checkpoint -> traced graph -> ONNX -> [int8 | fp16] ->
// metadata -> onnx::checker -> file.
#include "ferkit/onnx_export.h"

#include <torch/torch.h>

#include <opencv2/core.hpp>

#include "ferkit/checkpoint.h"
#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/export/export_passes.h"
#include "ferkit/export/onnx_file.h"
#include "ferkit/models/atomic_file.h"
#include "ferkit/options.h"
#include "ferkit/preprocess.h"
#include "ferkit/readers.h"
#include "ferkit/version.h"

namespace ferkit {
namespace {

void validate(const OnnxExportOptions& o) {
  if (o.opset < 13 || o.opset > 17) throw Error("onnx export: opset", "13..17", std::to_string(o.opset));
  if (o.fp16 && o.int8) throw Error("onnx export", "one of fp16 and int8", "both");
  if (o.threads < 0) throw Error("onnx export: threads", ">= 0", std::to_string(o.threads));
  if (o.int8) {
    const auto& c = o.calibration;
    if (c.path.empty()) throw Error("onnx export: int8", "calibration data (--calibration-data PATH)", "none");
    if (c.count <= 0) throw Error("onnx export: calibration count", "a positive number of images", std::to_string(c.count));
    if (c.batch_size <= 0) throw Error("onnx export: calibration batch_size", "> 0", std::to_string(c.batch_size));
    if (c.method != "minmax" && c.method != "percentile") {
      throw Error("onnx export: calibration method", "minmax or percentile", "'" + c.method + "'");
    }
  }
}

// Calibration faces: `count` samples evenly spaced over the split (so a class-sorted folder dataset
// still gives every class), preprocessed as every backend does, in batches.
std::vector<torch::Tensor> calibration_batches(const OnnxCalibrationOptions& c, const InputSpec& in,
                                               OnnxExportReport& report) {
  ReadOptions ro;
  ro.format = c.format;
  ro.path = c.path;
  ro.split = c.split;
  Dataset d = read_dataset(ro);
  const int64_t available = static_cast<int64_t>(d.samples.size());
  if (available == 0) throw Error("int8 calibration data " + c.path.string(), "images in split " + c.split, "none");
  int64_t n = c.count;
  if (n > available) {
    report.calibration_notes["asked for more calibration images than the split has (used all " +
                             std::to_string(available) + ")"] = n - available;
    n = available;
  }
  const int64_t per = static_cast<int64_t>(in.channels) * in.size * in.size;
  std::vector<torch::Tensor> batches;
  for (int64_t start = 0; start < n; start += c.batch_size) {
    const int64_t m = std::min<int64_t>(c.batch_size, n - start);
    torch::Tensor b = torch::empty({m, in.channels, in.size, in.size});
    for (int64_t i = 0; i < m; ++i) {
      const int64_t index = (start + i) * available / n;
      const Sample& s = d.samples[static_cast<size_t>(index)];
      preprocess_face_into(load_image(d, s, in.channels == 1), in, b.data_ptr<float>() + i * per);
    }
    batches.push_back(b);
  }
  report.calibration_images = n;
  return batches;
}

std::string json_list(const std::vector<double>& v) { return nlohmann::json(v).dump(); }

void add_metadata(::onnx::ModelProto& m, const std::string& key, const std::string& value) {
  auto* p = m.add_metadata_props();
  p->set_key(key);
  p->set_value(value);
}

void write_metadata(::onnx::ModelProto& m, const Sidecar& s, const OnnxExportOptions& o, const OnnxExportReport& r) {
  add_metadata(m, "ferkit.format_version", "1");
  add_metadata(m, "ferkit.architecture", s.model.architecture);
  add_metadata(m, "ferkit.model_spec", to_json(s.model).dump());
  add_metadata(m, "ferkit.input_size", std::to_string(s.model.input_size));
  add_metadata(m, "ferkit.in_channels", std::to_string(s.model.in_channels));
  add_metadata(m, "ferkit.mean", json_list(s.model.mean));
  add_metadata(m, "ferkit.std", json_list(s.model.std));
  add_metadata(m, "ferkit.class_names", nlohmann::json(s.class_names).dump());
  add_metadata(m, "ferkit.temperature", nlohmann::json(s.temperature).dump());
  add_metadata(m, "ferkit.class_temperatures", json_list(s.class_temperatures));
  add_metadata(m, "ferkit.abstain_thresholds", json_list(s.abstain_thresholds));
  add_metadata(m, "ferkit.weights", r.weights);
  add_metadata(m, "ferkit.batchnorm", o.fold_batchnorm ? "folded" : "kept");
  if (o.int8) {
    nlohmann::json c = {{"format", o.calibration.format}, {"split", o.calibration.split},
                        {"images", r.calibration_images}, {"method", o.calibration.method}};
    if (o.calibration.method == "percentile") c["percentile"] = o.calibration.percentile;
    add_metadata(m, "ferkit.calibration", c.dump());
  }
  add_metadata(m, "ferkit.source_weights_sha256", s.weights_sha256);
  add_metadata(m, "ferkit.dataset_fingerprint", s.dataset_fingerprint);
  add_metadata(m, "ferkit.trained_commit", s.git_commit);
  add_metadata(m, "ferkit.exported_commit", git_commit());
}

}  // namespace

OnnxExportReport export_onnx(const std::filesystem::path& checkpoint, const std::filesystem::path& out,
                             const OnnxExportOptions& options) {
  validate(options);
  if (options.threads > 0) torch::set_num_threads(options.threads);
  Checkpoint ck = load_checkpoint(checkpoint);
  const ModelSpec& spec = ck.sidecar.model;
  OnnxExportReport report;
  report.path = out;
  report.architecture = spec.architecture;
  report.opset = options.opset;

  // Batch 2 for the trace: a batch dimension of 1 could be mistaken for a broadcast one.
  torch::manual_seed(0);
  torch::Tensor example = torch::randn({2, spec.in_channels, spec.input_size, spec.input_size});
  onnx_export::ExportedGraph g;
  {
    torch::NoGradGuard no_grad;
    auto traced = onnx_export::trace_fernet(ck.net, example);
    onnx_export::convert_to_onnx(traced, onnx_export::parameter_names(ck.net), {options.opset, options.fold_batchnorm}, g);
  }
  report.folded_batchnorms = g.folded_batchnorms;

  ::onnx::ModelProto& m = g.model;
  m.set_ir_version(options.opset <= 14 ? 7 : 8);
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(options.opset);
  m.set_producer_name("ferkit");
  m.set_producer_version(std::string("0.1.0+") + git_commit());
  m.set_doc_string("ferkit " + spec.architecture + " (" + spec.head + " head): input [batch, " +
                   std::to_string(spec.in_channels) + ", " + std::to_string(spec.input_size) + ", " +
                   std::to_string(spec.input_size) + "] = (x/255 - mean)/std; outputs logits [batch, " +
                   std::to_string(spec.num_classes) + "], features [batch, " + std::to_string(spec.feature_dim) + "]");
  g.graph().set_name(spec.architecture);

  if (options.int8) {
    report.weights = "int8";
    std::vector<torch::Tensor> batches = calibration_batches(options.calibration, input_spec(spec), report);
    info("calibrating int8 ranges on " + std::to_string(report.calibration_images) + " faces");
    onnx_export::CalibrationResult cal =
        onnx_export::calibrate(g, batches, options.calibration.method, options.calibration.percentile);
    report.quantized_layers = onnx_export::quantize_qdq(g, cal);
  } else if (options.fp16) {
    report.weights = "float16";
    report.fp16_initializers = onnx_export::convert_weights_to_fp16(g);
  }
  write_metadata(m, ck.sidecar, options, report);

  onnx_export::check_model_proto(m, out.string());
  std::string bytes;
  FERKIT_CHECK(m.SerializeToString(&bytes), out.string() << ": the ONNX model could not be serialised");
  models::write_file_atomically(out, bytes.data(), bytes.size());

  report.nodes = m.graph().node_size();
  for (const auto& n : m.graph().node()) ++report.op_counts[n.op_type()];
  for (const auto& t : m.graph().initializer()) report.initializer_bytes += static_cast<int64_t>(t.raw_data().size());
  report.file_bytes = static_cast<int64_t>(bytes.size());
  return report;
}

}  // namespace ferkit
