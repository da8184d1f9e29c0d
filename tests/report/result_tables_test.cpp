// Result tables: exact LaTeX and Markdown for hand-computed fixtures, the --runs grammar, the CLI
// writing both files, and the errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ferkit/error.h"
#include "ferkit/report/result_tables.h"
#include "ferkit/run_dir.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

using nlohmann::json;

json eval_metrics(int n, json acc, json f1, json bacc, json pacc, json pf1, json pbacc, json ci = json()) {
  json m{{"n", n},
         {"8way", {{"acc", acc}, {"macro_f1", f1}, {"bacc", bacc}, {"minority_f1", 0.1}}},
         {"present_only", {{"acc", pacc}, {"macro_f1", pf1}, {"bacc", pbacc}}},
         {"model", "m.pt"}};
  if (!ci.is_null()) m["ci95"] = ci;
  return m;
}

json ablation_metrics(double acc, double f1, double bacc, double minority) {
  return {{"n", 100}, {"8way", {{"acc", acc}, {"macro_f1", f1}, {"bacc", bacc}, {"minority_f1", minority}}}};
}

std::vector<TableRow> cross_rows() {
  TableRow a{"FERPlus (within)",
             {eval_metrics(3191, 0.8125, 0.60049, 0.5, 0.8125, 0.7, 0.655,
                           {{"acc", {0.79751, 0.82649}}, {"macro_f1", {0.58, 0.62}}, {"bacc", nullptr}})},
             {"a/metrics.json"}};
  TableRow b{"CK+ & co_1", {eval_metrics(981, 0.25, nullptr, 0.125, 0.25, 1.0 / 3.0, 0.0)}, {"b/metrics.json"}};
  return {a, b};
}

const char* kCrossLatex =
    "\\begin{table}[t]\n"
    "\\centering\n"
    "\\caption{Cross-dataset: 8-way and present-only}\n"
    "\\label{tab:cross}\n"
    "\\begin{tabular}{lrcccrrr}\n"
    "\\toprule\n"
    " & & \\multicolumn{3}{c}{8-way} & \\multicolumn{3}{c}{Present-only} \\\\\n"
    "\\cmidrule(lr){3-5} \\cmidrule(lr){6-8}\n"
    "Evaluation & $n$ & Acc & Macro-F1 & bACC & Acc & Macro-F1 & bACC \\\\\n"
    "\\midrule\n"
    "FERPlus (within) & 3191 & 81.3 {\\scriptsize [79.8, 82.6]} & 60.0 {\\scriptsize [58.0, 62.0]} & 50.0 & 81.3 & 70.0 & 65.5 \\\\\n"
    "CK+ \\& co\\_1 & 981 & 25.0 & -- & 12.5 & 25.0 & 33.3 & 0.0 \\\\\n"
    "\\bottomrule\n"
    "\\end{tabular}\n"
    "\\end{table}\n";

const char* kCrossMarkdown =
    "Cross-dataset: 8-way and present-only\n"
    "\n"
    "| Evaluation | n | 8-way acc | 8-way macro-F1 | 8-way bACC | present-only acc | present-only macro-F1 | present-only bACC |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|\n"
    "| FERPlus (within) | 3191 | 81.3 [79.8, 82.6] | 60.0 [58.0, 62.0] | 50.0 | 81.3 | 70.0 | 65.5 |\n"
    "| CK+ & co_1 | 981 | 25.0 | n/a | 12.5 | 25.0 | 33.3 | 0.0 |\n";

TEST(ResultTables, CrossDatasetTableIsExact) {
  TableOptions o;
  o.caption = "Cross-dataset: 8-way and present-only";
  o.label = "tab:cross";
  const ResultTable t = cross_dataset_table(cross_rows(), o);
  EXPECT_EQ(t.latex, kCrossLatex);
  EXPECT_EQ(t.markdown, kCrossMarkdown);
}

