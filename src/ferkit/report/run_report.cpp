// The HTML report of a run directory (ferkit/report/run_report.h).
#include "ferkit/report/run_report.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "ferkit/abstention.h"
#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/metrics.h"
#include "ferkit/plot_results.h"
#include "ferkit/predictions_csv.h"
#include "ferkit/report/html_page.h"
#include "ferkit/result_plots.h"
#include "ferkit/run_dir.h"
#include "ferkit/taxonomy.h"
#include "ferkit/version.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string num(const json& v, int decimals = 4) {
  if (!v.is_number()) return "n/a";
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << v.get<double>();
  return s.str();
}

std::string with_interval(const json& value, const json& ci) {
  if (!ci.is_array() || ci.size() != 2) return num(value);
  return num(value) + " [" + num(ci[0]) + ", " + num(ci[1]) + "]";
}

json read_if_exists(const fs::path& file) { return fs::exists(file) ? read_json_file(file) : json(); }

// The interval object of metrics.json: "ci95" (or another level's "ciNN"), with its name.
std::pair<std::string, json> interval_block(const json& m) {
  for (const auto& [key, v] : m.items())
    if (key.rfind("ci", 0) == 0 && v.is_object()) return {key, v};
  return {"", json::object()};
}

class ReportBuilder {
 public:
  ReportBuilder(fs::path run, const RunReportOptions& o) : run_(std::move(run)), o_(o), page_("ferkit run report: " + run_.string()) {
    report_.html = o_.out.empty() ? run_ / "report.html" : o_.out;
    report_.pictures_dir = fs::path(report_.html).replace_extension("");
    fs::create_directories(report_.pictures_dir);
  }

  RunReport build() {
    run_section();
    const json metrics = metrics_section();
    curves_section();
    prediction_pictures(metrics);
    embedding_section();
    extra_pictures();
    provenance_section();
    std::ofstream out(report_.html, std::ios::binary);
    if (!out) throw Error(report_.html.string(), "a writable HTML file", "cannot create it");
    out << page_.str();
    if (!out) throw Error(report_.html.string(), "the whole page written", "a write error");
    return report_;
  }

 private:
  void skip(const std::string& section, const std::string& why) {
    report_.skipped.push_back(section + ": " + why);
    page_.note(why);
  }

  void picture(const fs::path& png, const std::string& caption) {
    page_.image(png, caption);
    report_.pictures.push_back(png);
  }

