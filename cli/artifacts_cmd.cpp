// ferkit artifacts pack RUN_DIR --out BUNDLE | ferkit artifacts verify BUNDLE
#include <iostream>

#include "commands.h"
#include "ferkit/error.h"
#include "ferkit/report/artifact_bundle.h"

namespace ferkit::cli {

void register_artifacts_command(CLI::App& app) {
  auto* artifacts = app.add_subcommand("artifacts", "Bundle a run's checkpoint, metrics and tables with SHA256SUMS, and verify bundles");
  artifacts->require_subcommand(1);

  auto run = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto o = std::make_shared<PackOptions>();
  auto* pack = artifacts->add_subcommand("pack", "Bundle a run directory's checkpoint, prototype bank, metrics and tables");
  pack->description(
      "Copies from RUN_DIR the checkpoint and its sidecar (best.pt + best.json), the prototype bank when\n"
      "there is one (prototypes.npz, prototype_bank.npz, prototypes/), the metrics and provenance\n"
      "(metrics.json, metrics.jsonl, metrics.csv, predictions.csv, config.json, run.json, dataset.json,\n"
      "fingerprint.json), tables (tables/, *.tex, *.md) and any --extra paths into a .zip archive or a new\n"
      "directory, with a SHA256SUMS file in the format of sha256sum, so that 'sha256sum -c SHA256SUMS'\n"
      "checks the unpacked bundle as well as 'ferkit artifacts verify'.");
  pack->add_option("run_dir", *run, "Run directory")->required()->check(CLI::ExistingDirectory);
  pack->add_option("--out,-o", *out, "Bundle: a .zip file, or a new (or empty) directory")->required();
  pack->add_option("--checkpoint", o->checkpoint, "Checkpoint in the run directory")->default_val("best.pt");
  pack->add_option("--extra", o->extra, "Another file or folder of the run directory to include, repeatable");
  pack->footer(
      "Examples:\n"
      "  ferkit artifacts pack runs/mnv3s-ce-s0 --out mnv3s-ce-s0.zip\n"
      "  ferkit artifacts pack runs/b2 --out release/b2 --extra report.html --extra report\n"
      "  (cd release/b2 && sha256sum -c SHA256SUMS)");
  pack->callback([run, out, o] {
    PackResult r = pack_artifacts(*run, *out, *o);
    for (const auto& f : r.files) std::cout << f << "\n";
    std::cout << r.files.size() << " files + SHA256SUMS in " << r.bundle.string() << "\n";
  });

  auto bundle = std::make_shared<std::string>();
  auto* verify = artifacts->add_subcommand("verify", "Re-check every digest of a bundle; report mismatched, missing and extra files");
  verify->description(
      "Recomputes the SHA-256 of every file listed in the bundle's SHA256SUMS and prints one line per\n"
      "file whose digest differs (MISMATCH), per listed file that is absent (MISSING) and per file that\n"
      "is present but not listed (EXTRA), then a summary line. Exits 1 when there is any of them.");
  verify->add_option("bundle", *bundle, "A bundle: .zip archive or directory")->required();
  verify->footer(
      "Examples:\n"
      "  ferkit artifacts verify mnv3s-ce-s0.zip\n"
      "  ferkit artifacts verify release/b2");
  verify->callback([bundle] {
    VerifyResult r = verify_artifacts(*bundle);
    std::cout << r.text();
    if (!r.ok())
      throw Error(*bundle, "every file listed in SHA256SUMS present with its digest, and no other file",
                  std::to_string(r.mismatched.size()) + " mismatched, " + std::to_string(r.missing.size()) + " missing, " +
                      std::to_string(r.extra.size()) + " extra");
  });
}

}  // namespace ferkit::cli
