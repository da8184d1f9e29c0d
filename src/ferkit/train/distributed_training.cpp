// Data-parallel pieces of the trainer: state sharing at start and resume, epoch sums, frozen
// BatchNorm. Optimiser and EMA states travel as torch archives through the store, so that ranks on
// other machines never need to read rank 0's run directory.
#include "distributed_training.h"

#include <torch/torch.h>

#include <sstream>

#include "ferkit/train/run_outputs.h"
#include "ferkit/weight_ema.h"

namespace ferkit {

std::vector<torch::Tensor> model_state_tensors(torch::nn::Module& net) {
  std::vector<torch::Tensor> out;
  for (auto& p : net.parameters()) out.push_back(p);
  for (auto& b : net.buffers()) out.push_back(b);
  return out;
}

void share_training_state(DataParallelGroup& group, FerNet& net, torch::optim::Optimizer& opt, WeightEma* ema,
                          TrainState& state, torch::Device device) {
  group.broadcast_from_root(model_state_tensors(*net));
  std::string bytes;
  if (group.is_root()) {
    std::ostringstream os;
    torch::save(opt, os);
    bytes = os.str();
  }
  group.share_from_root("optimizer", bytes);
  if (!group.is_root()) {
    std::istringstream is(bytes);
    torch::load(opt, is, device);
  }
  if (ema) {
    std::string eb;
    if (group.is_root()) {
      torch::serialize::OutputArchive ar;
      for (const auto& [name, t] : ema->shadow()) ar.write(name, t);
      std::ostringstream os;
      ar.save_to(os);
      eb = os.str();
    }
    group.share_from_root("ema", eb);
    if (!group.is_root()) {
      torch::serialize::InputArchive ar;
      std::istringstream is(eb);
      ar.load_from(is, device);
      for (auto& [name, t] : ema->shadow()) {
        torch::Tensor v;
        ar.read(name, v);
        t.copy_(v);
      }
    }
  }
  std::string js;
  if (group.is_root())
    js = nlohmann::json{{"next_epoch", state.next_epoch},
                        {"step", state.step},
                        {"best_epoch", state.best_epoch},
                        {"best_metric", state.best_metric},
                        {"ema_updates", ema ? ema->updates() : 0}}
             .dump();
  group.share_from_root("train_state", js);
  if (!group.is_root()) {
    auto j = nlohmann::json::parse(js);
    state.next_epoch = j.at("next_epoch").get<int>();
    state.step = j.at("step").get<int64_t>();
    state.best_epoch = j.at("best_epoch").get<int>();
    state.best_metric = j.at("best_metric").get<double>();
    if (ema) ema->set_updates(j.at("ema_updates").get<int64_t>());
  }
}

void reduce_epoch_sums(DataParallelGroup& group, double& loss_sum, int64_t& seen, int64_t& correct,
                       std::map<std::string, double>& term_sums) {
  // Every rank computes the same terms, so the map's (sorted) keys line up.
  std::vector<double> v{loss_sum, static_cast<double>(seen), static_cast<double>(correct)};
  for (const auto& [name, s] : term_sums) v.push_back(s);
  torch::Tensor t = torch::tensor(v, torch::kFloat64);
  group.all_reduce_sum(t);
  auto a = t.accessor<double, 1>();
  loss_sum = a[0];
  seen = static_cast<int64_t>(std::llround(a[1]));
  correct = static_cast<int64_t>(std::llround(a[2]));
  int64_t k = 3;
  for (auto& [name, s] : term_sums) s = a[k++];
}

void freeze_batchnorm(torch::nn::Module& net) {
  for (auto& m : net.modules(/*include_self=*/false))
    if (m->as<torch::nn::BatchNorm2d>() || m->as<torch::nn::BatchNorm1d>()) m->eval();
}

}  // namespace ferkit
