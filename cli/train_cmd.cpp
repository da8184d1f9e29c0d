// ferkit train --config recipe.toml [key=value ...] [--resume] [--nproc N | --rank R --world-size W ...]
#include <unistd.h>

#include <iostream>

#include "commands.h"
#include "ferkit/console.h"
#include "ferkit/distributed.h"
#include "ferkit/error.h"
#include "ferkit/trainer.h"

namespace ferkit::cli {
namespace {

// The running executable, so that --nproc starts the same ferkit for every rank.
std::string self_executable() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw Error("/proc/self/exe", "a link to the running executable", "none");
  return std::string(buf, static_cast<size_t>(n));
}

struct DistFlags {
  int nproc = 1;
  std::string master_addr;
  int master_port = -1;
  int rank = -1;
  int world_size = -1;
  double timeout_s = 0;
  double bucket_mb = -1;
};

}  // namespace

void register_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train a FER model from a TOML recipe; writes a run directory");
  auto config = std::make_shared<std::string>();
  auto overrides = std::make_shared<std::vector<std::string>>();
  auto resume = std::make_shared<bool>(false);
  auto out = std::make_shared<std::string>();
  auto stop_after = std::make_shared<int>(0);
  auto dist = std::make_shared<DistFlags>();
  cmd->add_option("--config,-c", *config, "Recipe (TOML; see configs/)")->required()->check(CLI::ExistingFile);
  cmd->add_option("overrides", *overrides, "key=value overrides of recipe fields (schedule.lr=1e-3 epochs=5 ...)");
  cmd->add_option("--out,-o", *out, "Run directory (default: the recipe's out, else runs/<name>)");
  cmd->add_flag("--resume", *resume, "Continue the interrupted run in the run directory from its last checkpoint");
  cmd->add_option("--stop-after", *stop_after, "Stop after this many epochs in this call (time boxes; --resume continues)");
  auto* g = cmd->add_option_group("Data-parallel", "Several processes train one model (docs/distributed.md)");
  g->add_option("--nproc", dist->nproc, "Launch this many local ranks of this command and supervise them")
      ->check(CLI::Range(1, 1024));
  g->add_option("--master-addr", dist->master_addr, "Host of rank 0's rendezvous store (env MASTER_ADDR; 127.0.0.1)");
  g->add_option("--master-port", dist->master_port, "Its port (env MASTER_PORT; 29500, or a free port with --nproc)")
      ->check(CLI::Range(0, 65535));
  g->add_option("--rank", dist->rank, "This process's rank (env RANK)");
  g->add_option("--world-size", dist->world_size, "Number of processes over all machines (env WORLD_SIZE)");
  g->add_option("--dist-timeout", dist->timeout_s, "Seconds a collective may wait before the rank gives up (120)");
  g->add_option("--bucket-mb", dist->bucket_mb, "Gradient all-reduce bucket size in MB (25; 0 = per tensor)");
  cmd->footer(
      "The run directory receives config.json (the resolved recipe), fingerprint.json (dataset\n"
      "fingerprints and every switch that changes the result), dataset.json, run.json (git commit),\n"
      "metrics.jsonl / metrics.csv (one row per epoch), best.pt/.json (best validation macro-F1),\n"
      "last.pt/.json (+ optimiser state, for --resume), metrics.json and predictions.csv (best\n"
      "checkpoint on the validation split) and PNG pictures.\n\n"
      "Data-parallel: --nproc N starts N ranks on this machine; on several machines run the same\n"
      "command on each with --master-addr/--master-port/--rank/--world-size (or torch's environment\n"
      "variables MASTER_ADDR MASTER_PORT RANK WORLD_SIZE LOCAL_RANK). loader.batch_size is per rank.\n"
      "Only rank 0 writes the run directory. A failed rank stops the run with its rank and status.\n\n"
      "Examples:\n"
      "  ferkit train --config configs/mobilenetv3_small.toml\n"
      "  ferkit train --config configs/mobilenetv3_small.toml epochs=5 schedule.lr=1e-3 --out runs/short\n"
      "  ferkit train --config configs/mobilenetv3_small.toml --out runs/short --resume\n"
      "  ferkit train --config configs/smoke.toml --nproc 2 --out runs/smoke-ddp\n"
      "  MASTER_ADDR=10.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=0 ferkit train --config r.toml   # machine 1");
  cmd->callback([=] {
    DistributedOptions d;
    if (!dist->master_addr.empty()) d.master_addr = dist->master_addr;
    if (dist->timeout_s > 0) d.timeout_s = dist->timeout_s;
    if (dist->bucket_mb >= 0) d.bucket_mb = dist->bucket_mb;
    if (dist->nproc > 1) {
      // The parent: the same command once per rank, with the variables the ranks read.
      d.master_port = dist->master_port >= 0 ? dist->master_port : 0;
      std::vector<std::string> args = {"train", "--config", *config};
      args.insert(args.end(), overrides->begin(), overrides->end());
      if (!out->empty()) args.insert(args.end(), {"--out", *out});
      if (*resume) args.push_back("--resume");
      if (*stop_after > 0) args.insert(args.end(), {"--stop-after", std::to_string(*stop_after)});
      args.insert(args.end(), {"--dist-timeout", std::to_string(d.timeout_s), "--bucket-mb", std::to_string(d.bucket_mb)});
      launch_local_ranks(self_executable(), args, dist->nproc, d);
      return;
    }
    d = distributed_from_env(d);
    if (dist->master_port >= 0) d.master_port = dist->master_port;
    if (dist->rank >= 0) d.rank = dist->rank;
    if (dist->world_size >= 0) d.world_size = dist->world_size;
    validate(d);
    if (d.rank > 0) set_verbosity(Verbosity::kQuiet);  // rank 0 speaks for the run
    std::vector<std::string> ov = *overrides;
    if (!out->empty()) ov.push_back("out=" + *out);
    Recipe r = load_recipe(*config, ov);
    TrainControl control;
    control.resume = *resume;
    control.stop_after_epochs = *stop_after;
    control.distributed = d;
    control.command = "ferkit train --config " + *config;
    for (const auto& o : *overrides) control.command += " " + o;
    TrainResult res = train_model(r, control);
    if (d.rank > 0) return;
    std::cout << "run directory: " << res.run_dir.string() << "\n"
              << "best epoch " << res.best_epoch << ": valid " << r.train.select_metric << " " << res.best_metric << "\n";
    if (res.finished && res.final_metrics.contains("8way")) {
      const auto& m = res.final_metrics["8way"];
      std::cout << "best checkpoint on valid: acc " << m["acc"] << ", macro-F1 " << m["macro_f1"] << ", bACC " << m["bacc"]
                << "\n";
    }
  });
}

}  // namespace ferkit::cli
