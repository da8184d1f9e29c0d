// ferkit export --model CKPT --format onnx [--out FILE] [--fp16 | --int8 --calibration-data PATH]
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "ferkit/error.h"
#include "ferkit/onnx_export.h"

namespace ferkit::cli {
namespace {

void print_report(const OnnxExportReport& r, std::ostream& os) {
  os << "wrote " << r.path.string() << "  (" << r.architecture << ", opset " << r.opset << ", " << r.weights
     << " weights, " << std::fixed << std::setprecision(2) << static_cast<double>(r.file_bytes) / (1024.0 * 1024.0)
     << " MiB)\n";
  os << r.nodes << " nodes:";
  for (const auto& [op, n] : r.op_counts) os << " " << op << " " << n;
  os << "\n";
  if (r.folded_batchnorms > 0) os << "BatchNorm folded into " << r.folded_batchnorms << " convolutions\n";
  if (r.fp16_initializers > 0) os << r.fp16_initializers << " weight tensors stored as float16 (float32 I/O and compute)\n";
  if (r.quantized_layers > 0) {
    os << r.quantized_layers << " layers quantised to int8 (QDQ), activation ranges from " << r.calibration_images
       << " calibration faces\n";
  }
  for (const auto& [note, n] : r.calibration_notes) os << "note: " << note << ": " << n << "\n";
}

}  // namespace

void register_export_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "export",
      "Export a checkpoint (<name>.pt + <name>.json) to ONNX for the OpenCV DNN backend and onnxruntime.\n"
      "The graph is FerNet::forward traced by LibTorch and converted op by op: input \"input\" [batch, C, S, S]\n"
      "(preprocessed: channels, size, (x/255 - mean)/std), outputs \"logits\" [batch, 8] and \"features\"\n"
      "[batch, 256], batch dynamic; BatchNorm folded into the convolutions unless --keep-batchnorm. The\n"
      "preprocessing, class names, temperature(s) and abstention thresholds go into metadata_props, and the\n"
      "file must pass onnx::checker before it is written.\n\n"
      "--fp16 stores the weights as float16 with Cast nodes (half the file; float32 inputs, outputs and\n"
      "arithmetic). --int8 writes a QDQ model: int8 weights per output channel, uint8 activations with ranges\n"
      "measured on --calibration-count faces of the calibration data (min/max, or --calibration-method\n"
      "percentile); it runs in onnxruntime, not in OpenCV 4.6 DNN.");
  auto o = std::make_shared<OnnxExportOptions>();
  auto model = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("onnx");
  auto keep_bn = std::make_shared<bool>(false);
  auto calib = std::make_shared<std::string>();
  cmd->add_option("--model,-m", *model, "Checkpoint: <name>, <name>.pt or <name>.json")->required();
  cmd->add_option("--format", *format, "Export format (onnx)")->default_val("onnx")->check(CLI::IsMember({"onnx"}));
  cmd->add_option("--out,-o", *out, "Output file (default: <name>.onnx, <name>-fp16.onnx or <name>-int8.onnx)");
  cmd->add_option("--opset", o->opset, "ONNX opset, 13..17 (HardSwish is native from 14)")->default_val(13);
  cmd->add_flag("--fp16", o->fp16, "Store weights as float16 (float32 I/O and compute)");
  cmd->add_flag("--int8", o->int8, "Quantise to int8 (QDQ) with calibration data");
  cmd->add_flag("--keep-batchnorm", *keep_bn, "Emit BatchNormalization nodes instead of folding them");
  cmd->add_option("--calibration-data", *calib, "int8: dataset root (or file) of the calibration faces");
  cmd->add_option("--calibration-format", o->calibration.format, "int8: reader of the calibration data")->default_val("ferplus");
  cmd->add_option("--calibration-split", o->calibration.split, "int8: split to calibrate on")->default_val("train");
  cmd->add_option("--calibration-count", o->calibration.count, "int8: faces, evenly spaced over the split")->default_val(512);
  cmd->add_option("--calibration-method", o->calibration.method, "int8: activation range, minmax or percentile")
      ->default_val("minmax")
      ->check(CLI::IsMember({"minmax", "percentile"}));
  cmd->add_option("--percentile", o->calibration.percentile, "int8: percentile for --calibration-method percentile")
      ->default_val(99.99);
  cmd->add_option("--threads", o->threads, "Torch threads for tracing and calibration")->default_val(1);
  cmd->footer(
      "Examples:\n"
      "  ferkit export --model runs/mnv3s-ce-s0/best.pt --format onnx --out model.onnx\n"
      "  ferkit export --model models/default.pt --format onnx --fp16\n"
      "  ferkit export --model models/default.pt --format onnx --int8 --calibration-data ../shared/data/ferplus \\\n"
      "      --calibration-format ferplus --calibration-count 512 --out default-int8.onnx\n"
      "  ferkit eval --model model.onnx --format ferplus --data ../shared/data/ferplus --split valid");
  cmd->callback([=] {
    OnnxExportOptions opts = *o;
    opts.fold_batchnorm = !*keep_bn;
    opts.calibration.path = *calib;
    if (!opts.int8 && !calib->empty()) throw ferkit::Error("ferkit export", "--calibration-data only with --int8", "");
    std::filesystem::path target = *out;
    if (target.empty()) {
      std::filesystem::path base = *model;
      if (base.extension() == ".pt" || base.extension() == ".json") base.replace_extension();
      target = base.string() + (opts.int8 ? "-int8" : opts.fp16 ? "-fp16" : "") + ".onnx";
    }
    print_report(export_onnx(*model, target, opts), std::cout);
  });
}

}  // namespace ferkit::cli