  void run_section() {
    page_.heading("Run");
    const json run = read_if_exists(run_ / "run.json");
    const json config = read_if_exists(run_ / "config.json");
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"run directory", run_.string()});
    if (config.is_object()) {
      rows.push_back({"name", config.value("name", std::string("?"))});
      if (config.contains("model"))
        rows.push_back({"model", config["model"].value("architecture", std::string("?")) + " (" +
                                     config["model"].value("head", std::string("linear")) + " head)"});
      if (config.contains("epochs")) rows.push_back({"epochs", config["epochs"].dump()});
    }
    if (run.is_object()) {
      rows.push_back({"command", run.value("command", std::string())});
      rows.push_back({"git commit", run.value("git_commit", std::string("?"))});
      rows.push_back({"started", run.value("started", std::string("?"))});
      if (run.contains("hardware_threads")) rows.push_back({"hardware threads", run["hardware_threads"].dump()});
    } else {
      report_.skipped.push_back("run: no run.json");
    }
    rows.push_back({"report written by", std::string("ferkit ") + kVersion + " at commit " + git_commit() + ", " + utc_timestamp()});
    page_.table({"", ""}, rows);
  }

  json metrics_section() {
    page_.heading("Metrics");
    json m = read_if_exists(run_ / "metrics.json");
    if (!m.is_object() && fs::exists(run_ / "predictions.csv")) {
      PredictionTable t = read_predictions_csv(run_ / "predictions.csv");
      m = metrics_to_json(evaluate(t.probs, t.labels), "(recomputed from predictions.csv)", "");
      page_.note("metrics.json is absent: recomputed from predictions.csv.");
    }
    if (!m.is_object()) {
      skip("metrics", "No metrics.json or predictions.csv in the run directory (the final evaluation has not run).");
      return m;
    }
    json a = m.value("8way", json::object());  // copies: a run may lack an entry (printed n/a)
    json p = m.value("present_only", json::object());
    const auto [ci_name, ci] = interval_block(m);
    page_.paragraph("n = " + m["n"].dump() + " samples; model " + m.value("model", std::string("?")) +
                    (ci_name.empty() ? "" : "; intervals: " + ci_name + " stratified bootstrap percentiles") + ".");
    page_.table({"view", "accuracy", "macro-F1", "balanced accuracy", "macro-AUROC", "minority-F1"},
                {{"8-way", with_interval(a["acc"], ci.value("acc", json())), with_interval(a["macro_f1"], ci.value("macro_f1", json())),
                  with_interval(a["bacc"], ci.value("bacc", json())), num(a["macro_auroc"]), num(a["minority_f1"])},
                 {"present-only", num(p["acc"]), num(p["macro_f1"]), num(p["bacc"]), num(p["macro_auroc"]), "-"}});
    if (m.contains("calibration")) {
      const json& c = m["calibration"];
      page_.table({"calibration", "ECE", "NLL", "Brier"}, {{"max-probability confidence", num(c["ece"]), num(c["nll"]), num(c["brier"])}});
    }
    if (a.contains("per_class")) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& name : class_names()) {
        if (!a["per_class"].contains(name)) continue;
        const json& r = a["per_class"][name];
        rows.push_back({name, num(r["precision"]), num(r["recall"]), num(r["f1"]), r.value("support", json(0)).dump(), num(r["auroc"])});
      }
      page_.table({"class", "precision", "recall", "F1", "support", "AUROC"}, rows);
    }
    return m;
  }

  void curves_section() {
    page_.heading("Training curves");
    const fs::path log = run_ / "metrics.jsonl";
    if (!fs::exists(log) || fs::file_size(log) == 0) {
      skip("training curves", "No metrics.jsonl (not a training run, or no epoch finished).");
      return;
    }
    write_training_curves(report_.pictures_dir, log);
    picture(report_.pictures_dir / "curves_loss.png", "Loss per epoch (train: all loss terms; valid: NLL)");
    picture(report_.pictures_dir / "curves_accuracy.png", "Accuracy and macro-F1 per epoch");
  }

  void confusion_pair(const ConfusionMatrix& cm, const std::vector<std::string>& names, const std::string& stem,
                      const std::string& what) {
    const fs::path counts = report_.pictures_dir / (stem + "_counts.png");
    const fs::path norm = report_.pictures_dir / (stem + "_normalized.png");
    plot::write_confusion_png(counts, cm, false, "Confusion matrix (counts, " + what + ")", names);
    plot::write_confusion_png(norm, cm, true, "Confusion matrix (row-normalised, " + what + ")", names);
    picture(counts, "Confusion matrix, " + what + ", counts (rows: true class, columns: predicted)");
    picture(norm, "Confusion matrix, " + what + ", row-normalised (diagonal = recall)");
  }

  void prediction_pictures(const json& metrics) {
    page_.heading("Errors and confidence");
    const fs::path csv = run_ / "predictions.csv";
    if (fs::exists(csv)) {
      PredictionTable t = read_predictions_csv(csv);
      const auto m8 = classification_metrics(t.probs, t.labels, all_classes(kNumClasses));
      std::vector<std::string> names(class_names().begin(), class_names().end());
      confusion_pair(m8.confusion, names, "confusion_8way", "8-way");
      const std::vector<int> present = present_classes(t.labels, kNumClasses);
      ConfusionMatrix cm;
      std::vector<std::string> present_names;
      for (int a : present) {
        present_names.push_back(class_name(a));
        std::vector<int64_t> row;
        for (int b : present) row.push_back(m8.confusion[a][b]);
        cm.push_back(row);
      }
      confusion_pair(cm, present_names, "confusion_present", "present classes only; predictions of absent classes not shown");
      per_class_picture(m8.per_class);
      const CalibrationMetrics cal = calibration_metrics(t.probs, t.labels, 15);
      reliability_picture(cal.bins, cal.ece);
      const fs::path cr = report_.pictures_dir / "coverage_risk.png";
      const CoverageRiskCurve curve = coverage_risk_curve(t.probs, t.labels);
      plot::write_coverage_risk_png(cr, {{"max probability", curve}}, "Coverage-risk (abstain on the least confident)");
      picture(cr, "Selective risk against coverage when abstaining below a confidence threshold (AURC " +
                      num(json(curve.aurc)) + ")");
      return;
    }
    if (!metrics.is_object()) {
      skip("errors and confidence", "No predictions.csv or metrics.json: no confusion matrices, reliability or coverage-risk.");
      return;
    }
    page_.note("No predictions.csv: pictures from metrics.json (no present-only confusion, no coverage-risk curve).");
    report_.skipped.push_back("coverage-risk: no predictions.csv");
    const json& a = metrics.at("8way");
    ConfusionMatrix cm = a.at("confusion").get<ConfusionMatrix>();
    std::vector<std::string> names(class_names().begin(), class_names().end());
    confusion_pair(cm, names, "confusion_8way", "8-way");
    per_class_picture(class_reports(cm));
    std::vector<ReliabilityBin> bins;
    const json calibration = metrics.value("calibration", json::object());
    for (const auto& b : calibration.value("reliability", json::array()))
      bins.push_back({b.at("lo").get<double>(), b.at("hi").get<double>(), b.at("count").get<int64_t>(),
                      b.at("confidence").get<double>(), b.at("accuracy").get<double>()});
    if (!bins.empty()) reliability_picture(bins, calibration.value("ece", 0.0));
  }

  void per_class_picture(const std::vector<ClassReport>& per_class) {
    const fs::path png = report_.pictures_dir / "per_class.png";
    plot::write_per_class_png(png, per_class, "Per-class precision, recall and F1 (8-way)");
    picture(png, "Per-class precision, recall and F1");
  }

  void reliability_picture(const std::vector<ReliabilityBin>& bins, double ece) {
    const fs::path png = report_.pictures_dir / "reliability.png";
    plot::write_reliability_png(png, bins, "Reliability diagram (ECE " + num(json(ece)) + ")");
    picture(png, "Accuracy per confidence bin against the diagonal (perfect calibration), with bin counts");
  }

  void embedding_section() {
    page_.heading("Feature space");
    if (!o_.embedding) {
      skip("embedding", "t-SNE map not computed (--no-embedding).");
      return;
    }
    try {
      const RunEmbedding e = write_run_embedding(run_, report_.pictures_dir / "embedding_tsne.png", o_.embedding_options);
      page_.paragraph("Features: " + e.source + "; " + std::to_string(e.points) + " points, perplexity " +
                      num(json(e.perplexity), 1) + ", final KL divergence " + num(json(e.kl_divergence), 3) + ".");
      picture(e.png, "t-SNE of the L2-normalised features, coloured by true class (neighbours in the map are neighbours in feature space; distances between clusters mean little)");
    } catch (const Error& err) {
      skip("embedding", std::string("No t-SNE map: ") + err.what());
    }
  }

  void extra_pictures() {
    std::vector<fs::path> found;
    auto add_dir = [&](const fs::path& dir) {
      if (!fs::is_directory(dir)) return;
      for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".png") found.push_back(e.path());
    };
    add_dir(run_ / "prototypes");
    add_dir(run_ / "topomaps");
    if (fs::is_directory(run_))
      for (const auto& e : fs::directory_iterator(run_)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file() && e.path().extension() == ".png" &&
            (name.rfind("topomaps", 0) == 0 || name.rfind("prototype", 0) == 0))
          found.push_back(e.path());
      }
    std::sort(found.begin(), found.end());
    if (found.empty()) return;  // only runs with an EEG prior have these
    page_.heading("Prototypes and topomaps");
    for (const auto& p : found) picture(p, fs::relative(p, run_).string());
  }

  void provenance_section() {
    page_.heading("Checkpoint");
    const json best = read_if_exists(run_ / "best.json");
    if (best.is_object()) {
      std::vector<std::vector<std::string>> rows;
      rows.push_back({"weights SHA-256", best.value("weights_sha256", std::string("?"))});
      rows.push_back({"created", best.value("created", std::string("?"))});
      rows.push_back({"git commit", best.value("git_commit", std::string("?"))});
      rows.push_back({"temperature", num(best.value("temperature", json(1.0)), 3)});
      if (best.contains("metrics") && best["metrics"].contains("valid_epoch"))
        rows.push_back({"selected at", best["metrics"]["valid_epoch"].dump()});
      page_.table({"best.pt", ""}, rows);
    } else {
      skip("checkpoint", "No best.json sidecar.");
    }
    page_.heading("Data");
    const json fp = read_if_exists(run_ / "fingerprint.json");
    if (fp.is_object()) {
      std::vector<std::vector<std::string>> rows;
      for (const char* k : {"train_dataset", "valid_dataset", "switches_sha256"})
        if (fp.contains(k)) rows.push_back({k, fp[k].is_string() ? fp[k].get<std::string>() : fp[k].dump()});
      page_.table({"fingerprint", "SHA-256"}, rows);
    } else {
      skip("fingerprints", "No fingerprint.json.");
    }
    const json ds = read_if_exists(run_ / "dataset.json");
    if (ds.is_object()) {
      std::vector<std::string> header{"split", "count"};
      for (const auto& n : class_names()) header.push_back(n);
      std::vector<std::vector<std::string>> rows;
      std::vector<std::string> dropped;
      for (const auto& [split, d] : ds.items()) {
        if (!d.is_object()) continue;
        std::vector<std::string> row{split, d.value("count", json(0)).dump()};
        for (const auto& n : class_names()) row.push_back(d.contains("class_counts") ? d["class_counts"].value(n, json(0)).dump() : "?");
        rows.push_back(row);
        for (const auto& [why, count] : d.value("dropped", json::object()).items())
          dropped.push_back(split + ": dropped " + count.dump() + " (" + why + ")");
      }
      page_.table(header, rows);
      for (const auto& s : dropped) page_.paragraph(s);
    }
    page_.heading("Configuration");
    const json config = read_if_exists(run_ / "config.json");
    if (config.is_object()) page_.preformatted(config.dump(2));
    else skip("configuration", "No config.json.");
  }

  fs::path run_;
  RunReportOptions o_;
  html::Page page_;
  RunReport report_;
};

}  // namespace

RunReport write_run_report(const fs::path& run_dir, const RunReportOptions& options) {
  if (!fs::is_directory(run_dir)) throw Error(run_dir.string(), "a run directory", "no such directory");
  bool any = false;
  for (const char* f : {"run.json", "config.json", "metrics.json", "metrics.jsonl", "predictions.csv"})
    any = any || fs::exists(run_dir / f);
  if (!any)
    throw Error(run_dir.string(), "a run directory (run.json, config.json, metrics.json, metrics.jsonl or predictions.csv)",
                "none of them");
  RunReport r = ReportBuilder(run_dir, options).build();
  info("wrote " + r.html.string() + " (" + std::to_string(r.pictures.size()) + " pictures in " + r.pictures_dir.string() + ")");
  return r;
}

}  // namespace ferkit
