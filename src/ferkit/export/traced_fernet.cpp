// FerNet -> a TorchScript graph of aten ops, with LibTorch's own tracer. Tracing (rather than a
// hand-written walk of each architecture) makes the exported graph exactly what FerNet::forward
// computes for every registered architecture, residual connections and all; aten_to_onnx.cpp then
// only has to know the ops.
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/remove_mutation.h>
#include <torch/torch.h>

#include "ferkit/console.h"
#include "ferkit/export/export_passes.h"

namespace ferkit::onnx_export {

std::shared_ptr<torch::jit::Graph> trace_fernet(FerNet& net, const torch::Tensor& example) {
  net->eval();
  // The tracer bakes tensors it meets as constants only when they do not require grad.
  std::vector<std::pair<torch::Tensor, bool>> saved;
  for (auto& p : net->parameters()) {
    saved.emplace_back(p, p.requires_grad());
    p.set_requires_grad(false);
  }
  std::shared_ptr<torch::jit::Graph> graph;
  try {
    auto fn = [&](torch::jit::Stack inputs) -> torch::jit::Stack {
      ModelOutput out = net->forward(inputs.at(0).toTensor());
      return {out.logits, out.features};
    };
    auto traced = torch::jit::tracer::trace({example}, fn, [](const torch::autograd::Variable&) { return std::string(); },
                                            /*strict=*/false, /*force_outplace=*/false);
    graph = traced.first->graph;
  } catch (...) {
    for (auto& [p, r] : saved) p.set_requires_grad(r);
    throw;
  }
  for (auto& [p, r] : saved) p.set_requires_grad(r);
  torch::jit::RemoveTensorMutation(graph);
  torch::jit::ConstantPropagation(graph);
  torch::jit::EliminateDeadCode(graph);
  if (verbosity() == Verbosity::kVerbose) debug("traced graph:\n" + graph->toString(false));
  return graph;
}

std::map<const void*, std::string> parameter_names(FerNet& net) {
  std::map<const void*, std::string> names;
  for (const auto& p : net->named_parameters(true)) names[p.value().data_ptr()] = p.key();
  for (const auto& b : net->named_buffers(true)) names[b.value().data_ptr()] = b.key();
  return names;
}

}  // namespace ferkit::onnx_export