const char* kAblationLatex =
    "\\begin{table}[t]\n"
    "\\centering\n"
    "\\begin{tabular}{lrcccc}\n"
    "\\toprule\n"
    "Variant & Runs & Acc & Macro-F1 & bACC & Minority-F1 \\\\\n"
    "\\midrule\n"
    "B0 & 2 & 81.0 $\\pm$ 1.4 & 52.0 $\\pm$ 2.8 & 60.0 $\\pm$ 0.0 & 33.0 $\\pm$ 4.2 \\\\\n"
    "B1 & 1 & 70.0 & 45.0 & 50.0 & 20.0 \\\\\n"
    "\\bottomrule\n"
    "\\end{tabular}\n"
    "\\end{table}\n";

const char* kAblationMarkdown =
    "| Variant | runs | acc | macro-F1 | bACC | minority-F1 |\n"
    "|---|---:|---:|---:|---:|---:|\n"
    "| B0 | 2 | 81.0 ± 1.4 | 52.0 ± 2.8 | 60.0 ± 0.0 | 33.0 ± 4.2 |\n"
    "| B1 | 1 | 70.0 | 45.0 | 50.0 | 20.0 |\n";

// B0: acc 0.80, 0.82 -> mean 81.0, sample std sqrt(2 * 0.01^2 / 1) = 1.41 -> 1.4; macro-F1 0.50,
// 0.54 -> 52.0 +- 2.83; bACC equal -> std 0.0; minority 0.30, 0.36 -> 33.0 +- 4.24.
TEST(ResultTables, AblationTableIsExactThroughTheCli) {
  test::TempDir dir("tables");
  write_json_file(dir / "b0-s0/metrics.json", ablation_metrics(0.80, 0.50, 0.60, 0.30));
  write_json_file(dir / "b0-s1/metrics.json", ablation_metrics(0.82, 0.54, 0.60, 0.36));
  write_json_file(dir / "b1/metrics.json", ablation_metrics(0.70, 0.45, 0.50, 0.20));
  const std::string d = dir.path().string();
  auto r = test::run_cli({"tables", "ablation", "--runs", "B0=" + d + "/b0-s0," + d + "/b0-s1", "--runs", "B1=" + d + "/b1",
                          "--out", d + "/out/ablation"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(test::read_text(dir / "out/ablation.tex"), kAblationLatex);
  EXPECT_EQ(test::read_text(dir / "out/ablation.md"), kAblationMarkdown);
  EXPECT_EQ(r.out, kAblationMarkdown);
}

TEST(ResultTables, RunsGrammar) {
  auto rows = parse_table_rows({"B0=runs/b0-s0,runs/b0-s1,B1=runs/b1-s0", "runs/eval-ck/", "runs/eval-aff/metrics.json"});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].name, "B0");
  ASSERT_EQ(rows[0].runs.size(), 2u);
  EXPECT_EQ(rows[0].runs[1], "runs/b0-s1");
  EXPECT_EQ(rows[1].name, "B1");
  EXPECT_EQ(rows[1].runs.size(), 1u);
  EXPECT_EQ(rows[2].runs[0], "runs/eval-ck/");
  EXPECT_EQ(rows[3].name, "eval-aff");
  EXPECT_THROW(parse_table_rows({"B0=a,,b"}), Error);
  EXPECT_THROW(parse_table_rows({"=a"}), Error);
}

TEST(ResultTables, ErrorsNameTheFileOrRow) {
  test::TempDir dir("tables-err");
  try {
    load_table_rows(parse_table_rows({"X=" + (dir / "nothing").string()}));
    FAIL() << "no error for a missing metrics.json";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "nothing/metrics.json").string()), std::string::npos) << e.what();
  }
  auto rows = cross_rows();
  rows[0].metrics.push_back(rows[0].metrics[0]);
  rows[0].files.push_back("c/metrics.json");
  try {
    cross_dataset_table(rows);
    FAIL() << "no error for two runs in a cross-dataset row";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("FERPlus (within)"), std::string::npos) << e.what();
  }
  rows = cross_rows();
  rows[1].metrics[0].erase("present_only");
  try {
    cross_dataset_table(rows);
    FAIL() << "no error for a metrics.json without present_only";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("b/metrics.json"), std::string::npos) << e.what();
  }
  EXPECT_EQ(latex_escape("a_b & 50% #1 {x} ~ ^ \\"), "a\\_b \\& 50\\% \\#1 \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}");
}

}  // namespace
}  // namespace ferkit
