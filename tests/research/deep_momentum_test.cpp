// The deep-momentum optimiser: the identity memory reproduces torch's SGD (and AdamW) step for
// step; the meta-gradient matches central finite differences; bad settings are errors.
#include <torch/torch.h>

#include <sstream>

#include <gtest/gtest.h>

#include "ferkit/deep_momentum.h"
#include "ferkit/error.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

struct Tiny : torch::nn::Module {
  Tiny() {
    a = register_module("a", torch::nn::Linear(5, 4));
    b = register_module("b", torch::nn::Linear(4, 3));
  }
  torch::Tensor forward(const torch::Tensor& x) { return b(torch::tanh(a(x))); }
  torch::nn::Linear a{nullptr}, b{nullptr};
};

void copy_params(Tiny& from, Tiny& to) {
  torch::NoGradGuard g;
  auto src = from.parameters(), dst = to.parameters();
  for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
}

double max_param_difference(Tiny& x, Tiny& y) {
  double d = 0;
  auto px = x.parameters(), py = y.parameters();
  for (size_t i = 0; i < px.size(); ++i) d = std::max(d, (px[i] - py[i]).abs().max().item<double>());
  return d;
}

// A memory whose tanh path is live but switched off at the output: a = (1, beta), w_out = 0.
void make_identity_memory(MemoryMlp& m, double beta) {
  torch::NoGradGuard g;
  m.skip.zero_();
  m.skip[0] = 1.0;
  m.skip[1] = beta;
  for (auto& w : m.weight) w.normal_(0, 2);
  m.out_weight.zero_();
}

class DeepMomentumTest : public ::testing::Test {
 protected:
  void SetUp() override { torch::set_num_threads(1); }
};

TEST_F(DeepMomentumTest, IdentityMemoryReproducesTorchSgdWithMomentum) {
  torch::manual_seed(0);
  Tiny ref, ours;
  copy_params(ref, ours);
  const double lr = 0.05, beta = 0.9, wd = 0.01;
  torch::optim::SGD sgd(ref.parameters(), torch::optim::SGDOptions(lr).momentum(beta).weight_decay(wd));
  DeepMomentumOptions o;
  o.memory_training = "none";
  o.depth = 2;
  o.hidden = 16;
  auto groups = std::vector<torch::optim::OptimizerParamGroup>{};
  auto go = std::make_unique<DeepMomentumGroupOptions>();
  go->lr = lr;
  go->weight_decay = wd;
  groups.emplace_back(ours.parameters(), std::move(go));
  DeepMomentum dm(std::move(groups), o, lr, beta);
  make_identity_memory(dm.memory(), beta);
  for (int step = 0; step < 20; ++step) {
    auto x = torch::randn({8, 5}), y = torch::randint(0, 3, {8}, torch::kLong);
    for (auto [net, opt] : {std::pair<Tiny*, torch::optim::Optimizer*>{&ref, &sgd}, {&ours, &dm}}) {
      opt->zero_grad();
      torch::nn::functional::cross_entropy(net->forward(x), y).backward();
      opt->step();
    }
    ASSERT_LT(max_param_difference(ref, ours), 1e-6) << "step " << step + 1;
  }
}

TEST_F(DeepMomentumTest, IdentityMemoryAdamwVariantReproducesTorchAdamw) {
  torch::manual_seed(1);
  Tiny ref, ours;
  copy_params(ref, ours);
  const double lr = 1e-2, wd = 0.05;
  torch::optim::AdamW adamw(ref.parameters(), torch::optim::AdamWOptions(lr).betas({0.9, 0.999}).weight_decay(wd));
  DeepMomentumOptions o;
  o.base = "adamw";
  o.memory_training = "none";
  o.second_moment = true;  // the third input is live but carries no weight in the identity memory
  auto groups = std::vector<torch::optim::OptimizerParamGroup>{};
  auto go = std::make_unique<DeepMomentumGroupOptions>();
  go->lr = lr;
  go->weight_decay = wd;
  groups.emplace_back(ours.parameters(), std::move(go));
  DeepMomentum dm(std::move(groups), o, lr, 0.9, 0.999);
  make_identity_memory(dm.memory(), 0.9);
  for (int step = 0; step < 20; ++step) {
    auto x = torch::randn({8, 5}), y = torch::randint(0, 3, {8}, torch::kLong);
    for (auto [net, opt] : {std::pair<Tiny*, torch::optim::Optimizer*>{&ref, &adamw}, {&ours, &dm}}) {
      opt->zero_grad();
      torch::nn::functional::cross_entropy(net->forward(x), y).backward();
      opt->step();
    }
    ASSERT_LT(max_param_difference(ref, ours), 1e-6) << "step " << step + 1;
  }
}

