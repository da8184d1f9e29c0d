// ONNX export of a ferkit checkpoint, written from C++ with the ONNX protobuf classes.
//
//   ferkit::OnnxExportOptions o;                       // opset 13, BatchNorm folded, float32
//   ferkit::OnnxExportReport r = ferkit::export_onnx("runs/b0/best.pt", "model.onnx", o);
//   r.op_counts["Conv"];  r.folded_batchnorms;
//
//   o.fp16 = true;                                     // float16 weights, float32 I/O and compute
//   o.int8 = true;                                     // QDQ int8, calibrated on real faces:
//   o.calibration.path = "../shared/data/ferplus";  o.calibration.count = 512;
//   ferkit::export_onnx("runs/b0/best.pt", "model-int8.onnx", o);
//
// Contract: every architecture of the model registry exports. The graph has one input "input"
// [batch, C, S, S] float32 (preprocessed as ferkit/preprocess.h: channels, size, (x/255-mean)/std)
// and two outputs, "logits" [batch, 8] (uncalibrated) and "features" [batch, 256] (unit L2 norm),
// batch dynamic. It is FerNet::forward traced by LibTorch and converted op by op (Conv, Gemm,
// MatMul, Relu, HardSigmoid, HardSwish or its decomposition, Sigmoid, Erf, Mul, Add, Sub, Div,
// Sqrt, GlobalAveragePool, MaxPool, Flatten, Transpose, ReduceSumSquare, ...; never Identity);
// the preprocessing, class names, temperature(s) and abstention thresholds of the sidecar are in
// metadata_props (keys in ferkit/onnx_model.h). The file passes onnx::checker before it is written
// (atomically). docs/export.md describes the graph, the fp16 and int8 forms and the tolerances
// the backends are tested to.
//
// Errors (ferkit::Error): the checkpoint's own errors; an op the exporter cannot express (naming
// the aten op and its input shapes); opset outside 13..17; fp16 together with int8; int8 without
// calibration data; calibration images that do not load (naming the file); a checker failure.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace ferkit {

// Where the int8 pass takes its calibration faces from (any reader of ferkit/readers.h).
struct OnnxCalibrationOptions {
  std::string format = "ferplus";   // reader name
  std::filesystem::path path;       // dataset root (required for int8)
  std::string split = "train";      // calibrate on training faces, evaluate on others
  int count = 512;                  // images, evenly spaced over the split
  std::string method = "minmax";    // minmax | percentile
  double percentile = 99.99;        // for "percentile": clip range per batch, averaged
  int batch_size = 64;              // images per calibration forward
  template <class V>
  void visit(V& v) {
    v("format", format, "calibration data reader");
    v("path", path, "calibration dataset root");
    v("split", split, "calibration split");
    v("count", count, "calibration images (evenly spaced)");
    v("method", method, "activation range: minmax or percentile");
    v("percentile", percentile, "percentile for the percentile method");
    v("batch_size", batch_size, "images per calibration forward");
  }
};

struct OnnxExportOptions {
  int opset = 13;              // 13..17; HardSwish is a native op from 14, decomposed below
  bool fold_batchnorm = true;  // fold BatchNorm into the preceding convolution (faster; same result)
  bool fp16 = false;           // float16 weights with Cast to float32 (float32 I/O and compute)
  bool int8 = false;           // QDQ int8: per-channel int8 weights, per-tensor uint8 activations
  OnnxCalibrationOptions calibration;  // int8 only
  int threads = 1;             // torch threads for tracing and calibration
  template <class V>
  void visit(V& v) {
    v("opset", opset, "ONNX opset (13..17)");
    v("fold_batchnorm", fold_batchnorm, "fold BatchNorm into convolutions");
    v("fp16", fp16, "store weights as float16");
    v("int8", int8, "QDQ int8 quantisation with calibration");
    v("calibration", calibration, "int8 calibration data");
    v("threads", threads, "torch threads");
  }
};

struct OnnxExportReport {
  std::filesystem::path path;          // the written .onnx
  std::string architecture;
  int opset = 13;
  std::string weights = "float32";     // float32 | float16 | int8
  int64_t nodes = 0;
  std::map<std::string, int> op_counts;  // op type -> nodes
  int64_t initializer_bytes = 0;
  int64_t file_bytes = 0;
  int folded_batchnorms = 0;
  int fp16_initializers = 0;           // initializers stored as float16
  int quantized_layers = 0;            // Conv/Gemm/MatMul layers given int8 weights
  int64_t calibration_images = 0;      // faces the activation ranges were measured on
  std::map<std::string, int64_t> calibration_notes;  // e.g. "asked for more images than the split has": n
};

OnnxExportReport export_onnx(const std::filesystem::path& checkpoint, const std::filesystem::path& out,
                             const OnnxExportOptions& options = {});

}  // namespace ferkit
