// The steps of ONNX export (include/ferkit/onnx_export.h), one file each:
//   traced_fernet.cpp   FerNet -> TorchScript graph of aten ops (torch's tracer; constants folded)
//   aten_to_onnx.cpp    aten graph -> ONNX nodes (BatchNorm folding, channels-last elimination)
//   onnx_fp16.cpp       float32 weights -> float16 initializers + Cast
//   onnx_calibration.cpp, onnx_int8.cpp   activation ranges on real faces -> QDQ int8 graph
//   onnx_metadata.cpp   sidecar <-> metadata_props
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ferkit/export/onnx_graph.h"
#include "ferkit/model.h"

namespace ferkit::onnx_export {

// Traces net (eval mode) on an example input [batch, C, S, S] into a graph whose inputs are the
// image batch and whose outputs are (logits, features); parameters become constants. In-place ops
// are made functional and constant sub-expressions (the cosine head's normalised weights) folded.
std::shared_ptr<torch::jit::Graph> trace_fernet(FerNet& net, const torch::Tensor& example);

// Parameter and buffer names of net by storage address, so initializers keep FerNet's names.
std::map<const void*, std::string> parameter_names(FerNet& net);

struct ConversionOptions {
  int opset = 13;
  bool fold_batchnorm = true;
};

// Converts a traced graph to ONNX nodes, initializers, the input "input" [batch, C, S, S] and the
// outputs "logits" and "features". Throws ferkit::Error naming the aten op and its input shapes for
// anything it cannot express.
void convert_to_onnx(const std::shared_ptr<torch::jit::Graph>& traced, const std::map<const void*, std::string>& names,
                     const ConversionOptions& options, ExportedGraph& out);

// Stores every weight initializer with more than one element as float16 followed by a Cast to
// float32 (compute and I/O stay float32). Returns how many initializers were converted.
int convert_weights_to_fp16(ExportedGraph& g);

// Activation ranges of the tensors the int8 pass quantises, from calibration batches.
struct ActivationRange {
  float min = 0, max = 0;
};
struct CalibrationResult {
  std::map<std::string, ActivationRange> ranges;  // ONNX tensor -> range
  int64_t images = 0;
};
// The activation tensor a layer node reads (its first input).
std::string layer_input(const ExportedGraph& g, const LayerNode& layer);
// The output of the Relu that is the only consumer of a layer's output ("" when there is none): the
// int8 pass folds it into the layer's output quantisation (uint8 with zero point 0 clamps at 0).
std::string relu_after(const ExportedGraph& g, const LayerNode& layer);
// Tensors whose ranges quantize_qdq needs: the inputs of every layer node and their outputs.
std::vector<std::string> tensors_to_calibrate(const ExportedGraph& g);
// method: "minmax" (running min and max) or "percentile" (per batch, the `percentile` and
// 100 - `percentile` percentiles, averaged over batches).
CalibrationResult calibrate(ExportedGraph& g, const std::vector<torch::Tensor>& batches, const std::string& method,
                            double percentile);

// Quantises every layer node QDQ-style: weights int8 symmetric per output channel
// (DequantizeLinear with axis), biases int32 with scale s_in * s_w, activations uint8 per tensor
// (QuantizeLinear -> DequantizeLinear after their producer). Returns the number of layer nodes
// quantised.
int quantize_qdq(ExportedGraph& g, const CalibrationResult& calibration);

}  // namespace ferkit::onnx_export
