// ferkit data index|check|merge|synth-faces — manifests, fingerprints, integrity checks, merged
// datasets and the synthetic sample dataset.
#include <iomanip>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "ferkit/dataset_merge.h"
#include "ferkit/error.h"
#include "ferkit/integrity.h"
#include "ferkit/manifest.h"
#include "ferkit/readers.h"
#include "ferkit/synthetic_faces.h"

namespace ferkit::cli {
namespace {

void add_read_options(CLI::App* cmd, ReadOptions& o, std::vector<std::string>& class_map, bool data_required = true) {
  auto* data = cmd->add_option("--data", o.path, "Dataset root (or file, for npz / fer2013 / affectnet CSV)");
  if (data_required) data->required();
  cmd->add_option("--format", o.format, "Reader: ferplus, ferplus-original, fer2013, npz, folder, affectnet, affectnet-mini, rafdb")
      ->default_val("ferplus");
  cmd->add_option("--split", o.split, "Which split to read: all, train, valid, test")->default_val("all");
  cmd->add_option("--label-mode", o.label_mode, "FERPlus label rule: majority, probability, multi_target")
      ->default_val("majority");
  cmd->add_option("--class-map", class_map, "folder: FOLDER=CLASS, repeatable (default: folder names are class names)");
  cmd->add_option("--image-root", o.image_root, "affectnet: image directory when it is not the CSV's directory");
}

void apply_class_map(const std::vector<std::string>& pairs, ReadOptions& o) {
  for (const auto& p : pairs) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == p.size())
      throw Error("--class-map '" + p + "'", "FOLDER=CLASS (for example happy=happiness)", "");
    o.class_map[p.substr(0, eq)] = p.substr(eq + 1);
  }
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

// Rows: sources in first-seen order; columns: classes.
void print_source_table(const Dataset& d, std::ostream& os) {
  std::vector<std::string> order;
  std::map<std::string, std::array<int64_t, kNumClasses>> counts;
  for (const auto& s : d.samples) {
    if (!counts.count(s.source)) order.push_back(s.source);
    ++counts[s.source][s.label];
  }
  os << std::left << std::setw(16) << "source" << std::right;
  for (const auto& n : class_names()) os << std::setw(10) << n;
  os << std::setw(10) << "total" << "\n";
  std::array<int64_t, kNumClasses> all{};
  for (const auto& src : order) {
    int64_t t = 0;
    os << std::left << std::setw(16) << src << std::right;
    for (int k = 0; k < kNumClasses; ++k) {
      os << std::setw(10) << counts[src][k];
      t += counts[src][k];
      all[k] += counts[src][k];
    }
    os << std::setw(10) << t << "\n";
  }
  os << std::left << std::setw(16) << "total" << std::right;
  for (int64_t c : all) os << std::setw(10) << c;
  os << std::setw(10) << d.samples.size() << "\n";
  for (const auto& [reason, n] : d.dropped) os << "dropped " << n << ": " << reason << "\n";
}

void register_index(CLI::App* data) {
  auto o = std::make_shared<ReadOptions>();
  auto class_map = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  auto threads = std::make_shared<int>(2);
  auto* index = data->add_subcommand("index", "Read a dataset, write its manifest and print its class table and fingerprint");
  index->description(
      "Reads a dataset with the chosen reader, hashes every image, prints the samples per class and\n"
      "what the reader dropped, and prints the dataset fingerprint (SHA-256 over the sorted manifest\n"
      "lines: the same data gives the same fingerprint, any changed pixel, label or split changes it).");
  add_read_options(index, *o, *class_map);
  index->add_option("--out", *out, "Manifest CSV to write (optional)");
  index->add_option("--threads", *threads, "Worker threads for hashing")->default_val(2);
  index->footer(
      "Examples:\n"
      "  ferkit data index --format ferplus --data ../shared/data/ferplus --split train --out train.csv\n"
      "  ferkit data index --data data/sample");
  index->callback([o, class_map, out, threads] {
    apply_class_map(*class_map, *o);
    Dataset d = read_dataset(*o);
    Manifest m = build_manifest(d, *threads);
    print_class_table(d, std::cout);
    if (!out->empty()) m.write_csv(*out);
    std::cout << "fingerprint " << m.fingerprint() << "\n";
  });
}

void register_check(CLI::App* data) {
  auto o = std::make_shared<ReadOptions>();
  auto class_map = std::make_shared<std::vector<std::string>>();
  auto c = std::make_shared<CheckOptions>();
  auto json = std::make_shared<bool>(false);
  auto sources = std::make_shared<std::vector<std::string>>();
  auto* check = data->add_subcommand("check", "Check a dataset's integrity: missing, broken or misplaced images, bad labels, duplicates, leakage");
  check->description(
      "Reads a dataset and every one of its images once, then reports per reason how many rows are\n"
      "affected and lists the first of them with their label file and line:\n"
      "  errors    missing_file, unreadable_file (truncated or undecodable), bad_crop,\n"
      "            path_outside_root (absolute or ..), wrong_size (with --expected-size),\n"
      "            duplicate_path, target_out_of_range\n"
      "  warnings  image_without_label, crop_clipped, empty_class, tiny_class,\n"
      "            exact_duplicate_within_split, near_duplicate_within_split (difference hash),\n"
      "            leakage_across_splits, leakage_across_sources (errors with --strict-leakage)\n"
      "It also prints the samples per class and split. The exit status is 1 when there are errors;\n"
      "warnings alone exit 0. With --source (repeatable) instead of --format/--data, the sources are\n"
      "merged as by 'ferkit data merge' and checked together, which finds leakage across them.");
  add_read_options(check, *o, *class_map, /*data_required=*/false);
  check->add_option("--source", *sources, "Check these datasets together, each format:path[:split] (instead of --data)");
  check->add_option("--expected-size", c->expected_size, "Expected image width and height in pixels (0: any)")->default_val(0);
  check->add_flag("--strict-leakage", c->strict_leakage, "Report leakage across splits or sources as errors");
  check->add_option("--dhash-threshold", c->dhash_threshold, "Near-duplicate when the dhash distance is below this (0: off)")
      ->default_val(8);
  check->add_option("--max-listed", c->max_listed, "Offending rows listed per reason")->default_val(10);
  check->add_option("--min-class-share", c->min_class_share, "Warn when a class holds less than this share of a split")
      ->default_val(0.01);
  check->add_option("--threads", c->threads, "Worker threads reading images")->default_val(2);
  check->add_flag("--json", *json, "Print the report as JSON instead of text");
  check->footer(
      "Examples:\n"
      "  ferkit data check --format ferplus --data ../shared/data/ferplus --expected-size 48\n"
      "  ferkit data check --format folder --data ckplus48 --strict-leakage --json\n"
      "  ferkit data check --source ferplus:../shared/data/ferplus --source folder:ckplus48");
  check->callback([o, class_map, c, json, sources] {
    if (sources->empty() == o->path.empty())
      throw Error("data check", "either --data (one dataset) or --source (several)", sources->empty() ? "neither" : "both");
    apply_class_map(*class_map, *o);
    std::vector<ReadOptions> specs;
    for (const auto& s : *sources) {
      specs.push_back(parse_source_spec(s));
      specs.back().label_mode = o->label_mode;
    }
    const CheckReport r = check_dataset(specs.empty() ? read_dataset(*o) : merge_datasets(specs), *c);
    if (*json) std::cout << r.to_json().dump(2) << "\n";
    else std::cout << r.text();
    if (!r.ok()) throw Error("data check", "no errors", std::to_string(r.errors()) + " errors (listed above)");
  });
}

void register_merge(CLI::App* data) {
  auto specs = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  auto label_mode = std::make_shared<std::string>("majority");
  auto threads = std::make_shared<int>(2);
  auto* merge = data->add_subcommand("merge", "Read several datasets and write one manifest with a source column");
  merge->description(
      "Reads each --source (format:path[:split]) with its reader, concatenates the samples in the\n"
      "order given, rewrites image paths relative to the folder that holds every source, writes one\n"
      "manifest whose source column says where each row came from, and prints the samples per source\n"
      "and class and the fingerprint of the merged dataset. Run 'ferkit data check' on the sources to\n"
      "find leakage between them.");
  merge->add_option("--source", *specs, "A dataset as format:path[:split], repeatable")->required();
  merge->add_option("--out", *out, "Merged manifest CSV to write")->required();
  merge->add_option("--label-mode", *label_mode, "FERPlus label rule for FERPlus sources")->default_val("majority");
  merge->add_option("--threads", *threads, "Worker threads for hashing")->default_val(2);
  merge->footer(
      "Example:\n"
      "  ferkit data merge --source ferplus:../shared/data/ferplus:train --source folder:ckplus48 \\\n"
      "      --out merged.csv");
  merge->callback([specs, out, label_mode, threads] {
    std::vector<ReadOptions> sources;
    for (const auto& s : *specs) {
      sources.push_back(parse_source_spec(s));
      sources.back().label_mode = *label_mode;
    }
    Dataset d = merge_datasets(sources);
    Manifest m = build_manifest(d, *threads);
    m.write_csv(*out);
    print_source_table(d, std::cout);
    std::cout << "root " << d.root.string() << "\n";
    std::cout << "fingerprint " << m.fingerprint() << "\n";
  });
}

void register_synth_faces(CLI::App* data) {
  auto o = std::make_shared<SyntheticFacesOptions>();
  auto* synth = data->add_subcommand("synth-faces", "Draw a small synthetic face dataset in the FERPlus release layout");
  synth->description(
      "Draws 48x48 grayscale cartoon faces, one shape of eyes, brows and mouth per expression (all 8\n"
      "classes) with random position, size, tilt, brightness and noise, and writes them with\n"
      "FERPlus-style label.csv files (10 votes per row around the intended class) under\n"
      "OUT/FER2013Train and OUT/FER2013Valid. The same seed gives byte-identical files; the bundled\n"
      "data/sample was made this way.");
  synth->add_option("--out", o->out, "Output directory")->required();
  synth->add_option("--per-class", o->per_class, "Training images per class")->default_val(12);
  synth->add_option("--valid-per-class", o->valid_per_class, "Validation images per class (-1: per-class / 3)")->default_val(-1);
  synth->add_option("--seed", o->seed, "Random seed")->default_val(7);
  synth->footer(
      "Example (how data/sample was made):\n"
      "  ferkit data synth-faces --out data/sample --per-class 12 --seed 7\n"
      "  ferkit data check --data data/sample --expected-size 48");
  synth->callback([o] {
    const SyntheticFacesSummary s = write_synthetic_faces(*o);
    std::cout << "wrote " << s.train_rows << " training and " << s.valid_rows << " validation faces to " << o->out << "\n";
  });
}

}  // namespace

void register_data_command(CLI::App& app) {
  auto* data = app.add_subcommand("data", "Index, check and merge datasets (manifests, fingerprints, integrity)");
  data->require_subcommand(1);
  register_index(data);
  register_check(data);
  register_merge(data);
  register_synth_faces(data);
}

}  // namespace ferkit::cli
