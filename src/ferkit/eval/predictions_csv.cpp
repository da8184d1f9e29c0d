#include "ferkit/predictions_csv.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <system_error>

#include "ferkit/csv.h"
#include "ferkit/error.h"
#include "ferkit/taxonomy.h"

namespace ferkit {
namespace {

constexpr const char* kUnknownName = "unknown";

// Shortest text that reads back to the same double (std::to_chars), so a re-read file gives
// bit-identical metrics.
std::string shortest(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

double read_double(const std::string& text, const std::string& where, const std::string& what) {
  double v = 0;
  const char* end = text.data() + text.size();
  auto res = std::from_chars(text.data(), end, v);
  if (text.empty() || res.ec != std::errc() || res.ptr != end) throw Error(where, what + " as a number", "'" + text + "'");
  return v;
}

std::vector<std::string> header(bool with_predictions) {
  std::vector<std::string> h = {"path", "true_label"};
  for (const auto& n : class_names()) h.push_back("p_" + n);
  if (with_predictions) {
    h.push_back("predicted");
    h.push_back("abstained");
  }
  return h;
}

}  // namespace

void write_predictions_csv(const std::filesystem::path& path, const std::vector<std::string>& paths,
                           const std::vector<int>& labels, const ProbabilityMatrix& probs,
                           const std::vector<int>& predicted) {
  const std::string where = "predictions for " + path.string();
  if (probs.cols != kNumClasses)
    throw Error(where, std::to_string(kNumClasses) + " probability columns", std::to_string(probs.cols));
  check_probabilities(probs, where);
  if (static_cast<int64_t>(paths.size()) != probs.rows)
    throw Error(where, std::to_string(probs.rows) + " paths (one per probability row)", std::to_string(paths.size()));
  check_labels(labels, probs.rows, probs.cols, where);
  const bool with_predictions = !predicted.empty();
  if (with_predictions) {
    if (static_cast<int64_t>(predicted.size()) != probs.rows)
      throw Error(where, std::to_string(probs.rows) + " predictions", std::to_string(predicted.size()));
    for (size_t i = 0; i < predicted.size(); ++i)
      if (predicted[i] < -1 || predicted[i] >= kNumClasses)
        throw Error(where + " prediction " + std::to_string(i), "a class or -1 (abstained)", std::to_string(predicted[i]));
  }
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(path.string(), "a writable file", "cannot open it");
  const auto h = header(with_predictions);
  for (size_t c = 0; c < h.size(); ++c) out << (c ? "," : "") << h[c];
  out << "\n";
  for (int64_t i = 0; i < probs.rows; ++i) {
    out << csv_escape(paths[i]) << "," << class_name(labels[i]);
    for (int k = 0; k < kNumClasses; ++k) out << "," << shortest(probs.at(i, k));
    if (with_predictions)
      out << "," << (predicted[i] < 0 ? kUnknownName : class_name(predicted[i])) << "," << (predicted[i] < 0 ? 1 : 0);
    out << "\n";
  }
  if (!out) throw Error(path.string(), "the predictions to be written", "a write error");
}

PredictionTable read_predictions_csv(const std::filesystem::path& path) {
  CsvReader reader(path);
  std::vector<std::string> row;
  if (!reader.next(row)) throw Error(path.string(), "a header line", "an empty file");
  const bool with_predictions = row == header(true);
  if (!with_predictions && row != header(false)) {
    std::string expected;
    for (const auto& h : header(false)) expected += (expected.empty() ? "" : ",") + h;
    throw Error(reader.where(), "the header " + expected + "[,predicted,abstained]", "'" + row[0] + ",...' (" +
                std::to_string(row.size()) + " fields)");
  }
  const size_t fields = row.size();
  PredictionTable t;
  t.probs.cols = kNumClasses;
  while (reader.next(row)) {
    const std::string where = reader.where();
    if (row.size() != fields)
      throw Error(where, std::to_string(fields) + " fields", std::to_string(row.size()));
    t.paths.push_back(row[0]);
    const int label = try_class_index(row[1]);
    if (label == kDropped) throw Error(where, "true_label to be a class name", "'" + row[1] + "'");
    t.labels.push_back(label);
    double sum = 0;
    for (int k = 0; k < kNumClasses; ++k) {
      const double v = read_double(row[2 + k], where, "p_" + class_name(k));
      if (!std::isfinite(v) || v < 0) throw Error(where, "p_" + class_name(k) + " >= 0", "'" + row[2 + k] + "'");
      t.probs.values.push_back(v);
      sum += v;
    }
    if (std::abs(sum - 1.0) > 1e-6)
      throw Error(where, "probabilities summing to 1 (within 1e-6)", "a sum of " + std::to_string(sum));
    if (with_predictions) {
      int p = row[10] == kUnknownName ? -1 : try_class_index(row[10]);
      if (p == kDropped && row[10] != kUnknownName)
        throw Error(where, "predicted to be a class name or unknown", "'" + row[10] + "'");
      if (row[11] != (p < 0 ? "1" : "0"))
        throw Error(where, std::string("abstained = ") + (p < 0 ? "1" : "0") + " for predicted '" + row[10] + "'",
                    "'" + row[11] + "'");
      t.predicted.push_back(p);
    }
  }
  t.probs.rows = static_cast<int64_t>(t.labels.size());
  check_probabilities(t.probs, path.string());
  return t;
}

}  // namespace ferkit
