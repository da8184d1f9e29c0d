// aten graph (traced_fernet.cpp) -> ONNX nodes. One handler per aten op, in one explicit table.
//
// Choices, each for OpenCV DNN 4.6 (which rejects some valid ONNX) without costing onnxruntime:
//  - BatchNorm after a convolution is folded into its weights (fewer ops; optional).
//  - Channels-last regions (ConvNeXt: permute(0,2,3,1) -> LayerNorm -> Linear -> GELU -> Linear ->
//    permute(0,3,1,2)) stay NCHW: a value that is permute(T, 0,2,3,1) of an emitted tensor T is
//    tracked as a view of T, Linear on it becomes a 1x1 Conv and LayerNorm normalises axis 1; a
//    Transpose is emitted only when another op needs the permuted layout.
//  - LayerNorm over channels is decomposed with 1x1 convolutions: d = Conv(x, I - 1/C) is x minus
//    its channel mean and Conv(d*d, 1/C) its variance, already broadcast to C channels (OpenCV 4.6
//    cannot broadcast a reduced [N,1,H,W] tensor back; LayerNormalization needs opset 17).
//  - The L2 normalisation x / max(||x||, eps) becomes x / sqrt(sum(x^2) + eps^2) (OpenCV 4.6 has
//    no Max with a constant nor Clip with inputs); equal in float32 unless ||x|| is within a few
//    eps of zero, and 0 for a zero vector as in torch.
//  - HardSwish is HardSigmoid * x below opset 14; GELU is 0.5 x (1 + erf(x / sqrt 2)); SiLU is
//    x * sigmoid(x). No Identity node is ever emitted: aliases reuse the tensor name.
#include <cmath>

#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/torch.h>

#include "ferkit/error.h"
#include "ferkit/export/export_passes.h"

namespace ferkit::onnx_export {
namespace {

namespace jit = torch::jit;

// An emitted tensor; nhwc: the torch value is permute(<name>, 0, 2, 3, 1) of the NCHW tensor.
struct Emitted {
  std::string name;
  bool nhwc = false;
};

struct DeferredNorm {
  std::string input;
  std::vector<int64_t> axes;
  bool keepdims = true;
};

std::string describe(jit::Node* n) {
  std::ostringstream os;
  os << n->kind().toQualString() << "(";
  for (size_t i = 0; i < n->inputs().size(); ++i) {
    jit::Value* v = n->inputs()[i];
    if (i) os << ", ";
    if (auto t = v->type()->cast<c10::TensorType>()) {
      auto s = t->sizes().concrete_sizes();
      os << "tensor[";
      if (s) {
        for (size_t k = 0; k < s->size(); ++k) os << (k ? "," : "") << (*s)[k];
      }
      os << "]";
    } else if (auto iv = jit::toIValue(v)) {
      os << *iv;
    } else {
      os << v->type()->str();
    }
  }
  os << ")";
  return os.str();
}

class AtenToOnnx {
 public:
  AtenToOnnx(ExportedGraph& g, const std::map<const void*, std::string>& names, const ConversionOptions& o)
      : g_(g), b_(g), names_(names), o_(o) {}

  void run(const std::shared_ptr<jit::Graph>& graph);

 private:
  using Handler = void (AtenToOnnx::*)(jit::Node*);
  static const std::map<std::string, Handler>& table();

