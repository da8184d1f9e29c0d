// Reading an exported ONNX model back: its structure, the ferkit metadata_props, the ONNX checker.
// What the OpenCV DNN backend and `ferkit export` use; no torch here.
//
//   ferkit::OnnxModelInfo m = ferkit::read_onnx_model_info("model.onnx");
//   m.opset;  m.op_counts["Conv"];  m.metadata.at("ferkit.architecture");
//   ferkit::ClassifierInfo info = ferkit::classifier_info_from_onnx(m, "opencv");
//   ferkit::check_onnx_model("model.onnx");     // onnx::checker; Error naming the file otherwise
//
// metadata_props written by export_onnx (values are text; lists are JSON arrays):
//   ferkit.format_version      "1"
//   ferkit.architecture        registry name ("mobilenetv3_small_48")
//   ferkit.model_spec          the whole ModelSpec as JSON (head, feature_dim, ...)
//   ferkit.input_size          square side S of the input [batch, C, S, S]
//   ferkit.in_channels         C: 1 = grayscale, 3 = RGB (in RGB order)
//   ferkit.mean, ferkit.std    per channel, on x/255: input = (x/255 - mean) / std
//   ferkit.class_names         the 8 class names in logit order
//   ferkit.temperature         global softmax temperature (1 until calibrated)
//   ferkit.class_temperatures  per-class temperatures ([] = unused)
//   ferkit.abstain_thresholds  per-class confidence thresholds ([] = none)
//   ferkit.weights             float32 | float16 | int8
//   ferkit.batchnorm           folded | kept
//   ferkit.calibration         int8 only: JSON {format, split, images, method, percentile}
//   ferkit.source_weights_sha256, ferkit.dataset_fingerprint, ferkit.trained_commit,
//   ferkit.exported_commit     provenance
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ferkit/classifier.h"

namespace ferkit {

struct OnnxModelInfo {
  std::filesystem::path path;
  int64_t ir_version = 0;
  int64_t opset = 0;                        // of the default domain
  std::string producer;
  std::string input_name;
  std::vector<int64_t> input_shape;         // -1 for a symbolic dimension
  std::vector<std::string> output_names;
  std::map<std::string, std::string> metadata;
  std::map<std::string, int> op_counts;     // op type -> nodes
  int64_t nodes = 0;
  int64_t initializer_bytes = 0;
};

// Parses the file (Error naming it when it is missing or not an ONNX model).
OnnxModelInfo read_onnx_model_info(const std::filesystem::path& model);

// ClassifierInfo from the ferkit.* metadata (Error naming the file and the missing or malformed
// key; a model without ferkit metadata is an Error that says so).
ClassifierInfo classifier_info_from_onnx(const OnnxModelInfo& model, const std::string& backend);

// onnx::checker::check_model on the file; throws ferkit::Error naming the file and the checker's
// message.
void check_onnx_model(const std::filesystem::path& model);

}  // namespace ferkit
