// ClassMatrix — N samples x K classes of per-class scores (probabilities or logits), row-major.
//
// The evaluation code (metrics, calibration, abstention) takes its inputs in this one plain form,
// so that it does not depend on torch or on a backend:
//
//   ferkit::ProbabilityMatrix p(n, ferkit::kNumClasses);   // zero-filled
//   p.at(0, ferkit::kHappiness) = 0.9; ...
//   ferkit::ProbabilityMatrix q = ferkit::ProbabilityMatrix::from_rows({{0.2, 0.8}, {0.6, 0.4}});
//   ferkit::check_probabilities(p, "predictions.csv");  // Error naming the first bad row
//   std::vector<int> predicted = ferkit::argmax_rows(p);      // first maximum on ties (numpy)
//   std::vector<double> confidence = ferkit::max_per_row(p);
//
// Contract: values.size() == rows * cols. A probability matrix has rows of finite, non-negative
// values that sum to 1 within 1e-6; check_probabilities() enforces it and every metric calls it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace ferkit {

struct ClassMatrix {
  int64_t rows = 0;            // samples
  int cols = 0;                // classes
  std::vector<double> values;  // rows * cols, row-major

  ClassMatrix() = default;
  ClassMatrix(int64_t n, int k) : rows(n), cols(k), values(static_cast<size_t>(n) * k, 0.0) {}
  static ClassMatrix from_rows(const std::vector<std::vector<double>>& rows);

  double& at(int64_t i, int k) { return values[static_cast<size_t>(i) * cols + k]; }
  double at(int64_t i, int k) const { return values[static_cast<size_t>(i) * cols + k]; }
  const double* row(int64_t i) const { return values.data() + static_cast<size_t>(i) * cols; }
  bool empty() const { return rows == 0; }
};

// Rows sum to 1 (softmax outputs).
using ProbabilityMatrix = ClassMatrix;
// Raw model scores before softmax.
using LogitMatrix = ClassMatrix;

// Throws ferkit::Error("<where> row i", ...) for a shape mismatch, a non-finite or negative value,
// or a row whose sum is not 1 within 1e-6.
void check_probabilities(const ProbabilityMatrix& p, const std::string& where);
// Throws when labels.size() != rows or a label is outside [0, cols); names the first bad index.
void check_labels(const std::vector<int>& labels, int64_t rows, int cols, const std::string& where);

// Index of the largest value per row; the first one on ties (as numpy.argmax).
std::vector<int> argmax_rows(const ClassMatrix& m);
// The largest value per row (the confidence of a probability row).
std::vector<double> max_per_row(const ClassMatrix& m);

}  // namespace ferkit
