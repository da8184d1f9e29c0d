// The ONNX graph being exported, between the passes of src/ferkit/export/: the ModelProto itself
// plus what the passes need to know about it that ONNX does not record (which initializers are model
// weights, which nodes came from a convolution or linear layer, which traced torch value each tensor
// holds). OnnxGraphBuilder appends nodes and initializers with unique names.
//
// Internal to the export area; the public API is include/ferkit/onnx_export.h.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>
#include <torch/types.h>

namespace torch::jit {
struct Graph;
struct Value;
}  // namespace torch::jit

namespace ferkit::onnx_export {

// What an initializer is, for the fp16 and int8 passes.
enum class InitializerRole {
  kWeight,    // a layer's weight or bias (may be stored as fp16, quantised to int8)
  kConstant,  // a numeric constant of a decomposition (eps, centring matrices): kept float32
  kShape,     // int64 shapes and axes
};

// A Conv, Gemm or MatMul node that carries a model layer (not a decomposition helper), with what
// the int8 pass needs to quantise it.
struct LayerNode {
  std::string output;        // the node's output tensor (identifies the node)
  std::string weight;        // weight initializer
  int64_t weight_axis = 0;   // axis of the output channels in the weight (0, or 1 for MatMul)
};

struct ExportedGraph {
  ::onnx::ModelProto model;
  std::map<std::string, InitializerRole> roles;              // initializer name -> role
  std::vector<LayerNode> layers;                             // in graph order
  std::map<std::string, torch::jit::Value*> traced_values;   // ONNX tensor -> traced torch value
  std::shared_ptr<torch::jit::Graph> traced;                 // keeps traced_values alive
  int folded_batchnorms = 0;
  std::string input_name, logits_name, features_name;

  ::onnx::GraphProto& graph() { return *model.mutable_graph(); }
  const ::onnx::TensorProto* initializer(const std::string& name) const;
  ::onnx::TensorProto* mutable_initializer(const std::string& name);
};

class OnnxGraphBuilder {
 public:
  explicit OnnxGraphBuilder(ExportedGraph& g) : g_(g) {}

  // A fresh tensor name "<hint>_<n>".
  std::string fresh(const std::string& hint);
  // Appends a node; returns its (single) output, named fresh(op) unless given.
  std::string node(const std::string& op, const std::vector<std::string>& inputs, std::string output = "");
  // The node just appended, for attributes.
  ::onnx::NodeProto& last();
  // Initializers. Names are made unique; a tensor is copied (any dtype torch and ONNX share).
  std::string initializer(const std::string& hint, const torch::Tensor& t, InitializerRole role);
  // A float32 scalar constant ([] shape), shared between uses of the same value.
  std::string scalar(float v);
  std::string int64s(const std::string& hint, const std::vector<int64_t>& values);

 private:
  ExportedGraph& g_;
  std::map<std::string, int> counters_;
  std::set<std::string> used_;
  std::map<float, std::string> scalars_;
};

// Attribute setters.
void set_attr(::onnx::NodeProto& n, const std::string& name, int64_t v);
void set_attr(::onnx::NodeProto& n, const std::string& name, float v);
void set_attr(::onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v);
void set_attr(::onnx::NodeProto& n, const std::string& name, const std::string& v);

// ONNX TensorProto <-> torch tensor (float32, float16, int8, uint8, int32, int64).
::onnx::TensorProto tensor_proto(const std::string& name, const torch::Tensor& t);
torch::Tensor tensor_from_proto(const ::onnx::TensorProto& p);

// Replaces every use of tensor `from` (node inputs and outputs, graph outputs) by `to`.
void rename_tensor(::onnx::GraphProto& g, const std::string& from, const std::string& to);

}  // namespace ferkit::onnx_export
