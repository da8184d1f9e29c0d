// What the optimisers of issue #11 cost: peak resident memory (VmHWM, one fresh process per
// configuration so peaks do not mix) and time per training step, for AdamW, deep_momentum/local,
// deep_momentum/meta and `second_order` — an emulation of the original study's meta step: the
// gradient kept with create_graph through the whole network, the element-wise memory applied to
// every parameter at once with its graph, and the meta-loss differentiated through both (a
// Hessian-vector product through the network). Not Google Benchmark: a peak-memory figure needs
// its own process, so the program re-executes itself once per configuration.
//
//   build/bin/ferkit_optimizer_memory_bench                        # the table (markdown + JSON lines)
//   build/bin/ferkit_optimizer_memory_bench --archs=mobilenetv3_small_48,resnet18_48 --batches=8,32,128 --steps=3
//   build/bin/ferkit_optimizer_memory_bench --one=meta --arch=mobilenetv3_small_48 --batch=32   # one row
// Torch runs at 1 thread (--threads to change). Timings are means over the steps after the first.
#include <torch/torch.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ferkit/deep_momentum.h"
#include "ferkit/model.h"
#include "ferkit/train_options.h"

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string x;
  while (std::getline(ss, x, ',')) out.push_back(x);
  return out;
}

double vm_hwm_mib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  return -1;
}

int64_t count_params(ferkit::FerNet& net) {
  int64_t n = 0;
  for (auto& p : net->parameters()) n += p.numel();
  return n;
}

// The original study's step, emulated: meta-loss L(theta) - lr <g, u(phi; g)> (the first-order
// expansion of L(theta - lr u)) with g kept differentiable, so backward goes through the memory
// over all P elements and through the network's backward pass (second order).
void second_order_step(ferkit::FerNet& net, ferkit::MemoryMlp& mem, const torch::Tensor& x, const torch::Tensor& y,
                       std::vector<torch::Tensor>& momentum, double lr) {
  auto params = net->parameters();
  torch::Tensor loss = torch::nn::functional::cross_entropy(net->forward(x).logits, y);
  auto grads = torch::autograd::grad({loss}, params, {}, /*retain_graph=*/true, /*create_graph=*/true);
  std::vector<torch::Tensor> cols_g, cols_m;
  for (size_t i = 0; i < params.size(); ++i) {
    cols_g.push_back(grads[i].reshape({-1}));
    cols_m.push_back(momentum[i].reshape({-1}));
  }
  torch::Tensor g = torch::cat(cols_g), m = torch::cat(cols_m);
  torch::Tensor s = (g.detach().pow(2).mean() + m.pow(2).mean()).sqrt().clamp_min(1e-30);
  torch::Tensor u = mem.forward(torch::stack({g / s, m / s}, 1)) * s;  // graph over every element
  torch::Tensor meta = loss - lr * (g * u).sum();
  meta.backward();  // into phi and (second order) into theta
  torch::NoGradGuard ng;
  int64_t at = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    const int64_t n = params[i].numel();
    momentum[i].copy_(u.detach().slice(0, at, at + n).reshape(params[i].sizes()));
    params[i].sub_(lr * momentum[i]);
    at += n;
  }
}

