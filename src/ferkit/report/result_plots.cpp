#include "ferkit/result_plots.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "ferkit/error.h"
#include "ferkit/plot.h"
#include "ferkit/taxonomy.h"

namespace ferkit {
namespace {

std::vector<std::string> names(const std::vector<int>& classes) {
  std::vector<std::string> n;
  for (int c : classes) n.push_back(class_name(c));
  return n;
}

void confusion_png(const std::filesystem::path& file, const ConfusionMatrix& cm, const std::vector<int>& classes,
                   bool normalise, const std::string& title) {
  plot::Heatmap h;
  h.title = title;
  for (int r : classes) {
    std::vector<double> row;
    double total = 0;
    for (int c : classes) total += static_cast<double>(cm[r][c]);
    for (int c : classes) row.push_back(normalise ? (total > 0 ? cm[r][c] / total : 0.0) : static_cast<double>(cm[r][c]));
    h.values.push_back(row);
  }
  h.row_labels = h.col_labels = names(classes);
  h.row_axis = "true";
  h.col_axis = "predicted";
  h.decimals = normalise ? 2 : 0;
  if (normalise) {
    h.vmin = 0;
    h.vmax = 1;
  }
  h.colour_bar_label = normalise ? "share of the true class" : "samples";
  plot::write_heatmap(file, h);
}

}  // namespace

void write_training_curves(const std::filesystem::path& dir, const std::filesystem::path& epoch_log) {
  std::ifstream in(epoch_log);
  if (!in) return;
  std::vector<double> epoch, train_loss, train_acc, valid_acc, valid_f1, valid_nll;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    epoch.push_back(j.value("epoch", 0.0));
    train_loss.push_back(j.value("train_loss", std::nan("")));
    train_acc.push_back(j.value("train_acc", std::nan("")));
    valid_acc.push_back(j.value("valid_acc", std::nan("")));
    valid_f1.push_back(j.value("valid_macro_f1", std::nan("")));
    valid_nll.push_back(j.value("valid_nll", std::nan("")));
  }
  if (epoch.empty()) return;
  plot::LineChart loss;
  loss.title = "Loss per epoch";
  loss.x.label = "epoch";
  loss.y.label = "loss";
  loss.series.push_back({"train (all terms)", epoch, train_loss, true, false});
  loss.series.push_back({"valid NLL", epoch, valid_nll, true, true});
  plot::write_line_chart(dir / "curves_loss.png", loss);
  plot::LineChart acc;
  acc.title = "Accuracy and macro-F1 per epoch";
  acc.x.label = "epoch";
  acc.y.label = "score";
  acc.series.push_back({"train acc", epoch, train_acc, true, false});
  acc.series.push_back({"valid acc", epoch, valid_acc, true, false});
  acc.series.push_back({"valid macro-F1", epoch, valid_f1, true, true});
  plot::write_line_chart(dir / "curves_accuracy.png", acc);
}

void write_result_plots(const std::filesystem::path& dir, const EvaluationReport& r, const std::filesystem::path& epoch_log) {
  std::filesystem::create_directories(dir);
  const auto all = all_classes(kNumClasses);
  confusion_png(dir / "confusion_counts.png", r.all_classes.confusion, all, false, "Confusion matrix (counts, 8-way)");
  confusion_png(dir / "confusion_normalized.png", r.all_classes.confusion, all, true, "Confusion matrix (row-normalised, 8-way)");
  if (!r.present_only.averaged_classes.empty())
    confusion_png(dir / "confusion_present.png", r.present_only.confusion, r.present_only.averaged_classes, true,
                  "Confusion matrix (row-normalised, present classes)");

  plot::BarChart bars;
  bars.title = "Per-class precision, recall and F1";
  bars.categories = names(all);
  plot::BarGroup p{"precision", {}}, rc{"recall", {}}, f{"F1", {}};
  for (const auto& c : r.all_classes.per_class) {
    p.values.push_back(c.precision);
    rc.values.push_back(c.recall);
    f.values.push_back(c.f1);
  }
  bars.groups = {p, rc, f};
  bars.y.min = 0;
  bars.y.max = 1;
  bars.y.label = "score";
  bars.width = 960;
  plot::write_bar_chart(dir / "per_class.png", bars);

  plot::LineChart rel;
  rel.title = "Reliability diagram (ECE " + std::to_string(r.calibration.ece).substr(0, 6) + ")";
  rel.x.label = "confidence";
  rel.y.label = "accuracy";
  rel.x.min = rel.y.min = 0;
  rel.x.max = rel.y.max = 1;
  plot::LineSeries diag{"perfect calibration", {0, 1}, {0, 1}, false, true};
  plot::LineSeries acc{"model", {}, {}, true, false};
  for (const auto& b : r.calibration.bins) {
    if (b.count == 0) continue;
    acc.x.push_back(b.mean_confidence);
    acc.y.push_back(b.accuracy);
  }
  rel.series = {diag, acc};
  plot::write_line_chart(dir / "reliability.png", rel);
  plot::BarChart counts;
  counts.title = "Samples per confidence bin";
  for (const auto& b : r.calibration.bins) counts.categories.push_back(std::to_string(b.hi).substr(0, 4));
  plot::BarGroup g{"samples", {}};
  for (const auto& b : r.calibration.bins) g.values.push_back(static_cast<double>(b.count));
  counts.groups = {g};
  counts.x_label = "bin upper edge";
  counts.legend = false;
  counts.width = 960;
  plot::write_bar_chart(dir / "reliability_counts.png", counts);

  if (!epoch_log.empty()) write_training_curves(dir, epoch_log);
}

}  // namespace ferkit
