// OpenCV DNN backend of ferkit::Classifier (include/ferkit/opencv_dnn_classifier.h).
#include "ferkit/opencv_dnn_classifier.h"

#include <algorithm>
#include <cstring>
#include <list>
#include <utility>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "ferkit/error.h"
#include "ferkit/export/onnx_file.h"
#include "ferkit/onnx_model.h"

namespace ferkit {
namespace {

// float16 initializers + Cast (the fp16 export) -> float32 initializers under the Cast's output
// name, Casts removed: OpenCV 4.6 needs convolution weights as constants.
int widen_fp16_weights(::onnx::ModelProto& m) {
  ::onnx::GraphProto& g = *m.mutable_graph();
  std::map<std::string, const ::onnx::TensorProto*> halves;
  for (const auto& t : g.initializer()) {
    if (t.data_type() == ::onnx::TensorProto::FLOAT16) halves[t.name()] = &t;
  }
  if (halves.empty()) return 0;
  std::vector<::onnx::TensorProto> widened;
  google::protobuf::RepeatedPtrField<::onnx::NodeProto> kept;
  for (const auto& n : g.node()) {
    if (n.op_type() == "Cast" && n.input_size() == 1 && halves.count(n.input(0))) {
      const ::onnx::TensorProto& h = *halves[n.input(0)];
      const int64_t count = static_cast<int64_t>(h.raw_data().size() / 2);
      cv::Mat half(1, static_cast<int>(count), CV_16F, const_cast<char*>(h.raw_data().data()));
      cv::Mat full;
      half.convertTo(full, CV_32F);
      ::onnx::TensorProto t;
      t.set_name(n.output(0));
      t.set_data_type(::onnx::TensorProto::FLOAT);
      for (int64_t d : h.dims()) t.add_dims(d);
      t.set_raw_data(std::string(reinterpret_cast<const char*>(full.data), static_cast<size_t>(count) * 4));
      widened.push_back(std::move(t));
      continue;
    }
    *kept.Add() = n;
  }
  g.mutable_node()->Swap(&kept);
  google::protobuf::RepeatedPtrField<::onnx::TensorProto> inits;
  for (const auto& t : g.initializer()) {
    if (!halves.count(t.name())) *inits.Add() = t;
  }
  for (auto& t : widened) *inits.Add() = std::move(t);
  g.mutable_initializer()->Swap(&inits);
  return static_cast<int>(widened.size());
}

// OpenCV 4.6 sizes its layers from the declared input shape: declare the batch actually run.
cv::dnn::Net net_with_batch(const ::onnx::ModelProto& proto, int n, const std::filesystem::path& path) {
  ::onnx::ModelProto m = proto;
  auto fix_batch = [n](::onnx::ValueInfoProto& v) {
    auto* shape = v.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (shape->dim_size() > 0) shape->mutable_dim(0)->set_dim_value(n);
  };
  for (auto& v : *m.mutable_graph()->mutable_input()) fix_batch(v);
  for (auto& v : *m.mutable_graph()->mutable_output()) fix_batch(v);
  std::string bytes;
  FERKIT_CHECK(m.SerializeToString(&bytes), path.string() << ": could not re-serialise the model");
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
  } catch (const cv::Exception& e) {
    throw Error(path.string(), "a model OpenCV DNN can import", e.what());
  }
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return net;
}

// The parsed model as the OpenCV backend runs it: ferkit metadata required, int8 refused, float16
// weights widened.
::onnx::ModelProto opencv_model_proto(const std::filesystem::path& path, ClassifierInfo* info, std::string* input_name) {
  ::onnx::ModelProto proto = onnx_export::read_model_proto(path);
  const OnnxModelInfo m = onnx_export::model_info(proto, path);
  ClassifierInfo i = classifier_info_from_onnx(m, "opencv");
  auto weights = m.metadata.find("ferkit.weights");
  if (weights != m.metadata.end() && weights->second == "int8") {
    throw Error(path.string(), "a float32 or float16 model for the OpenCV DNN backend",
                "an int8 (QDQ) model, which OpenCV 4.6 cannot run; use onnxruntime (docs/export.md)");
  }
  FERKIT_CHECK(std::find(m.output_names.begin(), m.output_names.end(), "logits") != m.output_names.end(),
               path.string() << ": expected an output named logits");
  widen_fp16_weights(proto);
  if (info) *info = i;
  if (input_name) *input_name = m.input_name;
  return proto;
}

class OpencvDnnClassifier : public Classifier {
 public:
  OpencvDnnClassifier(const std::filesystem::path& path, const OpencvDnnClassifierOptions& options)
      : options_(options), proto_(opencv_model_proto(path, &info_, &input_name_)) {
    FERKIT_CHECK(options.threads >= 0, "opencv classifier: threads must be >= 0, got " << options.threads);
    FERKIT_CHECK(options.cached_batch_sizes >= 1,
                 "opencv classifier: cached_batch_sizes must be >= 1, got " << options.cached_batch_sizes);
  }

  std::vector<ClassLogits> logits(const std::vector<cv::Mat>& faces) override {
    if (faces.empty()) return {};
    if (options_.threads > 0) cv::setNumThreads(options_.threads);
    const InputSpec& in = info_.input;
    const int n = static_cast<int>(faces.size());
    const int shape[4] = {n, in.channels, in.size, in.size};
    cv::Mat blob(4, shape, CV_32F);
    const size_t per = static_cast<size_t>(in.channels) * in.size * in.size;
    for (int i = 0; i < n; ++i) preprocess_face_into(faces[static_cast<size_t>(i)], in, blob.ptr<float>() + i * per);
    cv::dnn::Net& net = net_for(n);
    net.setInput(blob, input_name_);
    cv::Mat z = net.forward("logits");
    FERKIT_CHECK(z.total() == static_cast<size_t>(n) * kNumClasses,
                 info_.model_path.string() << ": expected " << n << " x " << kNumClasses << " logits, got " << z.total()
                                           << " values");
    std::vector<ClassLogits> out(static_cast<size_t>(n));
    const float* p = z.ptr<float>();
    for (int i = 0; i < n; ++i) std::copy(p + i * kNumClasses, p + (i + 1) * kNumClasses, out[static_cast<size_t>(i)].begin());
    return out;
  }

  const ClassifierInfo& info() const override { return info_; }

 private:
  // The network with the batch dimension declared as n (most recently used first).
  cv::dnn::Net& net_for(int n) {
    for (auto it = nets_.begin(); it != nets_.end(); ++it) {
      if (it->first == n) {
        nets_.splice(nets_.begin(), nets_, it);
        return nets_.front().second;
      }
    }
    nets_.emplace_front(n, net_with_batch(proto_, n, info_.model_path));
    while (static_cast<int>(nets_.size()) > options_.cached_batch_sizes) nets_.pop_back();
    return nets_.front().second;
  }

  OpencvDnnClassifierOptions options_;
  ClassifierInfo info_;
  std::string input_name_;
  ::onnx::ModelProto proto_;
  std::list<std::pair<int, cv::dnn::Net>> nets_;
};

}  // namespace

std::unique_ptr<Classifier> open_opencv_dnn_classifier(const std::filesystem::path& model,
                                                       const OpencvDnnClassifierOptions& options) {
  return std::make_unique<OpencvDnnClassifier>(model, options);
}

cv::dnn::Net read_opencv_dnn_net(const std::filesystem::path& model, int batch) {
  FERKIT_CHECK(batch >= 1, "read_opencv_dnn_net: batch must be >= 1, got " << batch);
  return net_with_batch(opencv_model_proto(model, nullptr, nullptr), batch, model);
}

}  // namespace ferkit
