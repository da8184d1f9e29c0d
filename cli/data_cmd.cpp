// ferkit data index|check|merge — manifests, fingerprints and integrity checks.
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "ferkit/manifest.h"
#include "ferkit/readers.h"

namespace ferkit::cli {
namespace {

void add_read_options(CLI::App* cmd, ReadOptions& o) {
  cmd->add_option("--data", o.path, "Dataset root (or file, for npz / fer2013 / affectnet CSV)")->required();
  cmd->add_option("--format", o.format, "Reader: ferplus, ferplus-original, fer2013, npz, folder, affectnet, affectnet-mini, rafdb")
      ->default_val("ferplus");
  cmd->add_option("--split", o.split, "Which split to read: all, train, valid, test")->default_val("all");
  cmd->add_option("--label-mode", o.label_mode, "FERPlus label rule: majority, probability, multi_target")
      ->default_val("majority");
}

void print_class_table(const Dataset& d, std::ostream& os) {
  auto counts = d.class_counts();
  int64_t total = static_cast<int64_t>(d.samples.size());
  os << std::left << std::setw(12) << "class" << std::right << std::setw(8) << "count" << std::setw(9) << "share" << "\n";
  for (int k = 0; k < kNumClasses; ++k) {
    os << std::left << std::setw(12) << class_name(k) << std::right << std::setw(8) << counts[k] << std::setw(8)
       << std::fixed << std::setprecision(1) << (total ? 100.0 * counts[k] / total : 0.0) << "%\n";
  }
  os << std::left << std::setw(12) << "total" << std::right << std::setw(8) << total << "\n";
  for (const auto& [reason, n] : d.dropped) os << "dropped " << n << ": " << reason << "\n";
}

}  // namespace

void register_data_command(CLI::App& app) {
  auto* data = app.add_subcommand("data", "Index, check and merge datasets (manifests, fingerprints, integrity)");
  data->require_subcommand(1);

  auto o = std::make_shared<ReadOptions>();
  auto out = std::make_shared<std::string>();
  auto threads = std::make_shared<int>(2);
  auto* index = data->add_subcommand("index", "Read a dataset, write its manifest and print its class table and fingerprint");
  add_read_options(index, *o);
  index->add_option("--out", *out, "Manifest CSV to write (optional)");
  index->add_option("--threads", *threads, "Worker threads for hashing")->default_val(2);
  index->footer("Example:\n  ferkit data index --format ferplus --data ../shared/data/ferplus --split train --out train.csv");
  index->callback([o, out, threads] {
    Dataset d = read_dataset(*o);
    Manifest m = build_manifest(d, *threads);
    print_class_table(d, std::cout);
    if (!out->empty()) m.write_csv(*out);
    std::cout << "fingerprint " << m.fingerprint() << "\n";
  });
}

}  // namespace ferkit::cli
