// Result tables for papers and READMEs, as LaTeX (booktabs) and Markdown, from metrics.json files.
//
//   auto rows = ferkit::parse_table_rows({"FERPlus=runs/eval-ferplus", "CK+=runs/eval-ck"});
//   ferkit::ResultTable t = ferkit::cross_dataset_table(ferkit::load_table_rows(rows));
//   auto ab = ferkit::parse_table_rows({"B0=runs/b0-s0,runs/b0-s1,B1=runs/b1-s0,runs/b1-s1"});
//   ferkit::ResultTable a = ferkit::ablation_table(ferkit::load_table_rows(ab));
//   ferkit::write_table_files(a, "tables/ablation");    // tables/ablation.tex + tables/ablation.md
//
// Row specs: NAME=DIR[,DIR...] starts a row named NAME; a comma-separated item without '=' adds a
// run directory to the row before it; a bare DIR is a row named after the directory. Each run
// directory (or metrics.json file) must hold a metrics.json (ferkit/metrics.h schema).
//
// Numbers are percentages with TableOptions::decimals decimals (round half away from zero).
// - Cross-dataset: one row per evaluation; columns n, 8-way acc / macro-F1 / bACC each with its
//   bootstrap interval ("81.2 [79.8, 82.6]", from the ci95 block, or whichever ciNN it has) and
//   present-only acc / macro-F1 / bACC. A row with several runs uses the first and says so (Error).
// - Ablation: one row per variant; columns runs, 8-way acc / macro-F1 / bACC / minority-F1 as
//   "mean ± std" over the row's runs (ferkit::aggregate_runs; sample std, n - 1) or the single value.
// A metric that is null (undefined) prints as "--" (LaTeX) / "n/a" (Markdown). LaTeX escapes
// & % $ # _ { } ~ ^ \ in names.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ferkit {

struct TableRowSpec {
  std::string name;
  std::vector<std::filesystem::path> runs;  // run directories or metrics.json files
};

struct TableRow {
  std::string name;
  std::vector<nlohmann::json> metrics;  // one metrics.json per run
  std::vector<std::string> files;       // where each came from (named in errors)
};

struct TableOptions {
  int decimals = 1;          // decimals of the percentages
  std::string caption;       // LaTeX caption ("" = none; Markdown gets it as a line above)
  std::string label;         // LaTeX \label ("" = none)
  template <class V>
  void visit(V& v) {
    v("decimals", decimals, "decimals of the percentages");
    v("caption", caption, "table caption");
    v("label", label, "LaTeX label");
  }
};

struct ResultTable {
  std::string latex;     // a table environment with a booktabs tabular
  std::string markdown;  // a GitHub-flavoured Markdown table
};

std::vector<TableRowSpec> parse_table_rows(const std::vector<std::string>& specs);
// Reads every run's metrics.json (Error naming the file when absent or unreadable).
std::vector<TableRow> load_table_rows(const std::vector<TableRowSpec>& specs);

ResultTable cross_dataset_table(const std::vector<TableRow>& rows, const TableOptions& options = {});
ResultTable ablation_table(const std::vector<TableRow>& rows, const TableOptions& options = {});

// Writes <stem>.tex and <stem>.md (creating the parent directory); returns the two paths.
std::vector<std::filesystem::path> write_table_files(const ResultTable& table, const std::filesystem::path& stem);

// LaTeX text with & % $ # _ { } ~ ^ \ escaped.
std::string latex_escape(const std::string& text);

}  // namespace ferkit