int run_one(const std::string& kind, const std::string& arch, int batch, int steps, int hidden, int depth) {
  torch::manual_seed(0);
  ferkit::ModelSpec spec;
  spec.architecture = arch;
  ferkit::FerNet net = ferkit::create_model(spec);
  net->train();
  const double after_model = vm_hwm_mib();
  auto x = torch::randn({batch, spec.in_channels, spec.input_size, spec.input_size});
  auto y = torch::randint(0, 8, {batch}, torch::kLong);
  std::unique_ptr<torch::optim::Optimizer> opt;
  std::unique_ptr<ferkit::DeepMomentum> dm_direct;
  ferkit::DeepMomentumOptions dmo;
  dmo.hidden = hidden;
  dmo.depth = depth;
  std::vector<torch::Tensor> momentum;
  if (kind == "adamw") {
    opt = std::make_unique<torch::optim::AdamW>(net->parameters(), torch::optim::AdamWOptions(1e-3));
  } else if (kind == "local" || kind == "meta") {
    ferkit::OptimizerOptions oo;
    oo.deep_momentum = dmo;
    oo.deep_momentum.memory_training = kind;
    opt = ferkit::make_deep_momentum_optimizer(net, oo, 1e-2);
  } else if (kind == "second_order") {
    dm_direct = std::make_unique<ferkit::DeepMomentum>(net->parameters(), dmo, 1e-2, 0.9);
    for (auto& p : net->parameters()) momentum.push_back(torch::zeros_like(p));
  } else {
    std::cerr << "unknown optimiser " << kind << "\n";
    return 2;
  }
  double total = 0;
  for (int s = 0; s < steps; ++s) {
    auto t0 = std::chrono::steady_clock::now();
    if (dm_direct) {
      net->zero_grad();
      second_order_step(net, dm_direct->memory(), x, y, momentum, 1e-2);
      for (auto& t : dm_direct->memory().parameters()) t.mutable_grad() = torch::Tensor();
    } else {
      opt->zero_grad();
      torch::nn::functional::cross_entropy(net->forward(x).logits, y).backward();
      opt->step();
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (s > 0 || steps == 1) total += ms;
  }
  const int timed = steps > 1 ? steps - 1 : 1;
  std::printf("{\"optimizer\": \"%s\", \"arch\": \"%s\", \"batch\": %d, \"params\": %lld, \"hidden\": %d, \"depth\": %d, "
              "\"steps\": %d, \"ms_per_step\": %.1f, \"model_mib\": %.1f, \"peak_mib\": %.1f}\n",
              kind.c_str(), arch.c_str(), batch, static_cast<long long>(count_params(net)), hidden, depth, steps,
              total / timed, after_model, vm_hwm_mib());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string one, arch = "mobilenetv3_small_48";
  std::vector<std::string> archs = {"mobilenetv3_small_48"}, kinds = {"adamw", "local", "meta", "second_order"};
  std::vector<std::string> batches = {"8", "32", "128"};
  int batch = 32, steps = 3, threads = 1, hidden = 32, depth = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&](const char* key) { return a.substr(std::string(key).size()); };
    if (a.rfind("--one=", 0) == 0) one = val("--one=");
    else if (a.rfind("--arch=", 0) == 0) arch = val("--arch=");
    else if (a.rfind("--archs=", 0) == 0) archs = split(val("--archs="));
    else if (a.rfind("--optimizers=", 0) == 0) kinds = split(val("--optimizers="));
    else if (a.rfind("--batches=", 0) == 0) batches = split(val("--batches="));
    else if (a.rfind("--batch=", 0) == 0) batch = std::stoi(val("--batch="));
    else if (a.rfind("--steps=", 0) == 0) steps = std::stoi(val("--steps="));
    else if (a.rfind("--threads=", 0) == 0) threads = std::stoi(val("--threads="));
    else if (a.rfind("--hidden=", 0) == 0) hidden = std::stoi(val("--hidden="));
    else if (a.rfind("--depth=", 0) == 0) depth = std::stoi(val("--depth="));
    else {
      std::cerr << "unknown flag " << a << " (see the comment at the top of bench/optimizer_memory_bench.cpp)\n";
      return 2;
    }
  }
  torch::set_num_threads(threads);
  if (!one.empty()) return run_one(one, arch, batch, steps, hidden, depth);

  // The matrix: one child process per configuration.
  std::printf("| architecture | optimiser | batch | params | ms/step | peak RSS (MiB) |\n|---|---|---|---|---|---|\n");
  std::fflush(stdout);
  for (const auto& ar : archs)
    for (const auto& b : batches)
      for (const auto& k : kinds) {
        int fds[2];
        if (pipe(fds) != 0) return 1;
        pid_t pid = fork();
        if (pid == 0) {
          dup2(fds[1], 1);
          close(fds[0]);
          std::vector<std::string> args = {"/proc/self/exe", "--one=" + k, "--arch=" + ar, "--batch=" + b,
                                           "--steps=" + std::to_string(steps), "--threads=" + std::to_string(threads),
                                           "--hidden=" + std::to_string(hidden), "--depth=" + std::to_string(depth)};
          std::vector<char*> cargs;
          for (auto& s : args) cargs.push_back(s.data());
          cargs.push_back(nullptr);
          execv("/proc/self/exe", cargs.data());
          _exit(127);
        }
        close(fds[1]);
        std::string out;
        char buf[4096];
        ssize_t n;
        while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
        close(fds[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        std::cerr << out;
        auto field = [&](const std::string& key) {
          auto at = out.find("\"" + key + "\": ");
          if (at == std::string::npos) return std::string("?");
          at += key.size() + 4;
          return out.substr(at, out.find_first_of(",}", at) - at);
        };
        std::printf("| %s | %s | %s | %s | %s | %s |\n", ar.c_str(), k.c_str(), b.c_str(), field("params").c_str(),
                    WIFEXITED(status) && WEXITSTATUS(status) == 0 ? field("ms_per_step").c_str() : "failed",
                    field("peak_mib").c_str());
        std::fflush(stdout);
      }
  return 0;
}
