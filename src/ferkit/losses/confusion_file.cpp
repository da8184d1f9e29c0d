// Reading a K x K confusion matrix (JSON, CSV, or a run's metrics.json) for teacher-guided
// complementary labels.
#include <fstream>

#include <nlohmann/json.hpp>

#include "ferkit/complementary_labels.h"
#include "ferkit/csv.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

// The first "confusion" array found depth-first (metrics.json nests it per metric group).
const nlohmann::json* find_confusion(const nlohmann::json& j) {
  if (j.is_array()) return &j;
  if (!j.is_object()) return nullptr;
  if (j.contains("confusion") && j["confusion"].is_array()) return &j["confusion"];
  for (const auto& kv : j.items())
    if (kv.value().is_object())
      if (const nlohmann::json* f = find_confusion(kv.value())) return f;
  return nullptr;
}

void check_square(const std::vector<std::vector<double>>& m, int k, const std::string& where) {
  if (static_cast<int>(m.size()) != k)
    throw Error(where, std::to_string(k) + " rows (true classes)", std::to_string(m.size()) + " rows");
  for (size_t r = 0; r < m.size(); ++r) {
    if (static_cast<int>(m[r].size()) != k)
      throw Error(where + " row " + std::to_string(r + 1), std::to_string(k) + " columns", std::to_string(m[r].size()));
    for (double x : m[r])
      if (!(x >= 0))
        throw Error(where + " row " + std::to_string(r + 1), "non-negative counts or rates", std::to_string(x));
  }
}

}  // namespace

std::vector<std::vector<double>> read_confusion_matrix(const std::filesystem::path& file, int num_classes) {
  const std::string where = file.string();
  std::vector<std::vector<double>> m;
  if (file.extension() == ".json") {
    std::ifstream in(file);
    if (!in) throw Error(where, "a readable JSON confusion matrix", "cannot open the file");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw Error(where, "valid JSON", e.what());
    }
    const nlohmann::json* c = find_confusion(j);
    if (!c) throw Error(where, "an array of rows, or a \"confusion\" key", "neither");
    for (size_t r = 0; r < c->size(); ++r) {
      const auto& row = (*c)[r];
      if (!row.is_array()) throw Error(where + " confusion row " + std::to_string(r + 1), "an array of numbers", row.dump());
      std::vector<double> v;
      for (const auto& x : row) {
        if (!x.is_number()) throw Error(where + " confusion row " + std::to_string(r + 1), "numbers", x.dump());
        v.push_back(x.get<double>());
      }
      m.push_back(std::move(v));
    }
  } else {
    CsvReader reader(file);
    std::vector<std::string> fields;
    while (reader.next(fields)) {
      // A header row or a leading label column: skip fields that are not numbers.
      std::vector<double> v;
      bool any_text = false;
      for (size_t i = 0; i < fields.size(); ++i) {
        try {
          size_t used = 0;
          double x = std::stod(fields[i], &used);
          if (used != fields[i].size()) throw std::invalid_argument("trailing");
          v.push_back(x);
        } catch (const std::exception&) {
          if (i == 0 || v.empty()) {
            any_text = true;
            continue;
          }
          throw Error(reader.where(), "a number in column " + std::to_string(i + 1), "'" + fields[i] + "'");
        }
      }
      if (v.empty() && any_text) continue;  // header
      m.push_back(std::move(v));
    }
  }
  check_square(m, num_classes, where);
  return m;
}

}  // namespace ferkit
