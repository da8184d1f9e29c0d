// LaTeX and Markdown result tables from metrics.json files (ferkit/report/result_tables.h).
#include "ferkit/report/result_tables.h"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "ferkit/error.h"
#include "ferkit/metrics.h"
#include "ferkit/run_dir.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A cell in both syntaxes.
struct Cell {
  std::string tex, md;
};

std::string percent(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  double r = std::round(v * 100.0 * scale) / scale;
  if (r == 0) r = 0;  // no "-0.0"
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << r;
  return s.str();
}

const json& field(const json& j, const std::string& key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) throw Error(where, "a \"" + key + "\" entry (metrics.json of ferkit eval or train)", "none");
  return *it;
}

Cell value_cell(const json& v, int decimals) {
  if (!v.is_number()) return {"--", "n/a"};
  const std::string s = percent(v.get<double>(), decimals);
  return {s, s};
}

Cell interval_cell(const json& v, const json& ci, int decimals) {
  Cell c = value_cell(v, decimals);
  if (!v.is_number() || !ci.is_array() || ci.size() != 2 || !ci[0].is_number() || !ci[1].is_number()) return c;
  const std::string lo = percent(ci[0].get<double>(), decimals), hi = percent(ci[1].get<double>(), decimals);
  c.tex += " {\\scriptsize [" + lo + ", " + hi + "]}";
  c.md += " [" + lo + ", " + hi + "]";
  return c;
}

Cell mean_std_cell(const json& mean, const json& sd, int runs, int decimals) {
  Cell c = value_cell(mean, decimals);
  if (runs < 2 || !mean.is_number() || !sd.is_number()) return c;
  const std::string s = percent(sd.get<double>(), decimals);
  c.tex += " $\\pm$ " + s;
  c.md += " ± " + s;
  return c;
}

ResultTable render(const std::vector<std::string>& header_tex, const std::vector<std::string>& header_md,
                   const std::string& tex_columns, const std::string& tex_group_rows,
                   const std::vector<std::vector<Cell>>& rows, const TableOptions& o) {
  ResultTable t;
  std::ostringstream tex;
  tex << "\\begin{table}[t]\n\\centering\n";
  if (!o.caption.empty()) tex << "\\caption{" << latex_escape(o.caption) << "}\n";
  if (!o.label.empty()) tex << "\\label{" << o.label << "}\n";
  tex << "\\begin{tabular}{" << tex_columns << "}\n\\toprule\n" << tex_group_rows;
  for (size_t i = 0; i < header_tex.size(); ++i) tex << (i ? " & " : "") << header_tex[i];
  tex << " \\\\\n\\midrule\n";
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) tex << (i ? " & " : "") << row[i].tex;
    tex << " \\\\\n";
  }
  tex << "\\bottomrule\n\\end{tabular}\n\\end{table}\n";
  t.latex = tex.str();

  std::ostringstream md;
  if (!o.caption.empty()) md << o.caption << "\n\n";
  md << "|";
  for (const auto& h : header_md) md << " " << h << " |";
  md << "\n|";
  for (size_t i = 0; i < header_md.size(); ++i) md << (i ? "---:|" : "---|");
  md << "\n";
  for (const auto& row : rows) {
    md << "|";
    for (const auto& c : row) md << " " << c.md << " |";
    md << "\n";
  }
  t.markdown = md.str();
  return t;
}

void check_rows(const std::vector<TableRow>& rows, const char* what) {
  FERKIT_CHECK(!rows.empty(), what << " table: expected at least one row, got none");
  for (const auto& r : rows)
    FERKIT_CHECK(!r.metrics.empty() && r.metrics.size() == r.files.size(),
                 what << " table row '" << r.name << "': expected at least one metrics.json, got " << r.metrics.size());
}

}  // namespace

std::string latex_escape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '&': case '%': case '$': case '#': case '_': case '{': case '}': out += '\\'; out += ch; break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '\\': out += "\\textbackslash{}"; break;
      default: out += ch;
    }
  }
  return out;
}

std::vector<TableRowSpec> parse_table_rows(const std::vector<std::string>& specs) {
  std::vector<TableRowSpec> rows;
  for (const auto& spec : specs) {
    std::stringstream ss(spec);
    std::string item;
    bool named = false;  // a NAME= item came earlier in this spec: bare items are its seeds
    while (std::getline(ss, item, ',')) {
      if (item.empty()) throw Error("--runs '" + spec + "'", "NAME=DIR[,DIR...] items separated by single commas", "an empty item");
      const auto eq = item.find('=');
      if (eq != std::string::npos) {
        if (eq == 0 || eq + 1 == item.size())
          throw Error("--runs item '" + item + "'", "NAME=DIR with a name and a directory", "");
        rows.push_back({item.substr(0, eq), {item.substr(eq + 1)}});
        named = true;
      } else if (named) {
        rows.back().runs.push_back(item);
      } else {
        fs::path p(item);
        const std::string name = (p.filename() == "metrics.json" ? p.parent_path() : p).filename().string();
        rows.push_back({name.empty() ? item : name, {p}});
      }
    }
  }
  return rows;
}

