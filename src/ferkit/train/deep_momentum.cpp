// The deep-momentum optimiser: an element-wise memory MLP in place of the momentum buffer. The
// update is hand-written (torch::optim has no hook for a learned momentum); torch does the
// arithmetic and autograd gives the memory's gradients.
#include "ferkit/deep_momentum.h"

#include <torch/torch.h>

#include <cmath>

#include "ferkit/error.h"

namespace ferkit {

std::vector<torch::Tensor> MemoryMlp::parameters() const {
  std::vector<torch::Tensor> p{skip};
  for (const auto& w : weight) p.push_back(w);
  p.push_back(out_weight);
  return p;
}

// The memory is odd, M(-x) = -M(x): flipping the sign of the gradient stream flips the update,
// as for every momentum method, and M(0) = 0, so a zero gradient with zero momentum never moves
// a parameter. tanh layers without biases and no output bias give that at no cost. The first
// version had biases: it could learn an even part, a push of one sign whatever the gradient,
// which the AdamW base divides by sqrt(v_hat) + eps element by element.
torch::Tensor MemoryMlp::forward(const torch::Tensor& x) const {
  const auto dt = x.scalar_type();
  torch::Tensor h = x;
  for (const auto& w : weight) h = torch::tanh(h.matmul(w.to(dt).t()));
  return x.matmul(skip.to(dt)) + h.matmul(out_weight.to(dt));
}

int64_t MemoryMlp::numel() const {
  int64_t n = 0;
  for (const auto& t : parameters()) n += t.numel();
  return n;
}

struct DeepMomentum::Slot {
  torch::Tensor m, v, acc;  // memory output (the momentum), second moment, accumulated gradient
  torch::Tensor x_prev;     // memory inputs of the last update [N, inputs] (local/meta)
  torch::Tensor s_prev;     // their scale
  torch::Tensor f_prev;     // d(theta)/d(m) factor of the last update (meta; 1 for sgd)
  torch::Tensor clip_prev;  // elements of the last update held at the envelope (no meta-gradient)
  double lr_prev = 0;
  bool updated_last = false;
  int64_t every = 1;        // update period in step() calls (accumulation x head frequency)
  int64_t t = 0;            // updates applied (AdamW bias correction)
  double weight_decay = 0;
};

namespace {

constexpr double kAdamEps = 1e-8;

std::vector<torch::optim::OptimizerParamGroup> single_group(std::vector<torch::Tensor> params, double lr) {
  auto o = std::make_unique<DeepMomentumGroupOptions>();
  o->lr = lr;
  std::vector<torch::optim::OptimizerParamGroup> g;
  g.emplace_back(std::move(params), std::move(o));
  return g;
}

}  // namespace

DeepMomentum::DeepMomentum(std::vector<torch::Tensor> params, const DeepMomentumOptions& options, double lr,
                           double beta1, double beta2)
    : DeepMomentum(single_group(std::move(params), lr), options, lr, beta1, beta2) {}

DeepMomentum::DeepMomentum(std::vector<torch::optim::OptimizerParamGroup> groups, const DeepMomentumOptions& options,
                           double lr, double beta1, double beta2, std::vector<int64_t> update_every)
    : torch::optim::Optimizer(std::move(groups), std::make_unique<DeepMomentumGroupOptions>()),
      o_(options), beta1_(beta1), beta2_(beta2) {
  const std::string w = "optim.deep_momentum";
  FERKIT_CHECK(o_.hidden >= 1, w << ".hidden (the memory's width) must be >= 1, got " << o_.hidden
                                 << ": a memory without hidden units is plain momentum (use optim.name = \"sgd\")");
  FERKIT_CHECK(o_.depth >= 1, w << ".depth must be >= 1, got " << o_.depth);
  FERKIT_CHECK(o_.base == "sgd" || o_.base == "adamw", w << ".base must be sgd or adamw, got '" << o_.base << "'");
  FERKIT_CHECK(o_.memory_training == "local" || o_.memory_training == "meta" || o_.memory_training == "none",
               w << ".memory_training must be local, meta or none, got '" << o_.memory_training << "'");
  FERKIT_CHECK(o_.meta_every >= 1, w << ".meta_every must be >= 1, got " << o_.meta_every);
  FERKIT_CHECK(o_.accumulate_steps >= 1, w << ".accumulate_steps must be >= 1, got " << o_.accumulate_steps);
  FERKIT_CHECK(o_.memory_lr >= 0, w << ".memory_lr must be >= 0, got " << o_.memory_lr);
  FERKIT_CHECK(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "optim: beta1 and beta2 must be in [0, 1)");
  FERKIT_CHECK(o_.precision == "fp32" || o_.precision == "bf16" || o_.precision == "fp16",
               w << ".precision must be fp32, bf16 or fp16, got '" << o_.precision << "'");

  torch::Tensor first;
  size_t flat = 0;
  for (auto& g : param_groups_) {
    auto& go = static_cast<DeepMomentumGroupOptions&>(g.options());
    if (go.lr <= 0) go.lr = lr;
    for (auto& p : g.params()) {
      FERKIT_CHECK(p.requires_grad(), "deep_momentum: parameter " << flat << " " << p.sizes()
                                                                  << " does not require a gradient; leave it out");
      if (!first.defined()) first = p;
      auto s = std::make_shared<Slot>();
      const int64_t period = flat < update_every.size() ? update_every[flat] : 1;
      FERKIT_CHECK(period >= 1, w << ".head_every: periods must be >= 1, got " << period);
      s->every = period * o_.accumulate_steps;
      s->weight_decay = go.weight_decay;
      slots_.push_back(s);
      ++flat;
    }
  }
  FERKIT_CHECK(first.defined(), "deep_momentum: the model has no parameter that requires a gradient (nothing to optimise)");
  if (o_.precision != "fp32")
    FERKIT_CHECK(first.is_cuda(), w << ".precision = " << o_.precision
                                    << " needs the parameters on a CUDA device (this is a CPU build or a CPU model)");

  // The memory starts as classical momentum: a = (1, beta1, 0), zero output layer.
  const int64_t inputs = o_.second_moment ? 3 : 2;
  auto opts = first.options().requires_grad(false);
  memory_.skip = torch::zeros({inputs}, opts);
  memory_.skip[0] = 1.0;
  memory_.skip[1] = beta1;
  int64_t in = inputs;
  for (int l = 0; l < o_.depth; ++l) {
    memory_.weight.push_back(torch::randn({o_.hidden, in}, opts) / std::sqrt(static_cast<double>(in)));
    in = o_.hidden;
  }
  memory_.out_weight = torch::zeros({o_.hidden}, opts);
  for (auto& t : memory_.parameters()) t.set_requires_grad(true);
  memory_opt_ = std::make_unique<torch::optim::Adam>(memory_.parameters(), torch::optim::AdamOptions(std::max(o_.memory_lr, 1e-30)));
}

// Memory learning from the gradients now in p.grad() and the inputs of the last update.
void DeepMomentum::learn_memory() {
  if (o_.memory_training == "none") return;
  const bool meta = o_.memory_training == "meta";
  if (meta && (calls_ % o_.meta_every) != 0) return;
  memory_opt_->zero_grad();
  size_t i = 0;
  int64_t total = 0;
  bool any = false;
  for (auto& g : param_groups_)
    for (auto& p : g.params()) {
      Slot& s = *slots_[i++];
      if (s.updated_last && p.grad().defined()) total += p.numel();
    }
  i = 0;
  for (auto& g : param_groups_) {
    for (auto& p : g.params()) {
      Slot& s = *slots_[i++];
      if (!s.updated_last || !p.grad().defined() || !s.x_prev.defined()) continue;
      any = true;
      torch::Tensor grad = p.grad().detach().reshape({-1});
      torch::Tensor out = memory_.forward(s.x_prev);  // one tensor at a time: the graph is [N, hidden]
      if (meta) {
        if (s.clip_prev.defined()) out = torch::where(s.clip_prev, out.detach(), out);  // constant there
        // theta_t = theta_{t-1} - lr f (s M(x)): dL/dphi = (dtheta_t/dphi)^T grad L(theta_t).
        torch::Tensor dtheta = -s.lr_prev * s.f_prev * s.s_prev * out;
        dtheta.backward(grad.to(dtheta.dtype()));
      } else {
        torch::Tensor target = grad.to(out.dtype()) / ((1.0 - beta1_) * s.s_prev);
        torch::Tensor l = (out - target).pow(2).sum() / static_cast<double>(total);
        l.backward();
      }
    }
  }
  if (!any) return;
  last_memory_grad_.clear();
  for (const auto& t : memory_.parameters())
    last_memory_grad_.push_back(t.grad().defined() ? t.grad().detach().clone() : torch::zeros_like(t));
  if (o_.memory_lr > 0) memory_opt_->step();
  ++memory_steps_;
}

torch::Tensor DeepMomentum::step(LossClosure closure) {
  ++calls_;
  bool any_grad = false;
  int64_t n_params = 0;
  for (auto& g : param_groups_)
    for (auto& p : g.params()) {
      ++n_params;
      any_grad = any_grad || p.grad().defined();
    }
  if (o_.memory_training == "meta")
    FERKIT_CHECK(any_grad, "deep_momentum: a meta step needs gradients, but none of the " << n_params
                                                                                         << " parameters has one (call backward() on a loss of the model before step())");
  if (!closure) learn_memory();

  const bool adamw = o_.base == "adamw";
  const bool keep_inputs = o_.memory_training != "none";
  const auto mem_dtype = o_.precision == "bf16" ? torch::kBFloat16 : o_.precision == "fp16" ? torch::kHalf : torch::kFloat;
  size_t i = 0;
  {
    torch::NoGradGuard no_grad;
    for (auto& group : param_groups_) {
      const auto& go = static_cast<const DeepMomentumGroupOptions&>(group.options());
      for (auto& p : group.params()) {
        Slot& s = *slots_[i++];
        s.updated_last = false;
        if (!p.grad().defined()) continue;
        torch::Tensor g = p.grad().detach();
        if (!adamw && s.weight_decay != 0) g = g + s.weight_decay * p.detach();
        if (s.every > 1) {
          if (!s.acc.defined()) s.acc = torch::zeros_like(p);
          s.acc.add_(g);
          if (calls_ % s.every != 0) continue;
          g = s.acc / static_cast<double>(s.every);
          s.acc.zero_();
        }
        if (!s.m.defined()) s.m = torch::zeros_like(p);
        ++s.t;
        torch::Tensor vhat;
        if (adamw || o_.second_moment) {
          if (!s.v.defined()) s.v = torch::zeros_like(p);
          s.v.mul_(beta2_).addcmul_(g, g, 1.0 - beta2_);
          vhat = s.v / (1.0 - std::pow(beta2_, static_cast<double>(s.t)));
        }
        torch::Tensor gf = g.reshape({-1}), mf = s.m.reshape({-1});
        torch::Tensor scale = (gf.pow(2).mean() + mf.pow(2).mean()).sqrt().clamp_min(1e-30);
        std::vector<torch::Tensor> cols{gf / scale, mf / scale};
        if (o_.second_moment) cols.push_back(vhat.reshape({-1}).sqrt() / scale);
        torch::Tensor x = torch::stack(cols, 1);
        if (mem_dtype != torch::kFloat && p.is_cuda()) x = x.to(mem_dtype);
        torch::Tensor u = (memory_.forward(x).to(p.dtype()) * scale).reshape(p.sizes());
        torch::Tensor clipped;
        if (o_.envelope) {
          // Classical momentum's reach: |g| + beta1 |m|. Inside it the memory is free (direction,
          // shrinkage, sign); beyond it a memory can compound its own momentum. The meta memory
          // learned a momentum gain above 1 and diverged on a toy problem without this.
          const torch::Tensor bound = g.abs() + beta1_ * s.m.abs();
          clipped = (u.abs() > bound).reshape({-1});
          u = torch::max(torch::min(u, bound), -bound);
        }
        s.m.copy_(u);
        torch::Tensor f;
        if (adamw) {
          f = ((1.0 - beta1_) / (1.0 - std::pow(beta1_, static_cast<double>(s.t)))) / (vhat.sqrt() + kAdamEps);
          if (s.weight_decay != 0) p.mul_(1.0 - go.lr * s.weight_decay);
          p.sub_(go.lr * f * u);
        } else {
          p.sub_(go.lr * u);
        }
        if (keep_inputs) {
          s.x_prev = x;
          s.s_prev = scale;
          s.f_prev = adamw ? f.reshape({-1}) : torch::ones({1}, p.options());
          s.lr_prev = go.lr;
          s.clip_prev = clipped;
        }
        s.updated_last = true;
      }
    }
  }
  torch::Tensor loss;
  if (closure) {
    {
      torch::AutoGradMode enable(true);
      loss = closure();
    }
    learn_memory();
  }
  return loss;
}

void DeepMomentum::save(torch::serialize::OutputArchive& archive) const {
  archive.write("calls", torch::tensor(calls_));
  archive.write("memory_steps", torch::tensor(memory_steps_));
  auto mp = memory_.parameters();
  for (size_t j = 0; j < mp.size(); ++j) archive.write("memory_" + std::to_string(j), mp[j].detach());
  torch::serialize::OutputArchive adam;
  memory_opt_->save(adam);
  archive.write("memory_adam", adam);
  for (size_t j = 0; j < slots_.size(); ++j) {
    const Slot& s = *slots_[j];
    const std::string k = "slot_" + std::to_string(j) + "_";
    archive.write(k + "t", torch::tensor(s.t));
    for (auto [name, t] : {std::pair<const char*, const torch::Tensor*>{"m", &s.m}, {"v", &s.v}, {"acc", &s.acc}})
      if (t->defined()) archive.write(k + name, *t);
  }
}

void DeepMomentum::load(torch::serialize::InputArchive& archive) {
  // A fresh handle per read: InputArchive::read set_()s a defined tensor in place, keeping its dtype.
  auto read = [&](const std::string& key) {
    torch::Tensor t;
    archive.read(key, t);
    return t;
  };
  calls_ = read("calls").item<int64_t>();
  memory_steps_ = read("memory_steps").item<int64_t>();
  auto mp = memory_.parameters();
  torch::NoGradGuard no_grad;
  for (size_t j = 0; j < mp.size(); ++j) {
    torch::Tensor t = read("memory_" + std::to_string(j));
    FERKIT_CHECK(t.sizes() == mp[j].sizes(), "deep_momentum state: memory tensor " << j << " is " << t.sizes()
                                                                                     << ", this memory has " << mp[j].sizes()
                                                                                     << " (the recipe's hidden/depth changed?)");
    mp[j].copy_(t);
  }
  torch::serialize::InputArchive adam;
  archive.read("memory_adam", adam);
  memory_opt_->load(adam);
  for (size_t j = 0; j < slots_.size(); ++j) {
    Slot& s = *slots_[j];
    const std::string k = "slot_" + std::to_string(j) + "_";
    s.t = read(k + "t").item<int64_t>();
    for (auto [name, dst] : {std::pair<const char*, torch::Tensor*>{"m", &s.m}, {"v", &s.v}, {"acc", &s.acc}}) {
      torch::Tensor x;
      if (archive.try_read(k + name, x)) *dst = x;
    }
    // The inputs of the last update are not saved: the first step after a resume learns nothing.
    s.updated_last = false;
  }
}

}  // namespace ferkit