TEST_F(DeepMomentumTest, AccumulationStepsOnTheMeanGradient) {
  torch::manual_seed(2);
  Tiny ref, ours;
  copy_params(ref, ours);
  torch::optim::SGD sgd(ref.parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  DeepMomentumOptions o;
  o.memory_training = "none";
  o.accumulate_steps = 2;
  DeepMomentum dm(ours.parameters(), o, 0.1, 0.9);
  for (int step = 0; step < 6; ++step) {
    auto x1 = torch::randn({4, 5}), x2 = torch::randn({4, 5});
    auto y1 = torch::randint(0, 3, {4}, torch::kLong), y2 = torch::randint(0, 3, {4}, torch::kLong);
    sgd.zero_grad();  // the reference: one step on the mean of the two gradients
    (0.5 * (torch::nn::functional::cross_entropy(ref.forward(x1), y1) +
            torch::nn::functional::cross_entropy(ref.forward(x2), y2))).backward();
    sgd.step();
    for (auto [x, y] : {std::pair{x1, y1}, std::pair{x2, y2}}) {
      dm.zero_grad();
      torch::nn::functional::cross_entropy(ours.forward(x), y).backward();
      dm.step();
    }
    ASSERT_LT(max_param_difference(ref, ours), 1e-6) << "step " << step + 1;
  }
}

// F(phi) = L(theta - lr u(phi; g, m)) on one batch, with the state (theta, m) after a first step.
TEST_F(DeepMomentumTest, MetaGradientMatchesCentralFiniteDifferences) {
  torch::manual_seed(3);
  Tiny net;
  net.to(torch::kFloat64);
  auto x = torch::randn({6, 5}, torch::kFloat64), y = torch::randint(0, 3, {6}, torch::kLong);
  auto x0 = torch::randn({6, 5}, torch::kFloat64);
  auto loss_of = [&](Tiny& n, const torch::Tensor& in) { return torch::nn::functional::cross_entropy(n.forward(in), y); };
  DeepMomentumOptions o;
  o.memory_training = "meta";
  o.memory_lr = 0;  // measure the meta-gradient without moving the memory
  o.hidden = 4;
  o.second_moment = true;
  const double lr = 0.3;
  DeepMomentum dm(net.parameters(), o, lr, 0.9);
  {
    torch::NoGradGuard g;
    for (auto& t : dm.memory().parameters()) t.normal_(0, 0.5);  // a memory far from the identity
  }
  dm.zero_grad();
  loss_of(net, x0).backward();
  dm.step();  // a first step: m_{t-1} is non-zero from here on
  std::vector<torch::Tensor> theta;
  for (auto& p : net.parameters()) theta.push_back(p.detach().clone());
  std::stringstream state;
  {
    torch::serialize::OutputArchive a;
    dm.save(a);
    a.save_to(state);
  }
  dm.zero_grad();
  loss_of(net, x).backward();
  dm.step([&] {
    dm.zero_grad();
    auto l = loss_of(net, x);
    l.backward();
    return l;
  });
  std::vector<torch::Tensor> analytic = dm.last_memory_gradient();
  ASSERT_EQ(analytic.size(), dm.memory().parameters().size());

  // F at a perturbed memory: restore theta and the optimiser state, take the same step with the
  // memory frozen, evaluate the loss.
  auto f_at = [&](size_t which, int64_t index, double delta) {
    {
      torch::NoGradGuard g;
      auto ps = net.parameters();
      for (size_t i = 0; i < ps.size(); ++i) ps[i].copy_(theta[i]);
    }
    DeepMomentumOptions frozen = o;
    frozen.memory_training = "none";
    DeepMomentum d2(net.parameters(), frozen, lr, 0.9);
    std::stringstream copy(state.str());
    torch::serialize::InputArchive in;
    in.load_from(copy);
    d2.load(in);
    {
      torch::NoGradGuard g;
      d2.memory().parameters()[which].view({-1})[index] += delta;
    }
    d2.zero_grad();
    loss_of(net, x).backward();
    d2.step();
    torch::NoGradGuard g;
    return loss_of(net, x).item<double>();
  };
  double num2 = 0, diff2 = 0;
  const double h = 1e-5;
  for (size_t j = 0; j < analytic.size(); ++j)
    for (int64_t e = 0; e < analytic[j].numel(); ++e) {
      const double fd = (f_at(j, e, h) - f_at(j, e, -h)) / (2 * h);
      const double an = analytic[j].view({-1})[e].item<double>();
      num2 += fd * fd;
      diff2 += (fd - an) * (fd - an);
    }
  ASSERT_GT(num2, 1e-12);  // the memory matters to the loss
  EXPECT_LT(std::sqrt(diff2 / num2), 1e-3);
}

TEST_F(DeepMomentumTest, LocalModeLearnsTheMemoryFirstOrder) {
  torch::manual_seed(4);
  Tiny net;
  DeepMomentumOptions o;  // local by default
  o.memory_lr = 1e-2;
  DeepMomentum dm(net.parameters(), o, 0.05, 0.9);
  std::vector<torch::Tensor> before;
  for (auto& t : dm.memory().parameters()) before.push_back(t.detach().clone());
  for (int step = 0; step < 5; ++step) {
    dm.zero_grad();
    torch::nn::functional::cross_entropy(net.forward(torch::randn({8, 5})), torch::randint(0, 3, {8}, torch::kLong)).backward();
    dm.step();
  }
  EXPECT_EQ(dm.memory_steps(), 4);  // the first step has no previous state to learn from
  double moved = 0;
  auto after = dm.memory().parameters();
  for (size_t i = 0; i < after.size(); ++i) moved += (after[i] - before[i]).abs().sum().item<double>();
  EXPECT_GT(moved, 0.0);
}

// M_phi(0) = 0 for any memory: an element whose gradient (and so momentum) stays zero must not move,
// even on the AdamW base, which divides the memory's output by sqrt(v_hat) + eps per element.
TEST_F(DeepMomentumTest, ZeroGradientElementsStayPutWithAnyMemory) {
  torch::manual_seed(5);
  for (const std::string base : {"sgd", "adamw"}) {
    torch::Tensor p = torch::randn({4, 6}).requires_grad_(true);
    const torch::Tensor start = p.detach().clone();
    const torch::Tensor live = torch::rand({4, 6}) < 0.5;  // elements that get a gradient
    DeepMomentumOptions o;
    o.base = base;
    o.memory_training = "none";
    DeepMomentum dm(std::vector<torch::Tensor>{p}, o, 0.01, 0.9);
    {
      torch::NoGradGuard g;  // a memory far from momentum: every weight non-zero
      for (auto& t : dm.memory().parameters()) t.normal_(0, 1);
    }
    for (int step = 0; step < 3; ++step) {
      p.mutable_grad() = torch::randn({4, 6}) * live.to(torch::kFloat);
      dm.step();
    }
    const torch::Tensor moved = (p.detach() - start).abs();
    EXPECT_EQ(moved.masked_select(~live).max().item<double>(), 0.0) << base;
    EXPECT_GT(moved.masked_select(live).min().item<double>(), 0.0) << base;
  }
}

// A learned memory must still optimise: on a noisy toy problem the local and meta memories reach
// a training loss close to their AdamW base's (the memory starts as that base and drifts). Without
// the envelope the meta memory raised its momentum gain past 1 and diverged (loss > 100).
TEST_F(DeepMomentumTest, LearnedMemoriesStillTrainAToyProblemLikeTheirBase) {
  auto final_loss = [](const std::string& training) {
    torch::manual_seed(7);
    Tiny net;
    const torch::Tensor w = torch::randn({5, 3});
    DeepMomentumOptions o;
    o.base = "adamw";
    o.memory_training = training;
    DeepMomentum dm(net.parameters(), o, 3e-3, 0.9, 0.999);
    torch::manual_seed(8);
    double tail = 0;
    for (int step = 0; step < 1500; ++step) {
      auto x = torch::randn({16, 5});
      auto y = (x.matmul(w) + 0.5 * torch::randn({16, 3})).argmax(1);
      dm.zero_grad();
      auto loss = torch::nn::functional::cross_entropy(net.forward(x), y);
      loss.backward();
      dm.step();
      if (step >= 1400) tail += loss.item<double>() / 100;
    }
    return tail;
  };
  const double base = final_loss("none"), local = final_loss("local"), meta = final_loss("meta");
  std::cerr << "toy loss: frozen " << base << " local " << local << " meta " << meta << "\n";
  EXPECT_LT(base, 0.7);  // the base learns the problem (chance is log 3 = 1.10)
  EXPECT_LT(local, base + 0.1);
  EXPECT_LT(meta, base + 0.1);
}

TEST_F(DeepMomentumTest, BadSettingsAreErrors) {
  Tiny net;
  DeepMomentumOptions o;
  o.hidden = 0;
  try {
    DeepMomentum dm(net.parameters(), o, 0.1, 0.9);
    FAIL() << "width 0 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("hidden"), std::string::npos) << e.what();
  }
  o.hidden = 8;
  o.memory_training = "meta";
  DeepMomentum dm(net.parameters(), o, 0.1, 0.9);
  try {
    dm.step();  // no backward(): no parameter has a gradient
    FAIL() << "meta step without gradients accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("meta step needs gradients"), std::string::npos) << e.what();
  }
  for (auto& p : net.parameters()) p.set_requires_grad(false);
  EXPECT_THROW(DeepMomentum(net.parameters(), DeepMomentumOptions{}, 0.1, 0.9), Error);
  o.precision = "bf16";
  Tiny cpu;
  EXPECT_THROW(DeepMomentum(cpu.parameters(), o, 0.1, 0.9), Error);  // CPU parameters: no mixed precision
}

}  // namespace
}  // namespace ferkit
