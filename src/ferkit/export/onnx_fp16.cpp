// fp16 export: weights stored as float16, each followed by a Cast to float32, so the file is half
// the size while inputs, outputs and arithmetic stay float32 (onnxruntime folds the Casts at load;
// fp16 arithmetic on CPUs without native fp16 would be slower, not faster). Numeric constants of
// decompositions (eps, LayerNorm centring weights) and scalars stay float32: eps^2 = 1e-24 would
// underflow in float16.
#include <torch/torch.h>

#include "ferkit/export/export_passes.h"

namespace ferkit::onnx_export {

int convert_weights_to_fp16(ExportedGraph& g) {
  constexpr double kFloat16Max = 65504.0;
  ::onnx::GraphProto& gp = g.graph();
  std::vector<::onnx::NodeProto> casts;
  int converted = 0;
  for (auto& init : *gp.mutable_initializer()) {
    auto role = g.roles.find(init.name());
    if (role == g.roles.end() || role->second != InitializerRole::kWeight) continue;
    if (init.data_type() != ::onnx::TensorProto::FLOAT) continue;
    torch::Tensor t = tensor_from_proto(init);
    if (t.numel() <= 1 || t.abs().max().item<double>() > kFloat16Max) continue;
    const std::string name = init.name();
    const std::string half = name + "/fp16";
    init = tensor_proto(half, t.to(torch::kFloat16));
    g.roles.erase(role);
    g.roles[half] = InitializerRole::kWeight;
    ::onnx::NodeProto cast;
    cast.set_op_type("Cast");
    cast.set_name(name);
    cast.add_input(half);
    cast.add_output(name);
    set_attr(cast, "to", static_cast<int64_t>(::onnx::TensorProto::FLOAT));
    casts.push_back(std::move(cast));
    ++converted;
  }
  // The Casts go first so that every use follows its producer (ONNX requires topological order).
  google::protobuf::RepeatedPtrField<::onnx::NodeProto> nodes;
  for (auto& c : casts) *nodes.Add() = std::move(c);
  for (auto& n : *gp.mutable_node()) *nodes.Add() = std::move(n);
  gp.mutable_node()->Swap(&nodes);
  return converted;
}

}  // namespace ferkit::onnx_export
