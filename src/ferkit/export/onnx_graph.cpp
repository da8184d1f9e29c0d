#include "ferkit/export/onnx_graph.h"

#include <cstring>

#include <torch/torch.h>

#include "ferkit/error.h"

namespace ferkit::onnx_export {

const ::onnx::TensorProto* ExportedGraph::initializer(const std::string& name) const {
  for (const auto& t : model.graph().initializer()) {
    if (t.name() == name) return &t;
  }
  return nullptr;
}

::onnx::TensorProto* ExportedGraph::mutable_initializer(const std::string& name) {
  for (auto& t : *model.mutable_graph()->mutable_initializer()) {
    if (t.name() == name) return &t;
  }
  return nullptr;
}

std::string OnnxGraphBuilder::fresh(const std::string& hint) {
  std::string name;
  do {
    name = hint + "_" + std::to_string(counters_[hint]++);
  } while (used_.count(name));
  used_.insert(name);
  return name;
}

std::string OnnxGraphBuilder::node(const std::string& op, const std::vector<std::string>& inputs, std::string output) {
  if (output.empty()) output = fresh(op);
  used_.insert(output);
  ::onnx::NodeProto* n = g_.graph().add_node();
  n->set_op_type(op);
  n->set_name(output);
  for (const auto& in : inputs) n->add_input(in);
  n->add_output(output);
  return output;
}

::onnx::NodeProto& OnnxGraphBuilder::last() {
  FERKIT_CHECK(g_.graph().node_size() > 0, "onnx export: no node appended yet");
  return *g_.graph().mutable_node(g_.graph().node_size() - 1);
}

std::string OnnxGraphBuilder::initializer(const std::string& hint, const torch::Tensor& t, InitializerRole role) {
  std::string name = hint;
  if (used_.count(name)) name = fresh(hint);
  used_.insert(name);
  *g_.graph().add_initializer() = tensor_proto(name, t);
  g_.roles[name] = role;
  return name;
}

std::string OnnxGraphBuilder::scalar(float v) {
  auto it = scalars_.find(v);
  if (it != scalars_.end()) return it->second;
  std::string name = initializer(fresh("const"), torch::tensor(v), InitializerRole::kConstant);
  scalars_[v] = name;
  return name;
}

std::string OnnxGraphBuilder::int64s(const std::string& hint, const std::vector<int64_t>& values) {
  return initializer(fresh(hint), torch::tensor(values, torch::kInt64), InitializerRole::kShape);
}

void set_attr(::onnx::NodeProto& n, const std::string& name, int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(::onnx::AttributeProto::INT);
  a->set_i(v);
}

void set_attr(::onnx::NodeProto& n, const std::string& name, float v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(::onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

void set_attr(::onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(::onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

void set_attr(::onnx::NodeProto& n, const std::string& name, const std::string& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(::onnx::AttributeProto::STRING);
  a->set_s(v);
}

namespace {

struct DtypePair {
  torch::ScalarType torch_type;
  ::onnx::TensorProto::DataType onnx_type;
};
constexpr DtypePair kDtypes[] = {
    {torch::kFloat32, ::onnx::TensorProto::FLOAT}, {torch::kFloat16, ::onnx::TensorProto::FLOAT16},
    {torch::kInt8, ::onnx::TensorProto::INT8},     {torch::kUInt8, ::onnx::TensorProto::UINT8},
    {torch::kInt32, ::onnx::TensorProto::INT32},   {torch::kInt64, ::onnx::TensorProto::INT64},
};

}  // namespace

::onnx::TensorProto tensor_proto(const std::string& name, const torch::Tensor& t) {
  torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
  ::onnx::TensorProto p;
  p.set_name(name);
  bool known = false;
  for (const auto& d : kDtypes) {
    if (d.torch_type == c.scalar_type()) {
      p.set_data_type(d.onnx_type);
      known = true;
    }
  }
  FERKIT_CHECK(known, "onnx export: tensor " << name << " has dtype " << c.scalar_type()
                                             << ", expected float32, float16, int8, uint8, int32 or int64");
  for (int64_t s : c.sizes()) p.add_dims(s);
  // Raw little-endian bytes: the compact form every runtime reads (x86 and ARM are little-endian).
  p.set_raw_data(std::string(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size()));
  return p;
}

torch::Tensor tensor_from_proto(const ::onnx::TensorProto& p) {
  torch::ScalarType type = torch::kFloat32;
  bool known = false;
  for (const auto& d : kDtypes) {
    if (d.onnx_type == p.data_type()) {
      type = d.torch_type;
      known = true;
    }
  }
  FERKIT_CHECK(known, "onnx tensor " << p.name() << ": unsupported data type " << p.data_type());
  std::vector<int64_t> dims(p.dims().begin(), p.dims().end());
  torch::Tensor t = torch::empty(dims, torch::TensorOptions().dtype(type));
  const size_t bytes = static_cast<size_t>(t.numel() * t.element_size());
  if (!p.raw_data().empty()) {
    FERKIT_CHECK(p.raw_data().size() == bytes, "onnx tensor " << p.name() << ": expected " << bytes
                                                              << " bytes of raw data, got " << p.raw_data().size());
    std::memcpy(t.data_ptr(), p.raw_data().data(), bytes);
  } else if (type == torch::kFloat32 && p.float_data_size() == t.numel()) {
    std::memcpy(t.data_ptr(), p.float_data().data(), bytes);
  } else if (type == torch::kInt64 && p.int64_data_size() == t.numel()) {
    std::memcpy(t.data_ptr(), p.int64_data().data(), bytes);
  } else {
    throw Error("onnx tensor " + p.name(), "raw_data, float_data or int64_data with " + std::to_string(t.numel()) + " values",
                "another storage");
  }
  return t;
}

void rename_tensor(::onnx::GraphProto& g, const std::string& from, const std::string& to) {
  for (auto& n : *g.mutable_node()) {
    for (auto& in : *n.mutable_input()) {
      if (in == from) in = to;
    }
    for (auto& out : *n.mutable_output()) {
      if (out == from) out = to;
    }
    if (n.name() == from) n.set_name(to);
  }
  for (auto& o : *g.mutable_output()) {
    if (o.name() == from) o.set_name(to);
  }
}

}  // namespace ferkit::onnx_export
