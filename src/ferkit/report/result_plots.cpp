#include "ferkit/result_plots.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "ferkit/error.h"
#include "ferkit/plot_results.h"
#include "ferkit/taxonomy.h"

namespace ferkit {

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
  plot::write_confusion_png(dir / "confusion_counts.png", r.all_classes.confusion, false, "Confusion matrix (counts, 8-way)");
  plot::write_confusion_png(dir / "confusion_normalized.png", r.all_classes.confusion, true,
                            "Confusion matrix (row-normalised, 8-way)");
  const auto& present = r.present_only.averaged_classes;
  if (!present.empty() && present.size() < static_cast<size_t>(kNumClasses)) {
    ConfusionMatrix cm;
    std::vector<std::string> names;
    for (int a : present) {
      names.push_back(class_name(a));
      std::vector<int64_t> row;
      for (int b : present) row.push_back(r.present_only.confusion[a][b]);
      cm.push_back(row);
    }
    plot::write_confusion_png(dir / "confusion_present.png", cm, true, "Confusion matrix (row-normalised, present classes)", names);
  }
  plot::write_per_class_png(dir / "per_class.png", r.all_classes.per_class, "Per-class precision, recall and F1");
  plot::write_reliability_png(dir / "reliability.png", r.calibration.bins,
                              "Reliability diagram (ECE " + std::to_string(r.calibration.ece).substr(0, 6) + ")");
  if (!epoch_log.empty()) write_training_curves(dir, epoch_log);
}

}  // namespace ferkit
