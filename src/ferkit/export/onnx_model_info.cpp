// Reading ONNX models back (include/ferkit/onnx_model.h): structure, ferkit metadata, checker.
#include "ferkit/onnx_model.h"

#include <fstream>

#include <nlohmann/json.hpp>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include "ferkit/error.h"
#include "ferkit/export/onnx_file.h"

namespace ferkit {

namespace onnx_export {

::onnx::ModelProto read_model_proto(const std::filesystem::path& model) {
  std::ifstream in(model, std::ios::binary);
  if (!in) throw Error(model.string(), "an ONNX model file", "it cannot be opened");
  ::onnx::ModelProto proto;
  if (!proto.ParseFromIstream(&in)) throw Error(model.string(), "an ONNX model (ModelProto protobuf)", "bytes that do not parse");
  if (!proto.has_graph()) throw Error(model.string(), "an ONNX model with a graph", "none");
  return proto;
}

}  // namespace onnx_export

OnnxModelInfo read_onnx_model_info(const std::filesystem::path& model) {
  return onnx_export::model_info(onnx_export::read_model_proto(model), model);
}

OnnxModelInfo onnx_export::model_info(const ::onnx::ModelProto& proto, const std::filesystem::path& model) {
  OnnxModelInfo m;
  m.path = model;
  m.ir_version = proto.ir_version();
  for (const auto& op : proto.opset_import()) {
    if (op.domain().empty() || op.domain() == "ai.onnx") m.opset = op.version();
  }
  m.producer = proto.producer_name();
  const auto& g = proto.graph();
  for (const auto& in : g.input()) {
    bool is_initializer = false;
    for (const auto& t : g.initializer()) is_initializer = is_initializer || t.name() == in.name();
    if (is_initializer || !m.input_name.empty()) continue;
    m.input_name = in.name();
    for (const auto& d : in.type().tensor_type().shape().dim()) m.input_shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
  }
  for (const auto& o : g.output()) m.output_names.push_back(o.name());
  for (const auto& p : proto.metadata_props()) m.metadata[p.key()] = p.value();
  for (const auto& n : g.node()) ++m.op_counts[n.op_type()];
  m.nodes = g.node_size();
  for (const auto& t : g.initializer()) m.initializer_bytes += static_cast<int64_t>(t.raw_data().size());
  return m;
}

namespace {

std::string metadata(const OnnxModelInfo& m, const std::string& key) {
  auto it = m.metadata.find(key);
  if (it == m.metadata.end()) {
    const bool any = m.metadata.count("ferkit.format_version") > 0;
    throw Error(m.path.string() + ": metadata_props", "key " + key,
                any ? "absent" : "no ferkit metadata (export the model with `ferkit export`)");
  }
  return it->second;
}

nlohmann::json metadata_json(const OnnxModelInfo& m, const std::string& key) {
  const std::string text = metadata(m, key);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    throw Error(m.path.string() + ": metadata_props " + key, "JSON", "'" + text + "'");
  }
}

std::vector<double> numbers(const OnnxModelInfo& m, const std::string& key) {
  nlohmann::json j = metadata_json(m, key);
  if (!j.is_array()) throw Error(m.path.string() + ": metadata_props " + key, "a JSON array of numbers", j.dump());
  std::vector<double> v;
  for (const auto& x : j) {
    if (!x.is_number()) throw Error(m.path.string() + ": metadata_props " + key, "a JSON array of numbers", j.dump());
    v.push_back(x.get<double>());
  }
  return v;
}

}  // namespace

ClassifierInfo classifier_info_from_onnx(const OnnxModelInfo& m, const std::string& backend) {
  ClassifierInfo info;
  info.backend = backend;
  info.model_path = m.path;
  info.architecture = metadata(m, "ferkit.architecture");
  const nlohmann::json size = metadata_json(m, "ferkit.input_size"), channels = metadata_json(m, "ferkit.in_channels");
  if (!size.is_number_integer() || size.get<int>() <= 0) {
    throw Error(m.path.string() + ": metadata_props ferkit.input_size", "a positive integer", size.dump());
  }
  if (!channels.is_number_integer() || (channels.get<int>() != 1 && channels.get<int>() != 3)) {
    throw Error(m.path.string() + ": metadata_props ferkit.in_channels", "1 or 3", channels.dump());
  }
  info.input.size = size.get<int>();
  info.input.channels = channels.get<int>();
  info.input.mean = numbers(m, "ferkit.mean");
  info.input.std = numbers(m, "ferkit.std");
  const nlohmann::json names = metadata_json(m, "ferkit.class_names");
  if (!names.is_array() || names.size() != static_cast<size_t>(kNumClasses)) {
    throw Error(m.path.string() + ": metadata_props ferkit.class_names", std::to_string(kNumClasses) + " class names",
                names.dump());
  }
  for (const auto& n : names) info.class_names.push_back(n.get<std::string>());
  info.temperature = std::stod(metadata(m, "ferkit.temperature"));
  info.class_temperatures = numbers(m, "ferkit.class_temperatures");
  info.abstain_thresholds = numbers(m, "ferkit.abstain_thresholds");
  info.supported.fill(true);
  if (m.input_shape.size() != 4 || m.input_shape[1] != info.input.channels || m.input_shape[2] != info.input.size ||
      m.input_shape[3] != info.input.size) {
    std::string shape;
    for (int64_t d : m.input_shape) shape += (shape.empty() ? "" : ", ") + (d < 0 ? std::string("batch") : std::to_string(d));
    throw Error(m.path.string() + ": input " + m.input_name,
                "[batch, " + std::to_string(info.input.channels) + ", " + std::to_string(info.input.size) + ", " +
                    std::to_string(info.input.size) + "] as its metadata says",
                "[" + shape + "]");
  }
  return info;
}

void check_onnx_model(const std::filesystem::path& model) {
  const ::onnx::ModelProto proto = onnx_export::read_model_proto(model);
  onnx_export::check_model_proto(proto, model.string());
}

namespace onnx_export {

void check_model_proto(const ::onnx::ModelProto& proto, const std::string& where) {
  try {
    ::onnx::checker::check_model(proto);
  } catch (const std::exception& e) {
    throw Error(where, "a model that passes onnx::checker::check_model", e.what());
  }
}

}  // namespace onnx_export

}  // namespace ferkit
