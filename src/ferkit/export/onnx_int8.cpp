// int8 post-training quantisation in the QDQ form (QuantizeLinear -> DequantizeLinear pairs around
// float ops), which onnxruntime fuses into integer kernels (QLinearConv, QGemm) and which stays a
// valid opset-13 graph. Layers (the Conv/Gemm/MatMul nodes of model weights):
//   weights  int8, symmetric per output channel: s_c = max|W_c| / 127, zero point 0;
//   biases   int32 with scale s_in * s_c, zero point 0 (what QLinearConv expects);
//   activations  uint8 per tensor, asymmetric over [min(0, lo), max(0, hi)] from calibration, on
//            every layer input and output; a Relu that is a layer's only consumer is removed and its
//            range used for the layer's output (uint8 with zero point 0 clamps at 0 = Relu).
// Every consumer of a quantised tensor reads its DequantizeLinear output, so that each layer sits
// between a DequantizeLinear and a QuantizeLinear (onnxruntime's fusion pattern). Graph outputs stay
// float32. Decomposition helpers (LayerNorm's centring convolutions) stay float.
#include <torch/torch.h>

#include "ferkit/error.h"
#include "ferkit/export/export_passes.h"

namespace ferkit::onnx_export {
namespace {

struct ActivationQuant {
  float scale = 1;
  uint8_t zero_point = 0;
};

ActivationQuant activation_quant(const ActivationRange& r) {
  const double lo = std::min(0.0, static_cast<double>(r.min)), hi = std::max(0.0, static_cast<double>(r.max));
  ActivationQuant q;
  if (hi - lo < 1e-12) return q;  // a constant-zero tensor: any scale represents it exactly
  q.scale = static_cast<float>((hi - lo) / 255.0);
  q.zero_point = static_cast<uint8_t>(std::clamp(std::lround(-lo / q.scale), 0L, 255L));
  return q;
}

::onnx::NodeProto make_node(const std::string& op, const std::vector<std::string>& inputs, const std::string& output) {
  ::onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(output);
  for (const auto& i : inputs) n.add_input(i);
  n.add_output(output);
  return n;
}

}  // namespace

int quantize_qdq(ExportedGraph& g, const CalibrationResult& calibration) {
  ::onnx::GraphProto& gp = g.graph();
  auto add_init = [&](const std::string& name, const torch::Tensor& t, InitializerRole role) {
    *gp.add_initializer() = tensor_proto(name, t);
    g.roles[name] = role;
  };
  auto range = [&](const std::string& tensor) {
    auto it = calibration.ranges.find(tensor);
    FERKIT_CHECK(it != calibration.ranges.end(), "int8 export: no calibration range for tensor " << tensor);
    return activation_quant(it->second);
  };

  // 1. Fold Relus into their layer's output quantisation.
  std::map<std::string, ActivationQuant> quantised;  // tensor -> its activation quantisation
  std::set<std::string> removed_relus;
  for (const auto& layer : g.layers) {
    const std::string relu = relu_after(g, layer);
    if (relu.empty()) continue;
    quantised[layer.output] = range(relu);
    removed_relus.insert(relu);
  }
  if (!removed_relus.empty()) {
    google::protobuf::RepeatedPtrField<::onnx::NodeProto> kept;
    std::map<std::string, std::string> renames;
    for (auto& n : *gp.mutable_node()) {
      if (n.op_type() == "Relu" && removed_relus.count(n.output(0))) {
        renames[n.output(0)] = n.input(0);
        continue;
      }
      *kept.Add() = n;
    }
    gp.mutable_node()->Swap(&kept);
    for (auto& n : *gp.mutable_node()) {
      for (auto& in : *n.mutable_input()) {
        auto it = renames.find(in);
        if (it != renames.end()) in = it->second;
      }
    }
  }

  // 2. Which activation tensors are quantised.
  for (const auto& layer : g.layers) {
    const std::string x = layer_input(g, layer);
    if (!quantised.count(x)) quantised[x] = range(x);
    bool output = false;
    for (const auto& o : gp.output()) output = output || o.name() == layer.output;
    if (!output && !quantised.count(layer.output)) quantised[layer.output] = range(layer.output);
  }

  // 3. Weights and biases: int8 / int32 initializers behind a DequantizeLinear named as the float
  // tensor was, so the layer nodes keep their inputs.
  std::vector<::onnx::NodeProto> weight_nodes;
  for (const auto& layer : g.layers) {
    ::onnx::NodeProto* node = nullptr;
    for (auto& n : *gp.mutable_node()) {
      if (n.output(0) == layer.output) node = &n;
    }
    FERKIT_CHECK(node, "int8 export: no node for layer " << layer.output);
    const ::onnx::TensorProto* wp = g.initializer(layer.weight);
    FERKIT_CHECK(wp && wp->data_type() == ::onnx::TensorProto::FLOAT,
                 "int8 export: layer " << layer.output << " weight " << layer.weight << " is not a float32 initializer");
    torch::Tensor w = tensor_from_proto(*wp).to(torch::kFloat64);
    torch::Tensor wc = w.movedim(layer.weight_axis, 0).reshape({w.size(layer.weight_axis), -1});
    torch::Tensor scale = wc.abs().amax(1) / 127.0;
    scale = torch::where(scale > 0, scale, torch::ones_like(scale));  // an all-zero channel
    std::vector<int64_t> view(static_cast<size_t>(w.dim()), 1);
    view[static_cast<size_t>(layer.weight_axis)] = -1;
    torch::Tensor wq = torch::round(w / scale.view(view)).clamp(-127, 127).to(torch::kInt8);
    const std::string base = layer.weight;
    // Remove the float weight, add int8 + scale + zero point.
    auto* inits = gp.mutable_initializer();
    for (int i = 0; i < inits->size(); ++i) {
      if (inits->Get(i).name() == base) {
        inits->DeleteSubrange(i, 1);
        break;
      }
    }
    g.roles.erase(base);
    const torch::Tensor scale32 = scale.to(torch::kFloat32);
    add_init(base + "/int8", wq, InitializerRole::kWeight);
    add_init(base + "/scale", scale32, InitializerRole::kConstant);
    add_init(base + "/zero_point", torch::zeros({scale.size(0)}, torch::kInt8), InitializerRole::kConstant);
    ::onnx::NodeProto dq = make_node("DequantizeLinear", {base + "/int8", base + "/scale", base + "/zero_point"}, base);
    set_attr(dq, "axis", layer.weight_axis);
    weight_nodes.push_back(dq);

    const std::string x = layer_input(g, layer);
    if (node->input_size() > 2 && layer.weight_axis == 0) {
      const std::string bname = node->input(2);
      const ::onnx::TensorProto* bp = g.initializer(bname);
      if (bp && bp->data_type() == ::onnx::TensorProto::FLOAT) {
        const double s_in = quantised.at(x).scale;
        torch::Tensor bscale = scale * s_in;
        torch::Tensor b = tensor_from_proto(*bp).to(torch::kFloat64);
        torch::Tensor bq = torch::round(b / bscale).clamp(-2147483647.0, 2147483647.0).to(torch::kInt32);
        for (int i = 0; i < inits->size(); ++i) {
          if (inits->Get(i).name() == bname) {
            inits->DeleteSubrange(i, 1);
            break;
          }
        }
        g.roles.erase(bname);
        add_init(bname + "/int32", bq, InitializerRole::kWeight);
        add_init(bname + "/scale", bscale.to(torch::kFloat32), InitializerRole::kConstant);
        add_init(bname + "/zero_point", torch::zeros({b.size(0)}, torch::kInt32), InitializerRole::kConstant);
        ::onnx::NodeProto bdq = make_node("DequantizeLinear", {bname + "/int32", bname + "/scale", bname + "/zero_point"}, bname);
        set_attr(bdq, "axis", int64_t{0});
        weight_nodes.push_back(bdq);
      }
    }
  }

  // 4. Q/DQ pairs right after each quantised tensor's producer; consumers read the DQ output.
  std::map<std::string, std::pair<std::string, std::string>> qparams;  // tensor -> (scale, zero point)
  for (const auto& [tensor, q] : quantised) {
    add_init(tensor + "/act_scale", torch::tensor(q.scale), InitializerRole::kConstant);
    add_init(tensor + "/act_zero_point", torch::tensor(static_cast<int64_t>(q.zero_point)).to(torch::kUInt8),
             InitializerRole::kConstant);
    qparams[tensor] = {tensor + "/act_scale", tensor + "/act_zero_point"};
  }
  auto qdq_for = [&](const std::string& t, google::protobuf::RepeatedPtrField<::onnx::NodeProto>& out) {
    const auto& [s, z] = qparams.at(t);
    *out.Add() = make_node("QuantizeLinear", {t, s, z}, t + "/q");
    *out.Add() = make_node("DequantizeLinear", {t + "/q", s, z}, t + "/dq");
  };
  google::protobuf::RepeatedPtrField<::onnx::NodeProto> nodes;
  for (auto& n : weight_nodes) *nodes.Add() = n;
  if (quantised.count(g.input_name)) qdq_for(g.input_name, nodes);
  for (const auto& n : gp.node()) {
    ::onnx::NodeProto copy = n;
    for (auto& in : *copy.mutable_input()) {
      if (quantised.count(in)) in += "/dq";
    }
    *nodes.Add() = copy;
    for (const auto& o : n.output()) {
      if (quantised.count(o)) qdq_for(o, nodes);
    }
  }
  gp.mutable_node()->Swap(&nodes);
  return static_cast<int>(g.layers.size());
}

}  // namespace ferkit::onnx_export