  // --- values -------------------------------------------------------------------------------
  [[noreturn]] void unsupported(jit::Node* n, const std::string& why) {
    throw Error("onnx export: " + describe(n), why, "");
  }
  c10::optional<c10::IValue> constant(jit::Value* v) {
    if (auto iv = jit::toIValue(v)) return iv;
    if (v->node()->kind() == c10::prim::ListConstruct) {
      std::vector<int64_t> ints;
      for (jit::Value* e : v->node()->inputs()) {
        auto iv = jit::toIValue(e);
        if (!iv || !iv->isInt()) return c10::nullopt;
        ints.push_back(iv->toInt());
      }
      return c10::IValue(ints);
    }
    return c10::nullopt;
  }
  bool is_none(jit::Value* v) { return v->type()->kind() == c10::TypeKind::NoneType; }
  std::vector<int64_t> ints(jit::Node* n, size_t i) {
    auto iv = constant(n->input(i));
    if (!iv || !iv->isIntList()) unsupported(n, "a constant integer list as input " + std::to_string(i));
    return iv->toIntVector();
  }
  int64_t integer(jit::Node* n, size_t i) {
    auto iv = constant(n->input(i));
    if (!iv || !iv->isInt()) unsupported(n, "a constant integer as input " + std::to_string(i));
    return iv->toInt();
  }
  double number(jit::Node* n, size_t i) {
    auto iv = constant(n->input(i));
    if (!iv || !(iv->isDouble() || iv->isInt())) unsupported(n, "a constant number as input " + std::to_string(i));
    return iv->isDouble() ? iv->toDouble() : static_cast<double>(iv->toInt());
  }
  bool flag(jit::Node* n, size_t i) {
    auto iv = constant(n->input(i));
    if (!iv || !iv->isBool()) unsupported(n, "a constant bool as input " + std::to_string(i));
    return iv->toBool();
  }
  bool is_constant_tensor(jit::Value* v) {
    auto iv = jit::toIValue(v);
    return iv && iv->isTensor();
  }
  torch::Tensor tensor(jit::Node* n, size_t i) {
    auto iv = jit::toIValue(n->input(i));
    if (!iv || !iv->isTensor()) unsupported(n, "a constant tensor (a weight) as input " + std::to_string(i));
    return iv->toTensor();
  }
  std::vector<int64_t> sizes(jit::Value* v) {
    auto t = v->type()->cast<c10::TensorType>();
    auto s = t ? t->sizes().concrete_sizes() : c10::nullopt;
    FERKIT_CHECK(s, "onnx export: no traced shape for value %" << v->debugName());
    return *s;
  }
  // The FerNet name of a weight (by storage), or hint.
  std::string weight_name(const torch::Tensor& t, const std::string& hint) {
    auto it = names_.find(t.data_ptr());
    return it != names_.end() ? it->second : hint;
  }
  std::string weight(const torch::Tensor& t, const std::string& name) {
    return b_.initializer(name, t.to(torch::kFloat32), InitializerRole::kWeight);
  }
  // A tensor input in NCHW (views materialised, constants as initializers).
  std::string in(jit::Value* v) {
    auto it = emitted_.find(v);
    if (it != emitted_.end()) {
      if (!it->second.nhwc) return it->second.name;
      auto m = materialised_.find(v);
      if (m != materialised_.end()) return m->second;
      std::string t = b_.node("Transpose", {it->second.name});
      set_attr(b_.last(), "perm", std::vector<int64_t>{0, 2, 3, 1});
      materialised_[v] = t;
      return t;
    }
    auto iv = jit::toIValue(v);
    if (iv && iv->isTensor()) {
      auto c = constants_.find(v);
      if (c != constants_.end()) return c->second;
      torch::Tensor t = iv->toTensor();
      std::string name = weight(t, weight_name(t, "const"));
      constants_[v] = name;
      return name;
    }
    if (iv && (iv->isDouble() || iv->isInt())) return b_.scalar(static_cast<float>(iv->isDouble() ? iv->toDouble() : iv->toInt()));
    throw Error("onnx export: value %" + v->debugName(), "an emitted tensor or a constant",
                "one produced by " + std::string(v->node()->kind().toQualString()));
  }
  const Emitted* emitted(jit::Value* v) {
    auto it = emitted_.find(v);
    return it == emitted_.end() ? nullptr : &it->second;
  }
  // Records what v is in the ONNX graph. traced_values keeps the torch value of each tensor for
  // calibration (per-tensor ranges do not depend on the layout).
  void set(jit::Value* v, const std::string& name, bool nhwc = false) {
    emitted_[v] = Emitted{name, nhwc};
    g_.traced_values[name] = v;
  }
  void alias(jit::Value* out, jit::Value* src) {
    if (const Emitted* e = emitted(src)) {
      emitted_[out] = *e;
    } else {
      set(out, in(src));
    }
  }
  jit::Node* sole_user(jit::Value* v, const char* kind) {
    if (v->uses().size() != 1) return nullptr;
    jit::Node* u = v->uses()[0].user;
    return std::string(u->kind().toQualString()) == kind ? u : nullptr;
  }

  // --- handlers -----------------------------------------------------------------------------
  void conv2d(jit::Node* n);
  void batch_norm(jit::Node* n);
  void linear(jit::Node* n);
  void addmm(jit::Node* n);
  void matmul(jit::Node* n);
  // A layer y = x W^T + b (W [out, in]) on the value x, for linear/addmm/matmul.
  void emit_linear(jit::Node* n, jit::Value* x, jit::Value* out, torch::Tensor w, torch::Tensor bias, const std::string& name);
  void layer_norm(jit::Node* n);
  void unary(jit::Node* n);
  void binary(jit::Node* n);
  void permute(jit::Node* n);
  void adaptive_avg_pool2d(jit::Node* n);
  void max_pool2d(jit::Node* n);
  void flatten(jit::Node* n);
  void passthrough(jit::Node* n);
  void dropout(jit::Node* n);
  void norm(jit::Node* n);
  void clamp_min(jit::Node* n);
  void expand_as(jit::Node* n);

  // Emits a unary activation on name; returns the output.
  std::string activation(const std::string& kind, jit::Node* n, const std::string& x);
  std::string channel_layer_norm(const std::string& x, const torch::Tensor& w, const torch::Tensor& b, double eps,
                                 const std::string& prefix);

