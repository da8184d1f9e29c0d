// The pipeline's results: the EEG teacher against its baselines, the bank's coverage and the
// students' ablation table, as Markdown, LaTeX and JSON.
#include "ferkit/prior/neurogaze_results.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "ferkit/error.h"
#include "ferkit/metrics.h"
#include "ferkit/run_dir.h"

namespace ferkit {
namespace {

using nlohmann::json;

std::string num(const json& j, const char* f = "%.3f") {
  if (!j.is_number()) return "–";
  char b[32];
  std::snprintf(b, sizeof b, f, j.get<double>());
  return b;
}

// "0.812 ± 0.004", or "0.812 [0.79, 0.83]" for a single seed with a bootstrap interval.
std::string cell(const json& agg, const std::string& group, const std::string& key, const json& ci, bool latex) {
  const json& m = agg["mean"][group][key];
  const json& s = agg["std"][group][key];
  std::string out = num(m);
  if (s.is_number()) out += latex ? " $\\pm$ " + num(s) : " ± " + num(s);
  else if (ci.is_object() && ci.contains(key) && ci[key].is_array())
    out += " [" + num(ci[key][0], "%.3f") + ", " + num(ci[key][1], "%.3f") + "]";
  return out;
}

std::string latex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '%' || c == '&' || c == '#') out += '\\';
    out += c;
  }
  return out;
}

struct Column {
  const char* title;
  const char* group;
  const char* key;
};
const Column kColumns[] = {{"Acc", "8way", "acc"},           {"Macro-F1", "8way", "macro_f1"},
                           {"bACC", "8way", "bacc"},         {"Minority-F1", "8way", "minority_f1"},
                           {"ECE", "calibration", "ece"},    {"NLL", "calibration", "nll"}};

}  // namespace

json write_neurogaze_results(const std::filesystem::path& run, const json& teacher, const std::vector<std::string>& bank_lines,
                             const std::vector<AblationArm>& arms, const std::vector<int64_t>& seeds, bool quick) {
  json out;
  std::vector<std::string> md, tex;
  md.push_back("# Brain-informed prior: results" + std::string(quick ? " (quick smoke run: not a result)" : ""));
  md.push_back("");

  // EEG teacher.
  md.push_back("## EEG teacher (leave-subjects-out, " + std::to_string(teacher.value("folds", json::array()).size()) +
               " folds; mean ± std over folds [95% t interval])");
  md.push_back("");
  md.push_back("| model | dimension | CCC | RMSE |");
  md.push_back("| --- | --- | --- | --- |");
  tex.push_back("% EEG teacher, leave-subjects-out: mean $\\pm$ std over folds [95\\% t interval]");
  tex.push_back("\\begin{tabular}{llll}\n\\toprule\nModel & Dimension & CCC & RMSE \\\\\n\\midrule");
  for (const char* model : {"teacher", "mean", "ridge"}) {
    if (!teacher.contains("summary") || !teacher["summary"].contains(model)) continue;
    for (const char* dim : {"valence", "arousal"}) {
      const json& s = teacher["summary"][model][dim];
      auto show = [&](const char* metric, bool latex) {
        const json& x = s[metric];
        return num(x["mean"]) + (latex ? " $\\pm$ " : " ± ") + num(x["std"]) + " [" + num(x["t_low"]) + ", " + num(x["t_high"]) + "]";
      };
      const std::string name = std::string(model) == "mean" ? "mean rating" : std::string(model) == "ridge" ? "ridge (band power)" : "EEG teacher (CNN)";
      md.push_back("| " + name + " | " + dim + " | " + show("ccc", false) + " | " + show("rmse", false) + " |");
      tex.push_back(latex_escape(name) + " & " + dim + " & " + show("ccc", true) + " & " + show("rmse", true) + " \\\\");
    }
  }
  tex.push_back("\\bottomrule\n\\end{tabular}\n");
  md.push_back("");

  md.push_back("## Prototype bank");
  md.push_back("");
  md.push_back("```");
  for (const auto& l : bank_lines) md.push_back(l);
  md.push_back("```");
  md.push_back("");

  // Students.
  json arms_json = json::array();
  md.push_back("## Students (validation set; mean ± std over " + std::to_string(seeds.size()) +
               " seed(s), or [95% bootstrap interval] for one seed)");
  md.push_back("");
  std::string header = "| Arm | Adds | Seeds |", rule = "| --- | --- | --- |";
  std::string tex_header = "Arm & Adds & Seeds";
  for (const auto& c : kColumns) {
    header += std::string(" ") + c.title + " |";
    rule += " --- |";
    tex_header += std::string(" & ") + c.title;
  }
  md.push_back(header);
  md.push_back(rule);
  tex.push_back("% Students on the validation set: mean $\\pm$ std over seeds");
  tex.push_back("\\begin{tabular}{lll" + std::string(std::size(kColumns), 'c') + "}\n\\toprule\n" + tex_header + " \\\\\n\\midrule");
  for (const auto& arm : arms) {
    std::vector<json> runs;
    json dirs = json::array();
    for (int64_t s : seeds) {
      const auto dir = run / "students" / ("seed-" + std::to_string(s)) / (arm.name + "-s" + std::to_string(s));
      FERKIT_CHECK(std::filesystem::exists(dir / "metrics.json"),
                   "pipeline results: " << (dir / "metrics.json").string() << " is missing (the run did not finish)");
      runs.push_back(read_json_file(dir / "metrics.json"));
      dirs.push_back(dir.string());
    }
    const json agg = aggregate_runs(runs);
    const json ci = runs.size() == 1 ? runs[0].value("ci95", json()) : json();
    std::string row = "| " + arm.name + " | " + arm.label + " | " + std::to_string(runs.size()) + " |";
    std::string trow = arm.name + " & " + latex_escape(arm.label) + " & " + std::to_string(runs.size());
    json a = {{"name", arm.name}, {"label", arm.label}, {"runs", dirs}};
    for (const auto& c : kColumns) {
      row += " " + cell(agg, c.group, c.key, ci, false) + " |";
      trow += " & " + cell(agg, c.group, c.key, ci, true);
      a["mean"][c.key] = agg["mean"][c.group][c.key];
      a["std"][c.key] = agg["std"][c.group][c.key];
    }
    if (!ci.is_null()) a["ci95"] = ci;
    arms_json.push_back(a);
    md.push_back(row);
    tex.push_back(trow + " \\\\");
  }
  tex.push_back("\\bottomrule\n\\end{tabular}");
  md.push_back("");
  md.push_back("B0 is the base recipe's loss; each arm adds to the one before: B1 knowledge distillation from the image "
               "teacher, B2 Proto-KD against the EEG prototype bank, B3 D-Geo (B2r, when present: B2 with a random bank).");

  out["quick"] = quick;
  out["teacher"] = {{"summary", teacher.value("summary", json())}, {"pooled", teacher.value("pooled", json())}};
  out["bank"] = bank_lines;
  out["students"] = arms_json;
  out["seeds"] = seeds;
  out["report"] = md;
  auto write_lines = [&](const std::filesystem::path& f, const std::vector<std::string>& lines) {
    std::ofstream s(f);
    for (const auto& l : lines) s << l << "\n";
    if (!s) throw Error(f.string(), "a writable file", "cannot write it");
  };
  write_lines(run / "results.md", md);
  write_lines(run / "results.tex", tex);
  write_json_file(run / "results.json", out);
  return out;
}

}  // namespace ferkit