std::vector<TableRow> load_table_rows(const std::vector<TableRowSpec>& specs) {
  std::vector<TableRow> rows;
  for (const auto& s : specs) {
    TableRow r;
    r.name = s.name;
    for (const auto& run : s.runs) {
      const fs::path file = run.extension() == ".json" ? run : run / "metrics.json";
      if (!fs::exists(file))
        throw Error(file.string(), "the metrics.json of a run (ferkit train or ferkit eval --out)", "no such file");
      r.metrics.push_back(read_json_file(file));
      r.files.push_back(file.string());
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

ResultTable cross_dataset_table(const std::vector<TableRow>& rows, const TableOptions& o) {
  check_rows(rows, "cross-dataset");
  std::vector<std::vector<Cell>> cells;
  for (const auto& r : rows) {
    FERKIT_CHECK(r.metrics.size() == 1, "cross-dataset table row '" << r.name << "': expected one evaluation, got "
                                                                    << r.metrics.size() << " (use the ablation table for seeds)");
    const json& m = r.metrics[0];
    const std::string& where = r.files[0];
    const json& a = field(m, "8way", where);
    const json& p = field(m, "present_only", where);
    json ci = json::object();
    for (const auto& [key, v] : m.items())
      if (key.rfind("ci", 0) == 0 && v.is_object()) ci = v;
    const std::string n = field(m, "n", where).dump();
    std::vector<Cell> row{{latex_escape(r.name), r.name}, {n, n}};
    for (const char* k : {"acc", "macro_f1", "bacc"})
      row.push_back(interval_cell(field(a, k, where + " 8way"), ci.value(k, json()), o.decimals));
    for (const char* k : {"acc", "macro_f1", "bacc"}) row.push_back(value_cell(field(p, k, where + " present_only"), o.decimals));
    cells.push_back(row);
  }
  return render({"Evaluation", "$n$", "Acc", "Macro-F1", "bACC", "Acc", "Macro-F1", "bACC"},
                {"Evaluation", "n", "8-way acc", "8-way macro-F1", "8-way bACC", "present-only acc",
                 "present-only macro-F1", "present-only bACC"},
                "lrccc" "rrr",
                " & & \\multicolumn{3}{c}{8-way} & \\multicolumn{3}{c}{Present-only} \\\\\n"
                "\\cmidrule(lr){3-5} \\cmidrule(lr){6-8}\n",
                cells, o);
}

ResultTable ablation_table(const std::vector<TableRow>& rows, const TableOptions& o) {
  check_rows(rows, "ablation");
  const std::vector<std::string> keys{"acc", "macro_f1", "bacc", "minority_f1"};
  std::vector<std::vector<Cell>> cells;
  for (const auto& r : rows) {
    // Only the four numbers: eval and train metrics.json differ in their other entries.
    std::vector<json> reduced;
    for (size_t i = 0; i < r.metrics.size(); ++i) {
      const json& a = field(r.metrics[i], "8way", r.files[i]);
      json j = json::object();
      for (const auto& k : keys) j[k] = field(a, k, r.files[i] + " 8way");
      reduced.push_back(j);
    }
    const json agg = aggregate_runs(reduced);
    const int runs = static_cast<int>(r.metrics.size());
    std::vector<Cell> row{{latex_escape(r.name), r.name}, {std::to_string(runs), std::to_string(runs)}};
    for (const auto& k : keys) row.push_back(mean_std_cell(agg["mean"][k], agg["std"][k], runs, o.decimals));
    cells.push_back(row);
  }
  return render({"Variant", "Runs", "Acc", "Macro-F1", "bACC", "Minority-F1"},
                {"Variant", "runs", "acc", "macro-F1", "bACC", "minority-F1"}, "lrcccc", "", cells, o);
}

std::vector<fs::path> write_table_files(const ResultTable& table, const fs::path& stem) {
  if (stem.has_parent_path()) fs::create_directories(stem.parent_path());
  std::vector<fs::path> out{fs::path(stem.string() + ".tex"), fs::path(stem.string() + ".md")};
  for (size_t i = 0; i < 2; ++i) {
    std::ofstream f(out[i], std::ios::binary);
    f << (i == 0 ? table.latex : table.markdown);
    if (!f) throw Error(out[i].string(), "a writable file", "a write error");
  }
  return out;
}

}  // namespace ferkit
