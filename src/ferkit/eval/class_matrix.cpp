#include "ferkit/class_matrix.h"

#include <algorithm>
#include <cmath>

#include "ferkit/error.h"

namespace ferkit {

ClassMatrix ClassMatrix::from_rows(const std::vector<std::vector<double>>& rows) {
  ClassMatrix m;
  m.rows = static_cast<int64_t>(rows.size());
  m.cols = rows.empty() ? 0 : static_cast<int>(rows[0].size());
  m.values.reserve(rows.size() * m.cols);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (static_cast<int>(rows[i].size()) != m.cols)
      throw Error("matrix row " + std::to_string(i), std::to_string(m.cols) + " values (as row 0)",
                  std::to_string(rows[i].size()));
    m.values.insert(m.values.end(), rows[i].begin(), rows[i].end());
  }
  return m;
}

void check_probabilities(const ProbabilityMatrix& p, const std::string& where) {
  if (p.cols < 2) throw Error(where, "a probability matrix with at least 2 classes", std::to_string(p.cols) + " columns");
  if (p.values.size() != static_cast<size_t>(p.rows) * p.cols)
    throw Error(where, std::to_string(p.rows) + " x " + std::to_string(p.cols) + " values",
                std::to_string(p.values.size()));
  for (int64_t i = 0; i < p.rows; ++i) {
    double sum = 0;
    for (int k = 0; k < p.cols; ++k) {
      double v = p.at(i, k);
      if (!std::isfinite(v) || v < 0)
        throw Error(where + " row " + std::to_string(i), "finite probabilities >= 0",
                    "p[" + std::to_string(k) + "] = " + std::to_string(v));
      sum += v;
    }
    if (std::abs(sum - 1.0) > 1e-6)
      throw Error(where + " row " + std::to_string(i), "probabilities summing to 1 (within 1e-6)",
                  "a sum of " + std::to_string(sum));
  }
}

void check_labels(const std::vector<int>& labels, int64_t rows, int cols, const std::string& where) {
  if (static_cast<int64_t>(labels.size()) != rows)
    throw Error(where, std::to_string(rows) + " labels (one per row)", std::to_string(labels.size()));
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= cols)
      throw Error(where + " label " + std::to_string(i), "a class in [0, " + std::to_string(cols) + ")",
                  std::to_string(labels[i]));
}

std::vector<int> argmax_rows(const ClassMatrix& m) {
  std::vector<int> out(static_cast<size_t>(m.rows), 0);
  for (int64_t i = 0; i < m.rows; ++i) {
    const double* r = m.row(i);
    int best = 0;
    for (int k = 1; k < m.cols; ++k)
      if (r[k] > r[best]) best = k;  // strict: the first maximum wins
    out[i] = best;
  }
  return out;
}

std::vector<double> max_per_row(const ClassMatrix& m) {
  std::vector<double> out(static_cast<size_t>(m.rows), 0.0);
  for (int64_t i = 0; i < m.rows; ++i) {
    const double* r = m.row(i);
    double best = r[0];
    for (int k = 1; k < m.cols; ++k) best = std::max(best, r[k]);
    out[i] = best;
  }
  return out;
}

}  // namespace ferkit
