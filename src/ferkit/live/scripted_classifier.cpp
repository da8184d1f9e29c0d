// A Classifier with given probabilities (ferkit/live/scripted_classifier.h).
#include "ferkit/live/scripted_classifier.h"

#include <cmath>

#include <opencv2/core/mat.hpp>

#include "ferkit/csv.h"
#include "ferkit/error.h"

namespace ferkit {

ScriptedClassifier::ScriptedClassifier(std::vector<std::array<float, kNumClasses>> rows) {
  FERKIT_CHECK(!rows.empty(), "scripted classifier: expected at least one probability row");
  for (size_t i = 0; i < rows.size(); ++i) {
    double sum = 0;
    ClassLogits z{};
    for (int k = 0; k < kNumClasses; ++k) {
      FERKIT_CHECK(rows[i][k] >= 0, "scripted classifier: row " << i << " class " << k << " is negative (" << rows[i][k] << ")");
      sum += rows[i][k];
    }
    FERKIT_CHECK(sum > 0, "scripted classifier: row " << i << " sums to 0");
    // log(p / sum); a zero probability becomes a very negative logit, not -inf.
    for (int k = 0; k < kNumClasses; ++k) z[k] = static_cast<float>(std::log(std::max(rows[i][k] / sum, 1e-30)));
    logits_.push_back(z);
  }
  info_.backend = "scripted";
  info_.architecture = "scripted";
  info_.class_names.assign(class_names().begin(), class_names().end());
  info_.supported.fill(true);
}

std::unique_ptr<ScriptedClassifier> ScriptedClassifier::from_csv(const std::filesystem::path& script) {
  CsvReader r(script);
  std::vector<std::string> fields;
  if (!r.next(fields)) throw Error(script.string(), "a header naming the 8 classes", "an empty file");
  std::array<int, kNumClasses> column_of{};
  column_of.fill(-1);
  if (fields.size() != static_cast<size_t>(kNumClasses))
    throw Error(r.where(), "a header with the 8 class names", std::to_string(fields.size()) + " columns");
  for (size_t c = 0; c < fields.size(); ++c) {
    int k = try_class_index(fields[c]);
    if (k == kDropped) throw Error(r.where(), "a class name in column " + std::to_string(c + 1), "'" + fields[c] + "'");
    if (column_of[k] >= 0) throw Error(r.where(), "each class once", "'" + class_name(k) + "' twice");
    column_of[k] = static_cast<int>(c);
  }
  std::vector<std::array<float, kNumClasses>> rows;
  while (r.next(fields)) {
    if (fields.size() != static_cast<size_t>(kNumClasses))
      throw Error(r.where(), std::to_string(kNumClasses) + " probabilities", std::to_string(fields.size()) + " fields");
    std::array<float, kNumClasses> p{};
    for (int k = 0; k < kNumClasses; ++k) {
      p[k] = static_cast<float>(parse_double(fields[column_of[k]], r.where(), "probability of " + class_name(k)));
      if (p[k] < 0) throw Error(r.where(), "probabilities >= 0", fields[column_of[k]] + " for " + class_name(k));
    }
    double sum = 0;
    for (float v : p) sum += v;
    if (sum <= 0) throw Error(r.where(), "probabilities with a positive sum", "all zero");
    rows.push_back(p);
  }
  if (rows.empty()) throw Error(script.string(), "at least one probability row after the header", "none");
  auto c = std::make_unique<ScriptedClassifier>(std::move(rows));
  c->info_.model_path = script;
  return c;
}

std::vector<ClassLogits> ScriptedClassifier::logits(const std::vector<cv::Mat>& faces) {
  ++calls_;
  std::vector<ClassLogits> out;
  out.reserve(faces.size());
  for (const auto& f : faces) {
    FERKIT_CHECK(!f.empty() && f.depth() == CV_8U, "scripted classifier: face " << out.size() << " is empty or not 8-bit");
    out.push_back(logits_[static_cast<size_t>(faces_++ % static_cast<int64_t>(logits_.size()))]);
  }
  return out;
}

}  // namespace ferkit
