#include <cmath>

#include "ferkit/error.h"
#include "ferkit/losses.h"

namespace ferkit {

torch::Tensor class_weight_tensor(const std::string& mode, const std::array<int64_t, 8>& counts, double beta) {
  const int k = static_cast<int>(counts.size());
  std::vector<double> w(k, 0.0);
  int64_t total = 0, present = 0;
  for (auto c : counts) {
    FERKIT_CHECK(c >= 0, "class weights: class counts must be >= 0, got " << c);
    total += c;
    present += c > 0;
  }
  if (mode == "none") {
    std::fill(w.begin(), w.end(), 1.0);
  } else if (mode == "inverse_frequency") {
    FERKIT_CHECK(total > 0, "class weights: inverse_frequency needs a non-empty training set");
    for (int i = 0; i < k; ++i) w[i] = counts[i] > 0 ? static_cast<double>(total) / (k * static_cast<double>(counts[i])) : 0.0;
  } else if (mode == "effective_number") {
    FERKIT_CHECK(beta > 0 && beta < 1, "class weights: effective_number needs 0 < beta < 1, got " << beta);
    double sum = 0;
    for (int i = 0; i < k; ++i) {
      if (counts[i] > 0) w[i] = (1.0 - beta) / (1.0 - std::pow(beta, static_cast<double>(counts[i])));
      sum += w[i];
    }
    FERKIT_CHECK(sum > 0, "class weights: effective_number needs a non-empty training set");
    for (auto& v : w) v *= static_cast<double>(present) / sum;
  } else {
    throw Error("class_weights '" + mode + "'", "none, inverse_frequency or effective_number", "");
  }
  return torch::tensor(w, torch::kFloat32);
}

}  // namespace ferkit
