// ferkit teacher export | ensemble — logits for distillation and weighted teacher ensembles.
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "ferkit/teacher.h"

namespace ferkit::cli {

void register_teacher_command(CLI::App& app) {
  auto* teacher = app.add_subcommand("teacher", "Export teacher logits for distillation; search teacher ensembles");
  teacher->require_subcommand(1);

  auto e = std::make_shared<TeacherExportOptions>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto* ex = teacher->add_subcommand("export", "Write a model's (or an ensemble's) logits for every sample of a dataset");
  ex->add_option("--model,-m", e->model, "Checkpoint, .onnx, or ensemble recipe (.json from 'teacher ensemble')")->required();
  ex->add_option("--backend", e->backend, "Classifier backend")->default_val("auto");
  ex->add_option("--data,-d", *data, "Dataset root or file (the student's training data)")->required();
  ex->add_option("--format,-f", e->data.format, "Reader")->default_val("ferplus");
  ex->add_option("--split", e->data.split, "Split")->default_val("train");
  ex->add_option("--label-mode", e->data.label_mode, "FERPlus label rule (as the student's data.label_mode)")->default_val("majority");
  ex->add_option("--limit", e->limit, "The student's data.limit_train, if any")->default_val(0);
  ex->add_option("--seed", e->seed, "The student's seed (only with --limit)")->default_val(0);
  ex->add_option("--threads", e->threads, "Threads")->default_val(2);
  ex->add_option("--out,-o", *out, "Side file to write (.npz)")->required();
  ex->footer(
      "The side file carries the dataset's fingerprint, order digest and count: a student recipe that\n"
      "names it (`[[teacher]] logits = \"...\"`) must read exactly the same data, or training stops with\n"
      "an error saying whether count, content or order differ.\n\n"
      "Example:\n"
      "  ferkit teacher export --model runs/teacher/best.pt --format ferplus --data ../shared/data/ferplus \\\n"
      "      --split train --label-mode probability --out runs/teacher/train_logits.npz");
  ex->callback([=] {
    TeacherExportOptions o = *e;
    o.data.path = *data;
    int64_t n = export_teacher_logits(o, *out);
    std::cout << "wrote " << n << " x 8 teacher logits to " << *out << "\n";
  });

  auto s = std::make_shared<EnsembleSearchOptions>();
  auto sdata = std::make_shared<std::string>();
  auto sout = std::make_shared<std::string>();
  auto* en = teacher->add_subcommand("ensemble", "Search fusion weights and temperatures of several teachers on validation data");
  en->add_option("--teacher,-t", s->models, "Teacher checkpoints (repeat)")->required();
  en->add_option("--backend", s->backend, "Classifier backend")->default_val("auto");
  en->add_option("--data,-d", *sdata, "Validation data")->required();
  en->add_option("--format,-f", s->data.format, "Reader")->default_val("ferplus");
  en->add_option("--split", s->data.split, "Split")->default_val("valid");
  en->add_option("--label-mode", s->data.label_mode, "FERPlus label rule")->default_val("majority");
  en->add_option("--objective", s->objective, "macro_f1 (ties broken by NLL) or nll")->default_val("macro_f1");
  en->add_option("--weight-step", s->weight_step, "Grid step of the fusion weights")->default_val(0.1);
  en->add_option("--threads", s->threads, "Threads")->default_val(2);
  en->add_option("--out,-o", *sout, "Ensemble recipe to write (.json)")->required();
  en->footer(
      "Fused probabilities are sum_j w_j softmax(z_j / T_j). The recipe is usable wherever a teacher\n"
      "checkpoint is (teacher export, ferkit eval does not take it). The report compares the ensemble with\n"
      "the best single teacher on the same data.\n\n"
      "Example:\n"
      "  ferkit teacher ensemble -t runs/t1/best.pt -t runs/t2/best.pt --data ../shared/data/ferplus --out runs/ens.json");
  en->callback([=] {
    EnsembleSearchOptions o = *s;
    o.data.path = *sdata;
    EnsembleRecipe r = search_ensemble(o);
    write_ensemble_recipe(*sout, r);
    std::cout << std::fixed << std::setprecision(4);
    for (const auto& m : r.members) std::cout << "member " << m.model << ": weight " << m.weight << ", T " << m.temperature << "\n";
    for (const auto& single : r.validation["singles"])
      std::cout << "single " << single["model"].get<std::string>() << ": acc " << single["acc"].get<double>() << ", macro-F1 "
                << single["macro_f1"].get<double>() << "\n";
    const auto& ens = r.validation["ensemble"];
    std::cout << "ensemble: acc " << ens["acc"].get<double>() << ", macro-F1 " << ens["macro_f1"].get<double>() << ", NLL "
              << ens["nll"].get<double>() << "\nwrote " << *sout << "\n";
  });
}

}  // namespace ferkit::cli
