// ferkit tables cross-dataset|ablation --runs ... --out STEM — LaTeX + Markdown result tables.
#include <iostream>

#include "commands.h"
#include "ferkit/report/result_tables.h"

namespace ferkit::cli {
namespace {

void register_table(CLI::App* tables, const std::string& name, const std::string& help, const std::string& description,
                    const std::string& footer, bool ablation) {
  auto* cmd = tables->add_subcommand(name, help);
  cmd->description(description);
  auto runs = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  auto o = std::make_shared<TableOptions>();
  cmd->add_option("--runs,-r", *runs, "Rows: NAME=DIR[,DIR...] or DIR, repeatable (DIR holds metrics.json)")->required();
  cmd->add_option("--out,-o", *out, "Output stem: writes STEM.tex and STEM.md")->required();
  cmd->add_option("--decimals", o->decimals, "Decimals of the percentages")->default_val(1);
  cmd->add_option("--caption", o->caption, "Table caption");
  cmd->add_option("--label", o->label, "LaTeX \\label");
  cmd->footer(footer);
  cmd->callback([runs, out, o, ablation] {
    const std::vector<TableRow> rows = load_table_rows(parse_table_rows(*runs));
    const ResultTable t = ablation ? ablation_table(rows, *o) : cross_dataset_table(rows, *o);
    for (const auto& f : write_table_files(t, *out)) std::cerr << "wrote " << f.string() << "\n";
    std::cout << t.markdown;
  });
}

}  // namespace

void register_tables_command(CLI::App& app) {
  auto* tables = app.add_subcommand("tables", "Write result tables (LaTeX booktabs + Markdown) from metrics.json files");
  tables->require_subcommand(1);
  register_table(
      tables, "cross-dataset", "One row per evaluation: 8-way and present-only acc / macro-F1 / bACC",
      "Reads the metrics.json of each evaluation directory (ferkit eval --out, or a training run) and writes\n"
      "a table with one row per evaluation and the columns n, 8-way accuracy, macro-F1 and balanced\n"
      "accuracy with their 95% bootstrap intervals, and the same three present-only (averaged over the\n"
      "classes the data has). Numbers are percentages. STEM.tex needs \\usepackage{booktabs}; STEM.md is\n"
      "printed too.",
      "Examples:\n"
      "  ferkit tables cross-dataset --runs FERPlus=runs/eval-ferplus --runs AffectNet=runs/eval-affectnet \\\n"
      "      --runs CK+=runs/eval-ck --out tables/cross_dataset\n"
      "  ferkit tables cross-dataset --runs runs/eval-ferplus,runs/eval-ck --out cross --caption 'Cross-dataset'",
      false);
  register_table(
      tables, "ablation", "One row per variant: acc / macro-F1 / bACC / minority-F1, mean +- std over seeds",
      "Reads the metrics.json of each run directory and writes one row per variant with the 8-way\n"
      "accuracy, macro-F1, balanced accuracy and minority-F1 (mean F1 of disgust, fear, sadness) as\n"
      "percentages: mean +- sample standard deviation over the variant's runs (seeds) when it has several,\n"
      "the value itself when it has one. In --runs, NAME=DIR starts a row and each further comma-separated\n"
      "DIR adds a seed to it.",
      "Examples:\n"
      "  ferkit tables ablation --runs B0=runs/b0-s0,runs/b0-s1,runs/b0-s2,B1=runs/b1-s0,runs/b1-s1,runs/b1-s2 \\\n"
      "      --out tables/ablation\n"
      "  ferkit tables ablation --runs B0=runs/b0 --runs B1=runs/b1 --out ablation --decimals 2",
      true);
}

}  // namespace ferkit::cli
