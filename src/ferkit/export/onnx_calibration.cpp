// Activation ranges for int8: the traced graph run by TorchScript's interpreter on calibration
// batches, with every tensor the int8 pass quantises added as an extra graph output. The traced
// graph computes exactly what the float ONNX graph does (the export tests hold them to 1e-4), so its
// ranges are the ONNX tensors' ranges; a Conv whose BatchNorm was folded maps to the BatchNorm's
// output.
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/interpreter.h>
#include <torch/torch.h>

#include "ferkit/error.h"
#include "ferkit/export/export_passes.h"

namespace ferkit::onnx_export {
namespace {

const ::onnx::NodeProto* producer(const ::onnx::GraphProto& g, const std::string& tensor) {
  for (const auto& n : g.node()) {
    for (const auto& o : n.output()) {
      if (o == tensor) return &n;
    }
  }
  return nullptr;
}

std::vector<const ::onnx::NodeProto*> consumers(const ::onnx::GraphProto& g, const std::string& tensor) {
  std::vector<const ::onnx::NodeProto*> out;
  for (const auto& n : g.node()) {
    for (const auto& i : n.input()) {
      if (i == tensor) {
        out.push_back(&n);
        break;
      }
    }
  }
  return out;
}

bool is_graph_output(const ::onnx::GraphProto& g, const std::string& tensor) {
  for (const auto& o : g.output()) {
    if (o.name() == tensor) return true;
  }
  return false;
}

}  // namespace

std::string relu_after(const ExportedGraph& g, const LayerNode& layer) {
  const auto& gp = g.model.graph();
  if (is_graph_output(gp, layer.output)) return "";
  auto users = consumers(gp, layer.output);
  if (users.size() != 1 || users[0]->op_type() != "Relu") return "";
  return users[0]->output(0);
}

std::string layer_input(const ExportedGraph& g, const LayerNode& layer) {
  const ::onnx::NodeProto* p = producer(g.model.graph(), layer.output);
  FERKIT_CHECK(p, "onnx export: no node produces layer output " << layer.output);
  return p->input(0);
}

std::vector<std::string> tensors_to_calibrate(const ExportedGraph& g) {
  std::vector<std::string> names;
  auto add = [&](const std::string& t) {
    if (std::find(names.begin(), names.end(), t) == names.end()) names.push_back(t);
  };
  for (const auto& layer : g.layers) {
    add(layer_input(g, layer));
    if (is_graph_output(g.model.graph(), layer.output)) continue;  // outputs stay float
    const std::string relu = relu_after(g, layer);
    add(relu.empty() ? layer.output : relu);
  }
  return names;
}

CalibrationResult calibrate(ExportedGraph& g, const std::vector<torch::Tensor>& batches, const std::string& method,
                            double percentile) {
  FERKIT_CHECK(method == "minmax" || method == "percentile",
               "int8 calibration method: expected minmax or percentile, got '" << method << "'");
  FERKIT_CHECK(percentile > 50 && percentile <= 100, "int8 calibration percentile: expected (50, 100], got " << percentile);
  FERKIT_CHECK(!batches.empty(), "int8 calibration: expected at least one calibration batch, got none");
  const std::vector<std::string> names = tensors_to_calibrate(g);
  std::shared_ptr<torch::jit::Graph> graph = g.traced;
  const size_t base = graph->outputs().size();
  for (const auto& name : names) {
    torch::jit::Value* v = name == g.input_name ? graph->inputs()[0] : nullptr;
    if (!v) {
      auto it = g.traced_values.find(name);
      FERKIT_CHECK(it != g.traced_values.end(), "int8 calibration: tensor " << name << " has no traced value");
      v = it->second;
    }
    graph->registerOutput(v);
  }
  CalibrationResult result;
  std::map<std::string, std::pair<double, double>> sums;  // percentile: sums of per-batch bounds
  try {
    torch::jit::Code code(graph, "calibration");
    torch::InferenceMode guard;
    for (const auto& batch : batches) {
      torch::jit::Stack stack{batch};
      torch::jit::InterpreterState(code).run(stack);
      FERKIT_CHECK(stack.size() == base + names.size(), "int8 calibration: expected " << base + names.size()
                                                                                      << " graph outputs, got " << stack.size());
      for (size_t i = 0; i < names.size(); ++i) {
        torch::Tensor t = stack[base + i].toTensor().flatten();
        double lo, hi;
        if (method == "minmax") {
          lo = t.min().item<double>();
          hi = t.max().item<double>();
        } else {
          // Subsample large tensors evenly (kthvalue on millions of values is slow, not better).
          const int64_t keep = 1 << 18;
          if (t.numel() > keep) t = t.slice(0, 0, t.numel(), t.numel() / keep);
          const int64_t n = t.numel();
          const auto k_hi = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(percentile / 100.0 * n)), 1, n);
          const auto k_lo = std::clamp<int64_t>(n - k_hi + 1, 1, n);
          lo = std::get<0>(t.kthvalue(k_lo)).item<double>();
          hi = std::get<0>(t.kthvalue(k_hi)).item<double>();
        }
        auto& r = result.ranges[names[i]];
        if (method == "minmax") {
          const bool first = result.images == 0;
          r.min = first ? static_cast<float>(lo) : std::min(r.min, static_cast<float>(lo));
          r.max = first ? static_cast<float>(hi) : std::max(r.max, static_cast<float>(hi));
        } else {
          sums[names[i]].first += lo;
          sums[names[i]].second += hi;
        }
      }
      result.images += batch.size(0);
    }
  } catch (...) {
    while (graph->outputs().size() > base) graph->eraseOutput(graph->outputs().size() - 1);
    throw;
  }
  while (graph->outputs().size() > base) graph->eraseOutput(graph->outputs().size() - 1);
  if (method == "percentile") {
    const double nb = static_cast<double>(batches.size());
    for (const auto& [name, s] : sums) result.ranges[name] = {static_cast<float>(s.first / nb), static_cast<float>(s.second / nb)};
  }
  return result;
}

}  // namespace ferkit::onnx_export
