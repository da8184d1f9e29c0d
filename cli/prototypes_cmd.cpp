// ferkit prototypes build|inspect|random — the frozen valence x arousal prototype bank.
#include <iostream>

#include "commands.h"
#include "ferkit/prototype_bank.h"

namespace ferkit::cli {
namespace {

void register_build(CLI::App* parent) {
  auto o = std::make_shared<PrototypeBankOptions>();
  auto features = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto* cmd = parent->add_subcommand(
      "build",
      "Build the prototype bank from the EEG teacher's out-of-fold features (Algorithm 1): a G x G grid over valence\n"
      "(rows) and arousal (columns) with centres evenly spaced from -0.8 to 0.8; each sample goes to the nearest centre\n"
      "per axis (the lower one on an exact tie); its L2-normalised feature is averaged per bin and the mean re-normalised\n"
      "to unit length; an empty bin takes the prototype of the nearest non-empty bin (Euclidean distance in cells, the\n"
      "lowest bin index on a tie); the prior is q = (N + epsilon) / sum (N + epsilon). Writes OUT (prototypes [G*G, D],\n"
      "prior [G*G], counts [G, G], centres [G]) and OUT's .json sidecar: the NPZ's SHA-256 (checked on every load: the\n"
      "bank is frozen), the features and EEG source it came from, and every empty bin with its fallback.");
  cmd->add_option("--features", *features, "features.npz from `ferkit eeg teacher`")->required();
  cmd->add_option("--out", *out, "Bank to write (.npz; the sidecar goes next to it as .json)")->required();
  cmd->add_option("--grid", o->grid, "Centres per axis G (G x G bins)")->default_val(o->grid);
  cmd->add_option("--epsilon", o->epsilon, "Prior smoothing epsilon")->default_val(o->epsilon);
  cmd->add_option("--feature-dim", o->feature_dim, "Required feature size (the student's; 0: any)")->default_val(o->feature_dim);
  cmd->add_option("--fallback-radius", o->fallback_radius,
                  "> 0: an empty bin with no non-empty bin within this many cells takes the global mean")
      ->default_val(o->fallback_radius);
  cmd->footer(
      "Errors: fewer samples than bins (both numbers), features of another dimension than --feature-dim, ratings\n"
      "outside [-1, 1].\n\n"
      "Example:\n"
      "  ferkit prototypes build --features runs/gameemo-teacher/features.npz --out runs/gameemo-bank/bank.npz --grid 5\n"
      "  ferkit prototypes inspect --bank runs/gameemo-bank/bank.npz --out runs/gameemo-bank");
  cmd->callback([o, features, out] {
    PrototypeBank b = build_prototype_bank_from_features(*features, *o);
    write_prototype_bank(b, *out);
    int64_t n = 0;
    for (int64_t c : b.counts) n += c;
    std::cout << "bank: " << b.grid << "x" << b.grid << " bins x " << b.dim << "-D from " << n << " samples, "
              << b.fallbacks.size() << " empty bins filled by their nearest neighbour\nwrote " << *out << "\n";
  });
}

void register_inspect(CLI::App* parent) {
  auto bank = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto* cmd = parent->add_subcommand(
      "inspect",
      "Show how much of the valence x arousal plane a bank covers: DIR/coverage.png (samples per bin, arousal up,\n"
      "valence right), DIR/centres.png (the bin centres, empty ones linked by a dashed line to the bin they borrow\n"
      "from), DIR/inspect.json, and on the console the count table and every empty bin with its fallback.");
  cmd->add_option("--bank", *bank, "Bank (.npz with its .json sidecar)")->required();
  cmd->add_option("--out", *out, "Output folder")->required();
  cmd->footer("Example:\n  ferkit prototypes inspect --bank runs/gameemo-bank/bank.npz --out runs/gameemo-bank");
  cmd->callback([bank, out] {
    for (const auto& line : inspect_prototype_bank(read_prototype_bank(*bank), *out)) std::cout << line << "\n";
  });
}

void register_random(CLI::App* parent) {
  auto like = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto seed = std::make_shared<int64_t>(1);
  auto* cmd = parent->add_subcommand(
      "random",
      "Write a random bank shaped like another: the same grid, dimension, counts and prior, but prototypes that are\n"
      "random unit vectors (standard normal components from std::mt19937_64(seed), normalised). Training a student\n"
      "with it (Proto-KD arm B2r) shows whether the EEG content of the bank matters, or only its prior.");
  cmd->add_option("--like", *like, "The bank to imitate")->required();
  cmd->add_option("--seed", *seed, "Random seed")->default_val(*seed);
  cmd->add_option("--out", *out, "Bank to write (.npz + .json)")->required();
  cmd->footer("Example:\n  ferkit prototypes random --like runs/gameemo-bank/bank.npz --seed 1 --out runs/gameemo-bank/random.npz");
  cmd->callback([like, out, seed] {
    PrototypeBank r = random_prototype_bank(read_prototype_bank(*like), *seed);
    write_prototype_bank(r, *out);
    std::cout << "random bank: " << r.grid << "x" << r.grid << " bins x " << r.dim << "-D, seed " << *seed << "\nwrote "
              << *out << "\n";
  });
}

}  // namespace

void register_prototypes_command(CLI::App& app) {
  auto* p = app.add_subcommand("prototypes", "The EEG prototype bank: build (Algorithm 1), inspect coverage, random control");
  p->require_subcommand(1);
  register_build(p);
  register_inspect(p);
  register_random(p);
}

}  // namespace ferkit::cli
