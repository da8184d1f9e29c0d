// summary.json, summary.csv and the accuracy-against-severity chart of `ferkit robust`
// (ferkit/robust_benchmark.h), and the --severities parser.
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "ferkit/corruptions.h"
#include "ferkit/error.h"
#include "ferkit/plot.h"
#include "ferkit/robust_benchmark.h"

namespace ferkit {
namespace {

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? std::numeric_limits<double>::quiet_NaN() : s / static_cast<double>(v.size());
}

// null for an undefined ratio (clean accuracy 0).
nlohmann::json relative_drop(double clean, double corrupted) {
  if (clean <= 0) return nullptr;
  return (clean - corrupted) / clean;
}

std::string number(const nlohmann::json& v) {
  if (!v.is_number()) return "";
  std::ostringstream s;
  s.precision(17);
  s << v.get<double>();
  return s.str();
}

}  // namespace

nlohmann::json robustness_summary(const RobustCell& clean, const std::vector<RobustCell>& cells,
                                  const std::vector<std::string>& corruptions, const std::vector<int>& severities) {
  FERKIT_CHECK(!corruptions.empty() && !severities.empty(), "robustness summary: no corruption or no severity");
  std::map<std::pair<std::string, int>, const RobustCell*> by_cell;
  for (const auto& c : cells)
    if (!by_cell.emplace(std::make_pair(c.corruption, c.severity), &c).second)
      throw Error("robustness summary", "one cell per (corruption, severity)", c.corruption + " severity " + std::to_string(c.severity) + " twice");
  FERKIT_CHECK(by_cell.size() == corruptions.size() * severities.size(),
               "robustness summary: expected " << corruptions.size() * severities.size() << " cells (corruptions x severities), got "
                                               << by_cell.size());
  const bool abstains = clean.abstention_rate >= 0;
  nlohmann::json s;
  s["clean_acc"] = clean.accuracy;
  s["clean_macro_f1"] = clean.macro_f1;
  s["clean_ece"] = clean.ece;
  s["severities"] = severities;
  s["corruptions"] = corruptions;
  nlohmann::json per = nlohmann::json::object();
  std::vector<double> corruption_means, f1_means, abstention_means;
  double worst_cell_acc = std::numeric_limits<double>::infinity();
  for (const auto& name : corruptions) {
    std::vector<double> acc, f1, ece, abst;
    for (int sev : severities) {
      auto it = by_cell.find({name, sev});
      if (it == by_cell.end()) throw Error("robustness summary", "a cell for " + name + " at severity " + std::to_string(sev), "none");
      const RobustCell& c = *it->second;
      acc.push_back(c.accuracy);
      f1.push_back(c.macro_f1);
      ece.push_back(c.ece);
      abst.push_back(c.abstention_rate);
      if (c.accuracy < worst_cell_acc) {
        worst_cell_acc = c.accuracy;
        s["worst_cell"] = {{"corruption", name}, {"severity", sev}, {"acc", c.accuracy}};
      }
    }
    nlohmann::json e = {{"mean_acc", mean(acc)}, {"mean_macro_f1", mean(f1)}, {"relative_drop", relative_drop(clean.accuracy, mean(acc))},
                        {"by_severity", acc}, {"macro_f1_by_severity", f1}, {"ece_by_severity", ece}};
    if (abstains) {
      e["abstention_by_severity"] = abst;
      abstention_means.push_back(mean(abst));
    }
    corruption_means.push_back(mean(acc));
    f1_means.push_back(mean(f1));
    per[name] = e;
    // Strictly lower only: the first corruption in table order wins ties.
    if (!s.contains("worst") || mean(acc) < s["worst"]["acc"].get<double>()) s["worst"] = {{"corruption", name}, {"acc", mean(acc)}};
  }
  s["per_corruption"] = per;
  // Every corruption has the same number of severities, so this is also the mean over all cells.
  s["mca"] = mean(corruption_means);
  s["mean_corrupted_macro_f1"] = mean(f1_means);
  s["relative_drop"] = relative_drop(clean.accuracy, mean(corruption_means));
  if (abstains) {
    s["clean_abstention"] = clean.abstention_rate;
    s["mean_corrupted_abstention"] = mean(abstention_means);
  }
  return s;
}

