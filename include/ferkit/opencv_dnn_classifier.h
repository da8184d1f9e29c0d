// The OpenCV DNN Classifier backend: an ONNX model written by `ferkit export` run by
// cv::dnn (OpenCV 4.6), no torch involved. Tested against the LibTorch backend (max |logit
// difference| < 1e-4 for float32 models of every registered architecture).
//
//   auto clf = ferkit::open_classifier("model.onnx");            // "auto": .onnx -> "opencv"
//   ferkit::OpencvDnnClassifierOptions o;  o.threads = 2;
//   auto clf2 = ferkit::open_opencv_dnn_classifier("model.onnx", o);
//   std::vector<ferkit::ClassLogits> z = clf2->logits({face1, face2});   // one batched forward
//
// All faces of a call go through preprocess_face_into (size, channels, mean and std from the
// model's metadata_props) into one [N, C, S, S] blob and one forward. ClassifierInfo comes from the
// metadata (ferkit/onnx_model.h): architecture, input, class names, temperature(s), abstention
// thresholds.
//
// OpenCV 4.6 infers layer shapes from the batch size declared in the file and mis-broadcasts the
// squeeze-excitation product when the actual batch differs, so the backend keeps one cv::dnn::Net
// per batch size (the model re-declared with that batch, parsed from memory), the most recently
// used `cached_batch_sizes` of them. float16 models are widened to float32 on load. int8 (QDQ)
// models are an Error: OpenCV 4.6 rejects DequantizeLinear on weights and mis-computes activation
// QuantizeLinear/DequantizeLinear pairs; run them with onnxruntime (docs/export.md).
#pragma once

#include <filesystem>
#include <memory>

#include <opencv2/dnn.hpp>

#include "ferkit/classifier.h"

namespace ferkit {

struct OpencvDnnClassifierOptions {
  int threads = 0;             // cv::setNumThreads before each forward (0 = leave OpenCV's setting)
  int cached_batch_sizes = 4;  // networks kept, one per batch size seen
  template <class V>
  void visit(V& v) {
    v("threads", threads, "OpenCV threads for inference (0 = unchanged)");
    v("cached_batch_sizes", cached_batch_sizes, "networks kept, one per batch size");
  }
};

std::unique_ptr<Classifier> open_opencv_dnn_classifier(const std::filesystem::path& model,
                                                       const OpencvDnnClassifierOptions& options = {});

// The network the backend runs for `batch` faces (the model with that batch declared, float16
// weights widened), for tools that need OpenCV's own API such as cv::dnn::Net::quantize. Errors as
// open_opencv_dnn_classifier.
cv::dnn::Net read_opencv_dnn_net(const std::filesystem::path& model, int batch);

}  // namespace ferkit