  ExportedGraph& g_;
  OnnxGraphBuilder b_;
  const std::map<const void*, std::string>& names_;
  ConversionOptions o_;
  std::map<jit::Value*, Emitted> emitted_;
  std::map<jit::Value*, std::string> materialised_;
  std::map<jit::Value*, std::string> constants_;
  std::map<jit::Value*, DeferredNorm> deferred_norms_;
  std::set<jit::Node*> absorbed_;
};

const std::map<std::string, AtenToOnnx::Handler>& AtenToOnnx::table() {
  static const std::map<std::string, Handler> t = {
      {"aten::conv2d", &AtenToOnnx::conv2d},
      {"aten::_convolution", &AtenToOnnx::conv2d},
      {"aten::addmm", &AtenToOnnx::addmm},
      {"aten::matmul", &AtenToOnnx::matmul},
      {"aten::batch_norm", &AtenToOnnx::batch_norm},
      {"aten::linear", &AtenToOnnx::linear},
      {"aten::layer_norm", &AtenToOnnx::layer_norm},
      {"aten::relu", &AtenToOnnx::unary},
      {"aten::relu_", &AtenToOnnx::unary},
      {"aten::sigmoid", &AtenToOnnx::unary},
      {"aten::sigmoid_", &AtenToOnnx::unary},
      {"aten::hardsigmoid", &AtenToOnnx::unary},
      {"aten::hardsigmoid_", &AtenToOnnx::unary},
      {"aten::hardswish", &AtenToOnnx::unary},
      {"aten::hardswish_", &AtenToOnnx::unary},
      {"aten::silu", &AtenToOnnx::unary},
      {"aten::silu_", &AtenToOnnx::unary},
      {"aten::gelu", &AtenToOnnx::unary},
      {"aten::add", &AtenToOnnx::binary},
      {"aten::add_", &AtenToOnnx::binary},
      {"aten::sub", &AtenToOnnx::binary},
      {"aten::sub_", &AtenToOnnx::binary},
      {"aten::mul", &AtenToOnnx::binary},
      {"aten::mul_", &AtenToOnnx::binary},
      {"aten::div", &AtenToOnnx::binary},
      {"aten::div_", &AtenToOnnx::binary},
      {"aten::permute", &AtenToOnnx::permute},
      {"aten::adaptive_avg_pool2d", &AtenToOnnx::adaptive_avg_pool2d},
      {"aten::max_pool2d", &AtenToOnnx::max_pool2d},
      {"aten::flatten", &AtenToOnnx::flatten},
      {"aten::contiguous", &AtenToOnnx::passthrough},
      {"aten::detach", &AtenToOnnx::passthrough},
      {"aten::clone", &AtenToOnnx::passthrough},
      {"aten::dropout", &AtenToOnnx::dropout},
      {"aten::dropout_", &AtenToOnnx::dropout},
      {"aten::feature_dropout", &AtenToOnnx::dropout},
      {"aten::norm", &AtenToOnnx::norm},
      {"aten::clamp_min", &AtenToOnnx::clamp_min},
      {"aten::expand_as", &AtenToOnnx::expand_as},
  };
  return t;
}

void AtenToOnnx::conv2d(jit::Node* n) {
  // aten::conv2d(x, w, b, stride, padding, dilation, groups), or what the tracer records below it:
  // aten::_convolution(x, w, b, stride, padding, dilation, transposed, output_padding, groups, ...).
  const bool low_level = n->kind() == c10::Symbol::fromQualString("aten::_convolution");
  if (low_level && flag(n, 6)) unsupported(n, "a convolution that is not transposed");
  const std::string x = in(n->input(0));
  torch::Tensor w = tensor(n, 1);
  torch::Tensor bias = is_none(n->input(2)) ? torch::Tensor() : tensor(n, 2);
  auto pair = [](std::vector<int64_t> v) {
    if (v.size() == 1) v.push_back(v[0]);
    return v;
  };
  const std::vector<int64_t> stride = pair(ints(n, 3)), padding = pair(ints(n, 4)), dilation = pair(ints(n, 5));
  const int64_t groups = integer(n, low_level ? 8 : 6);
  if (w.dim() != 4 || stride.size() != 2 || padding.size() != 2 || dilation.size() != 2) unsupported(n, "a 2-D convolution");
  std::string name = weight_name(w, "conv.weight");
  const std::string prefix = name.size() > 7 && name.substr(name.size() - 7) == ".weight" ? name.substr(0, name.size() - 7) : name;
  jit::Value* out = n->output();

  jit::Node* bn = o_.fold_batchnorm ? sole_user(out, "aten::batch_norm") : nullptr;
  if (bn && !(is_constant_tensor(bn->input(1)) && is_constant_tensor(bn->input(2)) && is_constant_tensor(bn->input(3)) &&
              is_constant_tensor(bn->input(4)) && !flag(bn, 5))) {
    bn = nullptr;
  }
  std::string wname = name, bname = prefix + ".bias";
  if (bn) {
    // W' = W * g / sqrt(v + eps); b' = (b - m) * g / sqrt(v + eps) + beta, in double.
    torch::Tensor gamma = tensor(bn, 1).to(torch::kFloat64), beta = tensor(bn, 2).to(torch::kFloat64);
    torch::Tensor mean = tensor(bn, 3).to(torch::kFloat64), var = tensor(bn, 4).to(torch::kFloat64);
    const double eps = number(bn, 7);
    torch::Tensor scale = gamma / torch::sqrt(var + eps);
    torch::Tensor b0 = bias.defined() ? bias.to(torch::kFloat64) : torch::zeros_like(mean);
    w = w.to(torch::kFloat64) * scale.view({-1, 1, 1, 1});
    bias = (b0 - mean) * scale + beta;
    absorbed_.insert(bn);
    out = bn->output();
    wname = prefix + ".weight+bn";
    bname = prefix + ".bias+bn";
    ++g_.folded_batchnorms;
  }
  std::vector<std::string> inputs = {x, weight(w, wname)};
  if (bias.defined()) inputs.push_back(weight(bias, bname));
  std::string y = b_.node("Conv", inputs);
  auto& node = b_.last();
  set_attr(node, "kernel_shape", std::vector<int64_t>{w.size(2), w.size(3)});
  set_attr(node, "strides", stride);
  set_attr(node, "pads", std::vector<int64_t>{padding[0], padding[1], padding[0], padding[1]});
  set_attr(node, "dilations", dilation);
  set_attr(node, "group", groups);
  g_.layers.push_back(LayerNode{y, inputs[1], 0});
  set(out, y);
}

void AtenToOnnx::batch_norm(jit::Node* n) {
  if (flag(n, 5)) unsupported(n, "batch_norm in eval mode (training=false)");
  const std::string x = in(n->input(0));
  torch::Tensor mean = tensor(n, 3), var = tensor(n, 4);
  torch::Tensor gamma = is_none(n->input(1)) ? torch::ones_like(mean) : tensor(n, 1);
  torch::Tensor beta = is_none(n->input(2)) ? torch::zeros_like(mean) : tensor(n, 2);
  const std::string prefix = weight_name(mean, "bn.running_mean");
  std::string y = b_.node("BatchNormalization", {x, weight(gamma, weight_name(gamma, prefix + ".weight")),
                                                  weight(beta, weight_name(beta, prefix + ".bias")),
                                                  weight(mean, prefix), weight(var, weight_name(var, prefix + ".var"))});
  set_attr(b_.last(), "epsilon", static_cast<float>(number(n, 7)));
  set(n->output(), y);
}

void AtenToOnnx::linear(jit::Node* n) {
  torch::Tensor w = tensor(n, 1);
  torch::Tensor bias = is_none(n->input(2)) ? torch::Tensor() : tensor(n, 2);
  emit_linear(n, n->input(0), n->output(), w, bias, weight_name(w, "linear.weight"));
}

void AtenToOnnx::addmm(jit::Node* n) {
  // torch's linear on a 2-D input with a bias: addmm(b, x, W^T, beta, alpha).
  if (number(n, 3) != 1.0 || number(n, 4) != 1.0) unsupported(n, "addmm with beta = alpha = 1");
  torch::Tensor wt = tensor(n, 2);
  if (wt.dim() != 2) unsupported(n, "a 2-D weight");
  emit_linear(n, n->input(1), n->output(), wt.t(), tensor(n, 0), weight_name(wt, "linear.weight"));
}

void AtenToOnnx::matmul(jit::Node* n) {
  // torch's linear without a bias, or on a tensor of rank > 2: matmul(x, W^T) [+ add(b)].
  torch::Tensor wt = tensor(n, 1);
  if (wt.dim() != 2) unsupported(n, "a constant 2-D right operand (a linear layer)");
  torch::Tensor bias;
  jit::Value* out = n->output();
  if (jit::Node* add = sole_user(out, "aten::add")) {
    if (add->input(0) == out && is_constant_tensor(add->input(1)) && number(add, 2) == 1.0) {
      torch::Tensor b = tensor(add, 1);
      if (b.dim() == 1 && b.size(0) == wt.size(1)) {
        bias = b;
        absorbed_.insert(add);
        out = add->output();
      }
    }
  }
  emit_linear(n, n->input(0), out, wt.t(), bias, weight_name(wt, "linear.weight"));
}

void AtenToOnnx::emit_linear(jit::Node* n, jit::Value* xv, jit::Value* out, torch::Tensor w, torch::Tensor bias,
                             const std::string& name) {
  w = w.contiguous();
  const std::string prefix = name.size() > 7 && name.substr(name.size() - 7) == ".weight" ? name.substr(0, name.size() - 7) : name;
  const Emitted* e = emitted(xv);
  if (e && e->nhwc) {
    // Linear over the channels of a channels-last view = 1x1 convolution on the NCHW tensor.
    std::vector<std::string> inputs = {e->name, weight(w.reshape({w.size(0), w.size(1), 1, 1}), name)};
    if (bias.defined()) inputs.push_back(weight(bias, prefix + ".bias"));
    std::string y = b_.node("Conv", inputs);
    set_attr(b_.last(), "kernel_shape", std::vector<int64_t>{1, 1});
    g_.layers.push_back(LayerNode{y, inputs[1], 0});
    set(out, y, true);
    return;
  }
  const std::vector<int64_t> xs = sizes(xv);
  const std::string x = in(xv);
  if (xs.size() == 2) {
    // Gemm always gets a bias (zeros for a bias-free layer such as the cosine head): OpenCV 4.6
    // and onnxruntime both handle the three-input form.
    if (!bias.defined()) bias = torch::zeros({w.size(0)});
    std::vector<std::string> inputs = {x, weight(w, name), weight(bias, prefix + ".bias")};
    std::string y = b_.node("Gemm", inputs);
    set_attr(b_.last(), "transB", int64_t{1});
    g_.layers.push_back(LayerNode{y, inputs[1], 0});
    set(out, y);
    return;
  }
  std::string wt = weight(w.t().contiguous(), name + "^T");
  std::string y = b_.node("MatMul", {x, wt});
  g_.layers.push_back(LayerNode{y, wt, 1});
  if (bias.defined()) y = b_.node("Add", {y, weight(bias, prefix + ".bias")});
  set(out, y);
}

std::string AtenToOnnx::channel_layer_norm(const std::string& x, const torch::Tensor& w, const torch::Tensor& b,
                                           double eps, const std::string& prefix) {
  const int64_t c = w.size(0);
  torch::Tensor mean_weights = torch::full({c, c, 1, 1}, 1.0 / static_cast<double>(c), torch::kFloat64);
  torch::Tensor centre_weights = torch::eye(c, torch::kFloat64).view({c, c, 1, 1}) - mean_weights;
  auto conv1x1 = [&](const std::vector<std::string>& inputs, int64_t group) {
    std::string y = b_.node("Conv", inputs);
    set_attr(b_.last(), "kernel_shape", std::vector<int64_t>{1, 1});
    if (group != 1) set_attr(b_.last(), "group", group);
    return y;
  };
  std::string d = conv1x1({x, b_.initializer(b_.fresh("layernorm_centre"), centre_weights.to(torch::kFloat32), InitializerRole::kConstant)}, 1);
  std::string d2 = b_.node("Mul", {d, d});
  std::string var = conv1x1({d2, b_.initializer(b_.fresh("layernorm_mean"), mean_weights.to(torch::kFloat32), InitializerRole::kConstant)}, 1);
  std::string sd = b_.node("Sqrt", {b_.node("Add", {var, b_.scalar(static_cast<float>(eps))})});
  std::string normed = b_.node("Div", {d, sd});
  // The affine part as a depthwise 1x1 convolution: one op where Mul + Add would be two.
  return conv1x1({normed, weight(w.reshape({c, 1, 1, 1}), prefix + ".weight"), weight(b, prefix + ".bias")}, c);
}

void AtenToOnnx::layer_norm(jit::Node* n) {
  const std::vector<int64_t> shape = ints(n, 1);
  const std::vector<int64_t> xs = sizes(n->input(0));
  if (shape.size() != 1 || xs.empty() || shape[0] != xs.back()) unsupported(n, "layer_norm over the last dimension only");
  const int64_t c = shape[0];
  torch::Tensor w = is_none(n->input(2)) ? torch::ones({c}) : tensor(n, 2);
  torch::Tensor bias = is_none(n->input(3)) ? torch::zeros({c}) : tensor(n, 3);
  const double eps = number(n, 4);
  std::string name = weight_name(w, "layernorm.weight");
  const std::string prefix = name.size() > 7 && name.substr(name.size() - 7) == ".weight" ? name.substr(0, name.size() - 7) : name;
  const Emitted* e = emitted(n->input(0));
  if (e && e->nhwc) {
    set(n->output(), channel_layer_norm(e->name, w, bias, eps, prefix), true);
    return;
  }
  if (xs.size() == 4) {
    // [N,C,H,W] normalised over W would need a transpose; no FerNet does this.
    unsupported(n, "layer_norm on a channels-last view or a 2-D/3-D tensor");
  }
  // Plain decomposition over the last axis (opset 13 has no LayerNormalization).
  const std::string x = in(n->input(0));
  auto reduce_mean = [&](const std::string& v) {
    std::string y = b_.node("ReduceMean", {v});
    set_attr(b_.last(), "axes", std::vector<int64_t>{-1});
    set_attr(b_.last(), "keepdims", int64_t{1});
    return y;
  };
  std::string d = b_.node("Sub", {x, reduce_mean(x)});
  std::string var = reduce_mean(b_.node("Mul", {d, d}));
  std::string normed = b_.node("Div", {d, b_.node("Sqrt", {b_.node("Add", {var, b_.scalar(static_cast<float>(eps))})})});
  std::string y = b_.node("Mul", {normed, weight(w, prefix + ".weight")});
  set(n->output(), b_.node("Add", {y, weight(bias, prefix + ".bias")}));
}

std::string AtenToOnnx::activation(const std::string& kind, jit::Node* n, const std::string& x) {
  if (kind == "relu") return b_.node("Relu", {x});
  if (kind == "sigmoid") return b_.node("Sigmoid", {x});
  if (kind == "hardsigmoid" || (kind == "hardswish" && o_.opset < 14)) {
    // clip(x/6 + 1/2, 0, 1) = Relu(x/6 + 1/2) - Relu(x/6 - 1/2): OpenCV 4.6's HardSigmoid disagrees
    // with torch's; Relu, Mul, Add and Sub it computes exactly.
    std::string s = b_.node("Mul", {x, b_.scalar(1.0f / 6.0f)});
    std::string h = b_.node("Sub", {b_.node("Relu", {b_.node("Add", {s, b_.scalar(0.5f)})}),
                                    b_.node("Relu", {b_.node("Sub", {s, b_.scalar(0.5f)})})});
    return kind == "hardsigmoid" ? h : b_.node("Mul", {x, h});
  }
  if (kind == "hardswish") return b_.node("HardSwish", {x});
  if (kind == "silu") return b_.node("Mul", {x, b_.node("Sigmoid", {x})});
  if (kind == "gelu") {
    const std::string approximate = n->inputs().size() > 1 ? constant(n->input(1))->toStringRef() : "none";
    if (approximate != "none") unsupported(n, "gelu with approximate='none'");
    std::string e = b_.node("Erf", {b_.node("Mul", {x, b_.scalar(static_cast<float>(0.70710678118654752440))})});
    std::string half_x = b_.node("Mul", {x, b_.scalar(0.5f)});
    return b_.node("Mul", {half_x, b_.node("Add", {e, b_.scalar(1.0f)})});
  }
  unsupported(n, "a known activation");
}

void AtenToOnnx::unary(jit::Node* n) {
  std::string kind = n->kind().toUnqualString();
  if (!kind.empty() && kind.back() == '_') kind.pop_back();
  const Emitted* e = emitted(n->input(0));
  // Elementwise: a channels-last view stays a view.
  const bool nhwc = e && e->nhwc;
  const std::string x = nhwc ? e->name : in(n->input(0));
  set(n->output(), activation(kind, n, x), nhwc);
}

void AtenToOnnx::binary(jit::Node* n) {
  std::string kind = n->kind().toUnqualString();
  if (!kind.empty() && kind.back() == '_') kind.pop_back();
  const bool has_alpha = kind == "add" || kind == "sub";
  if (has_alpha && n->inputs().size() > 2 && number(n, 2) != 1.0) unsupported(n, "alpha = 1");
  if (kind == "div" && n->inputs().size() > 2 && !is_none(n->input(2))) unsupported(n, "true division (no rounding mode)");
  const std::string op = kind == "add" ? "Add" : kind == "sub" ? "Sub" : kind == "mul" ? "Mul" : "Div";
  const Emitted* a = emitted(n->input(0));
  const Emitted* b = emitted(n->input(1));
  auto scalar_operand = [&](jit::Value* v) {
    auto iv = jit::toIValue(v);
    return iv && (iv->isDouble() || iv->isInt() || (iv->isTensor() && iv->toTensor().numel() == 1));
  };
  // Both views, or a view and a scalar: compute on the NCHW tensors, the result is a view.
  if (a && a->nhwc && ((b && b->nhwc) || scalar_operand(n->input(1)))) {
    set(n->output(), b_.node(op, {a->name, b ? b->name : in(n->input(1))}), true);
    return;
  }
  if (b && b->nhwc && scalar_operand(n->input(0))) {
    set(n->output(), b_.node(op, {in(n->input(0)), b->name}), true);
    return;
  }
  // A view and a per-channel constant [C] (broadcast over the last axis): [C, 1, 1] on NCHW.
  if (a && a->nhwc && is_constant_tensor(n->input(1))) {
    torch::Tensor c = tensor(n, 1);
    const std::vector<int64_t> xs = sizes(n->input(0));
    if (c.dim() == 1 && xs.size() == 4 && c.size(0) == xs[3]) {
      std::string k = weight(c.reshape({c.size(0), 1, 1}), weight_name(c, "channel_const"));
      set(n->output(), b_.node(op, {a->name, k}), true);
      return;
    }
  }
  set(n->output(), b_.node(op, {in(n->input(0)), in(n->input(1))}));
}

void AtenToOnnx::permute(jit::Node* n) {
  const std::vector<int64_t> dims = ints(n, 1);
  const Emitted* e = emitted(n->input(0));
  if (e && !e->nhwc && dims == std::vector<int64_t>{0, 2, 3, 1}) {
    emitted_[n->output()] = Emitted{e->name, true};
    return;
  }
  if (e && e->nhwc && dims == std::vector<int64_t>{0, 3, 1, 2}) {
    set(n->output(), e->name);
    return;
  }
  std::string y = b_.node("Transpose", {in(n->input(0))});
  set_attr(b_.last(), "perm", dims);
  set(n->output(), y);
}

void AtenToOnnx::adaptive_avg_pool2d(jit::Node* n) {
  if (ints(n, 1) != std::vector<int64_t>{1, 1}) unsupported(n, "adaptive_avg_pool2d to 1x1 (GlobalAveragePool)");
  set(n->output(), b_.node("GlobalAveragePool", {in(n->input(0))}));
}

void AtenToOnnx::max_pool2d(jit::Node* n) {
  // aten accepts one value for both spatial dimensions (max_pool2d(x, 3, 2, 1)).
  auto pair = [](std::vector<int64_t> v) {
    if (v.size() == 1) v.push_back(v[0]);
    return v;
  };
  const std::vector<int64_t> kernel = pair(ints(n, 1));
  std::vector<int64_t> stride = pair(ints(n, 2));
  const std::vector<int64_t> padding = pair(ints(n, 3)), dilation = pair(ints(n, 4));
  if (stride.empty()) stride = kernel;
  if (kernel.size() != 2 || stride.size() != 2 || padding.size() != 2 || dilation.size() != 2) {
    unsupported(n, "2-D max pooling parameters");
  }
  std::string y = b_.node("MaxPool", {in(n->input(0))});
  auto& node = b_.last();
  set_attr(node, "kernel_shape", kernel);
  set_attr(node, "strides", stride);
  set_attr(node, "pads", std::vector<int64_t>{padding[0], padding[1], padding[0], padding[1]});
  if (dilation != std::vector<int64_t>{1, 1}) set_attr(node, "dilations", dilation);
  if (flag(n, 5)) set_attr(node, "ceil_mode", int64_t{1});
  set(n->output(), y);
}

void AtenToOnnx::flatten(jit::Node* n) {
  const int64_t rank = static_cast<int64_t>(sizes(n->input(0)).size());
  int64_t start = integer(n, 1), end = integer(n, 2);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  if (start == end) {
    alias(n->output(), n->input(0));
    return;
  }
  if (start != 1 || end != rank - 1) unsupported(n, "flatten(x, 1, -1)");
  std::string y = b_.node("Flatten", {in(n->input(0))});
  set_attr(b_.last(), "axis", int64_t{1});
  set(n->output(), y);
}

void AtenToOnnx::passthrough(jit::Node* n) { alias(n->output(), n->input(0)); }

void AtenToOnnx::dropout(jit::Node* n) {
  if (flag(n, 2)) unsupported(n, "dropout in eval mode (train=false)");
  alias(n->output(), n->input(0));
}

void AtenToOnnx::norm(jit::Node* n) {
  if (n->inputs().size() < 4 || number(n, 1) != 2.0) unsupported(n, "the 2-norm over given dimensions");
  DeferredNorm d{in(n->input(0)), ints(n, 2), flag(n, 3)};
  if (sole_user(n->output(), "aten::clamp_min")) {
    deferred_norms_[n->output()] = d;  // F::normalize: emitted with its clamp by clamp_min()
    return;
  }
  std::string y = b_.node("ReduceL2", {d.input});
  set_attr(b_.last(), "axes", d.axes);
  set_attr(b_.last(), "keepdims", int64_t{d.keepdims ? 1 : 0});
  set(n->output(), y);
}

void AtenToOnnx::clamp_min(jit::Node* n) {
  const double eps = number(n, 1);
  auto it = deferred_norms_.find(n->input(0));
  if (it == deferred_norms_.end()) {
    set(n->output(), b_.node("Max", {in(n->input(0)), b_.scalar(static_cast<float>(eps))}));
    return;
  }
  const DeferredNorm& d = it->second;
  std::string ss = b_.node("ReduceSumSquare", {d.input});
  set_attr(b_.last(), "axes", d.axes);
  set_attr(b_.last(), "keepdims", int64_t{d.keepdims ? 1 : 0});
  std::string norm = b_.node("Sqrt", {b_.node("Add", {ss, b_.scalar(static_cast<float>(eps * eps))})});
  const std::vector<int64_t> x_shape = sizes(n->input(0)->node()->input(0));
  if (x_shape.size() == 2 && d.keepdims && d.axes == std::vector<int64_t>{1}) {
    // [N,1] -> [N,C] by MatMul with ones: OpenCV 4.6 mis-broadcasts Div by an [N,1] tensor (wrong
    // values at batch > 1, an import error at batch 1); a product with a constant it runs exactly.
    norm = b_.node("MatMul", {norm, b_.initializer("norm_broadcast", torch::ones({1, x_shape[1]}), InitializerRole::kConstant)});
  }
  set(n->output(), norm);
}

void AtenToOnnx::expand_as(jit::Node* n) {
  // Before an elementwise op whose other operand already has the target shape, broadcasting does
  // the expansion (F::normalize's denominator).
  const std::vector<int64_t> target = sizes(n->output());
  bool broadcast = !n->output()->uses().empty();
  for (const auto& use : n->output()->uses()) {
    const std::string k = use.user->kind().toUnqualString();
    const bool elementwise = k == "div" || k == "mul" || k == "add" || k == "sub" || k == "div_" || k == "mul_" ||
                             k == "add_" || k == "sub_";
    jit::Value* other = use.user->input(use.offset == 0 ? 1 : 0);
    broadcast = broadcast && elementwise && use.offset < 2 && other->type()->cast<c10::TensorType>() &&
                sizes(other) == target;
  }
  if (broadcast) {
    alias(n->output(), n->input(0));
    return;
  }
  std::string shape = b_.node("Shape", {in(n->input(1))});
  set(n->output(), b_.node("Expand", {in(n->input(0)), shape}));
}

void AtenToOnnx::run(const std::shared_ptr<jit::Graph>& graph) {
  g_.traced = graph;
  FERKIT_CHECK(graph->inputs().size() == 1 && graph->outputs().size() == 2,
               "onnx export: expected a traced graph with 1 input and 2 outputs, got " << graph->inputs().size() << " and "
                                                                                     << graph->outputs().size());
  const std::vector<int64_t> in_shape = sizes(graph->inputs()[0]);
  g_.input_name = "input";
  set(graph->inputs()[0], g_.input_name);

  // Depending on the dispatch path, the tracer records linear as t(W) + addmm rather than
  // aten::linear, and constant propagation leaves the view t(W) alone: fold transposes of constants
  // here so that the handlers see constant weights (t(W) keeps W's storage, hence its name).
  for (jit::Node* n : graph->nodes()) {
    if (n->kind() != c10::aten::t) continue;
    auto iv = jit::toIValue(n->input(0));
    if (!iv || !iv->isTensor()) continue;
    jit::WithInsertPoint guard(n);
    n->output()->replaceAllUsesWith(graph->insertConstant(iv->toTensor().detach().t()));
  }
  jit::EliminateDeadCode(graph);

  for (jit::Node* n : graph->nodes()) {
    if (absorbed_.count(n)) continue;
    const std::string kind = n->kind().toQualString();
    if (kind == "prim::Constant" || kind == "prim::ListConstruct") continue;  // read by their users
    auto it = table().find(kind);
    if (it == table().end()) {
      std::string known;
      for (const auto& kv : table()) known += (known.empty() ? "" : ", ") + kv.first;
      throw Error("onnx export: " + describe(n), "an op the exporter converts (" + known + ")", kind);
    }
    (this->*(it->second))(n);
  }

  // Outputs: rename the producing tensors to "logits" and "features".
  ::onnx::GraphProto& gp = g_.graph();
  const char* out_names[2] = {"logits", "features"};
  for (int i = 0; i < 2; ++i) {
    jit::Value* v = graph->outputs()[static_cast<size_t>(i)];
    const std::string name = in(v);
    FERKIT_CHECK(name != g_.input_name && !g_.initializer(name),
                 "onnx export: output " << out_names[i] << " is not computed by a node (it is " << name << ")");
    rename_tensor(gp, name, out_names[i]);
    auto tv = g_.traced_values.find(name);
    if (tv != g_.traced_values.end()) {
      g_.traced_values[out_names[i]] = tv->second;
      g_.traced_values.erase(tv);
    }
    for (auto& l : g_.layers) {
      if (l.output == name) l.output = out_names[i];
    }
    auto* o = gp.add_output();
    o->set_name(out_names[i]);
    auto* tt = o->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(::onnx::TensorProto::FLOAT);
    tt->mutable_shape()->add_dim()->set_dim_param("batch");
    tt->mutable_shape()->add_dim()->set_dim_value(sizes(v).back());
  }
  g_.logits_name = "logits";
  g_.features_name = "features";

  auto* input = gp.add_input();
  input->set_name(g_.input_name);
  auto* tt = input->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(::onnx::TensorProto::FLOAT);
  tt->mutable_shape()->add_dim()->set_dim_param("batch");
  for (size_t i = 1; i < in_shape.size(); ++i) tt->mutable_shape()->add_dim()->set_dim_value(in_shape[i]);
}

}  // namespace

void convert_to_onnx(const std::shared_ptr<torch::jit::Graph>& traced, const std::map<const void*, std::string>& names,
                     const ConversionOptions& options, ExportedGraph& out) {
  AtenToOnnx(out, names, options).run(traced);
}

}  // namespace ferkit::onnx_export