void write_robustness_csv(const std::filesystem::path& csv, const nlohmann::json& s) {
  const bool abstains = s.contains("clean_abstention");
  if (csv.has_parent_path()) std::filesystem::create_directories(csv.parent_path());
  std::ofstream out(csv, std::ios::binary);
  if (!out) throw Error(csv.string(), "a writable file", "cannot open it");
  out << "corruption,severity,acc,macro_f1,ece,relative_drop" << (abstains ? ",abstention_rate" : "") << "\n";
  const double clean = s.at("clean_acc").get<double>();
  auto row = [&](const std::string& name, const std::string& sev, const nlohmann::json& acc, const nlohmann::json& f1,
                 const nlohmann::json& ece, const nlohmann::json& abst) {
    out << name << "," << sev << "," << number(acc) << "," << number(f1) << "," << number(ece) << ","
        << number(relative_drop(clean, acc.get<double>()));
    if (abstains) out << "," << number(abst);
    out << "\n";
  };
  row("clean", "0", s["clean_acc"], s["clean_macro_f1"], s["clean_ece"], abstains ? s["clean_abstention"] : nlohmann::json());
  const auto& sev = s.at("severities");
  for (const auto& name : s.at("corruptions")) {
    const auto& e = s["per_corruption"][name.get<std::string>()];
    for (size_t i = 0; i < sev.size(); ++i)
      row(name, std::to_string(sev[i].get<int>()), e["by_severity"][i], e["macro_f1_by_severity"][i], e["ece_by_severity"][i],
          abstains ? e["abstention_by_severity"][i] : nlohmann::json());
  }
  for (const auto& name : s.at("corruptions")) {
    const auto& e = s["per_corruption"][name.get<std::string>()];
    std::vector<double> ece = e["ece_by_severity"], abst;
    if (abstains) abst = e["abstention_by_severity"].get<std::vector<double>>();
    row(name, "mean", e["mean_acc"], e["mean_macro_f1"], mean(ece), abstains ? nlohmann::json(mean(abst)) : nlohmann::json());
  }
  std::vector<double> all_ece;
  for (const auto& [name, e] : s["per_corruption"].items())
    for (const auto& v : e["ece_by_severity"]) all_ece.push_back(v.get<double>());
  row("mca", "mean", s["mca"], s["mean_corrupted_macro_f1"], mean(all_ece),
      abstains ? s["mean_corrupted_abstention"] : nlohmann::json());
  if (!out) throw Error(csv.string(), "to write the whole file", "a write error");
}

void write_robustness_plot(const std::filesystem::path& png, const nlohmann::json& s) {
  plot::LineChart chart;
  std::ostringstream title;
  title.precision(3);
  title << "Accuracy under webcam corruptions (clean " << s.at("clean_acc").get<double>() << ", mCA " << s.at("mca").get<double>() << ")";
  chart.title = title.str();
  chart.x.label = "severity (0 = clean)";
  chart.y.label = "accuracy";
  chart.x.min = 0;
  chart.x.max = kMaxSeverity;
  chart.y.min = 0;
  chart.width = 960;
  chart.height = 620;
  size_t i = 0;
  for (const auto& name : s.at("corruptions")) {
    plot::LineSeries line;
    line.name = name.get<std::string>();
    line.x.push_back(0);
    line.y.push_back(s["clean_acc"].get<double>());
    const auto& e = s["per_corruption"][line.name];
    for (size_t k = 0; k < s["severities"].size(); ++k) {
      line.x.push_back(s["severities"][k].get<int>());
      line.y.push_back(e["by_severity"][k].get<double>());
    }
    line.markers = true;
    line.dashed = i++ >= 10;  // the palette has 10 colours: later lines are told apart by dashes
    chart.series.push_back(line);
  }
  plot::write_line_chart(png, chart);
}

std::vector<int> parse_severities(const std::string& text) {
  const std::string where = "--severities '" + text + "'";
  std::set<int> out;
  std::stringstream parts(text);
  std::string part;
  auto to_int = [&](const std::string& t) {
    size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(t, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (t.empty() || used != t.size()) throw Error(where, "severities like 1-5 or 1,3,5", "'" + t + "'");
    if (v < 1 || v > kMaxSeverity)
      throw Error(where, "severities in 1.." + std::to_string(kMaxSeverity) + " (0, the clean run, always runs)", std::to_string(v));
    return v;
  };
  while (std::getline(parts, part, ',')) {
    const size_t dash = part.find('-', 1);
    if (dash == std::string::npos) {
      out.insert(to_int(part));
      continue;
    }
    const int lo = to_int(part.substr(0, dash)), hi = to_int(part.substr(dash + 1));
    if (lo > hi) throw Error(where, "a range low-high with low <= high", part);
    for (int v = lo; v <= hi; ++v) out.insert(v);
  }
  if (out.empty()) throw Error(where, "at least one severity", "none");
  return {out.begin(), out.end()};
}

}  // namespace ferkit
