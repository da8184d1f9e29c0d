// ferkit models list|show — the registered architectures with their parameter counts, and what a
// checkpoint's sidecar says.
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "ferkit/checkpoint.h"
#include "ferkit/model.h"
#include "ferkit/sidecar.h"

namespace ferkit::cli {
namespace {

struct ListOptions {
  int channels = 1;      // input channels the counts are for
  bool markdown = false; // print a Markdown table (docs/models.md)
};

void list_models(const ListOptions& o, std::ostream& os) {
  const char* fmt_sep = o.markdown ? " | " : "  ";
  if (o.markdown) {
    os << "| architecture | input | backbone dim | backbone params | FerNet params | description |\n"
       << "|---|---|---|---|---|---|\n";
  } else {
    os << std::left << std::setw(22) << "architecture" << std::right << std::setw(7) << "input" << std::setw(14)
       << "backbone_dim" << std::setw(17) << "backbone_params" << std::setw(15) << "fernet_params" << "  description\n";
  }
  for (const auto& info : architectures()) {
    ModelSpec spec;
    spec.architecture = info.name;
    spec.in_channels = o.channels;
    spec.input_size = info.default_input;
    FerNet net = create_model(spec);
    const int64_t backbone = count_parameters(net->backbone());
    const int64_t total = count_parameters(*net);
    const std::string input = std::to_string(info.default_input) + "x" + std::to_string(info.default_input);
    if (o.markdown) {
      os << "| " << info.name << fmt_sep << input << "x" << o.channels << fmt_sep << net->backbone_dim() << fmt_sep << backbone
         << fmt_sep << total << fmt_sep << info.description << " |\n";
    } else {
      os << std::left << std::setw(22) << info.name << std::right << std::setw(7) << input << std::setw(14)
         << net->backbone_dim() << std::setw(17) << backbone << std::setw(15) << total << "  " << info.description << "\n";
    }
  }
}

void show_checkpoint(const std::string& path, std::ostream& os) {
  Checkpoint ck = load_checkpoint(path);
  const Sidecar& s = ck.sidecar;
  os << "architecture  " << s.model.architecture << " (" << s.model.head << " head)\n"
     << "input         " << s.model.input_size << "x" << s.model.input_size << "x" << s.model.in_channels << "\n"
     << "parameters    " << count_parameters(*ck.net) << "\n"
     << "temperature   " << s.temperature << (s.class_temperatures.empty() ? "" : " (+ per-class)") << "\n"
     << "abstention    " << (s.abstain_thresholds.empty() ? "none" : "per-class thresholds") << "\n"
     << "dataset       " << (s.dataset_fingerprint.empty() ? "(not recorded)" : s.dataset_fingerprint) << "\n"
     << "commit        " << s.git_commit << "\n"
     << "created       " << s.created << "\n"
     << "metrics       " << s.metrics.dump() << "\n";
}

}  // namespace

void register_models_command(CLI::App& app) {
  auto* models = app.add_subcommand("models", "List the model architectures and inspect checkpoints");
  models->require_subcommand(1);

  auto lo = std::make_shared<ListOptions>();
  auto* list = models->add_subcommand(
      "list",
      "Print every registered architecture with its default input side, pooled backbone size, and the parameter\n"
      "counts of the backbone alone and of the whole FerNet (backbone + Linear(dim, 256) + Linear(256, 8)).\n"
      "Counts are for --channels input channels (only the first convolution depends on it).");
  list->add_option("--channels", lo->channels, "Input channels: 1 (grayscale) or 3 (RGB)")
      ->default_val(1)
      ->check(CLI::IsMember({1, 3}));
  list->add_flag("--markdown", lo->markdown, "Print a Markdown table (as in docs/models.md)");
  list->footer("Examples:\n  ferkit models list\n  ferkit models list --channels 3 --markdown > table.md");
  list->callback([lo] { list_models(*lo, std::cout); });

  auto path = std::make_shared<std::string>();
  auto* show = models->add_subcommand(
      "show",
      "Load a checkpoint (<name>.pt + <name>.json) and print what its sidecar records: architecture, input,\n"
      "parameter count, temperature, abstention thresholds, dataset fingerprint, commit, creation time, metrics.\n"
      "Fails (exit 1) when the pair does not load: missing sidecar, unknown architecture, mismatching weights.");
  show->add_option("checkpoint", *path, "Checkpoint path: <name>, <name>.pt or <name>.json")->required();
  show->footer("Example:\n  ferkit models show runs/b0/best.pt");
  show->callback([path] { show_checkpoint(*path, std::cout); });
}

}  // namespace ferkit::cli
