#include <algorithm>
#include <map>
#include <random>

#include "ferkit/error.h"
#include "ferkit/options.h"
#include "ferkit/trainer.h"

namespace ferkit {

nlohmann::json Recipe::resolved() const {
  nlohmann::json j = to_json(train);
  j["loss"] = loss;
  j["teacher"] = nlohmann::json::array();
  for (const auto& t : teachers) j["teacher"].push_back(to_json(t));
  return j;
}

Recipe recipe_from_json(nlohmann::json config, const std::string& where) {
  Recipe r;
  if (config.contains("loss")) {
    r.loss = config["loss"];
    config.erase("loss");
    FERKIT_CHECK(r.loss.is_array(), where << ": 'loss' must be an array of [[loss]] tables, got " << r.loss.type_name());
  }
  if (r.loss.empty()) r.loss = nlohmann::json::array({{{"name", "ce"}}});
  if (config.contains("teacher")) {
    const auto& t = config["teacher"];
    FERKIT_CHECK(t.is_array(), where << ": 'teacher' must be an array of [[teacher]] tables");
    for (size_t i = 0; i < t.size(); ++i) {
      TeacherOptions to;
      bind_options(t[i], to, where + ".teacher[" + std::to_string(i) + "]");
      FERKIT_CHECK(to.checkpoint.empty() != to.logits.empty(),
                   where << ".teacher[" << i << "]: give exactly one of checkpoint or logits");
      r.teachers.push_back(to);
    }
    config.erase("teacher");
  }
  bind_options(config, r.train, where);
  return r;
}

Recipe load_recipe(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  nlohmann::json config = read_toml(file);
  for (const auto& o : overrides) apply_override(config, o);
  return recipe_from_json(config, file.filename().string());
}

Dataset stratified_subset(const Dataset& d, int64_t n, int64_t seed) {
  const int64_t size = static_cast<int64_t>(d.samples.size());
  if (n <= 0 || n >= size) return d;
  std::map<int, std::vector<size_t>> by_class;
  for (size_t i = 0; i < d.samples.size(); ++i) by_class[d.samples[i].label].push_back(i);
  std::mt19937_64 rng(static_cast<uint64_t>(seed) * 0x9E3779B97F4A7C15ull + 1);
  std::vector<size_t> keep;
  for (auto& [label, idx] : by_class) {
    int64_t take = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(idx.size()) * n / size + 0.5));
    std::shuffle(idx.begin(), idx.end(), rng);
    keep.insert(keep.end(), idx.begin(), idx.begin() + std::min<int64_t>(take, static_cast<int64_t>(idx.size())));
  }
  std::sort(keep.begin(), keep.end());
  Dataset out = d;
  out.samples.clear();
  for (size_t i : keep) out.samples.push_back(d.samples[i]);
  out.dropped["subset: left out by the limit of " + std::to_string(n) + " samples"] =
      size - static_cast<int64_t>(keep.size());
  return out;
}

}  // namespace ferkit
