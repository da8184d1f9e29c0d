// aggregate_runs(): mean and sample standard deviation of every numeric leaf of metrics.json
// objects of the same shape (ferkit eval --seeds).
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "ferkit/error.h"
#include "ferkit/metrics.h"

namespace ferkit {
namespace {

using nlohmann::json;

const char* kind(const json& j) {
  if (j.is_null()) return "null";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_boolean()) return "a boolean";
  if (j.is_array()) return "an array";
  return "an object";
}

[[noreturn]] void mismatch(size_t run, const std::string& path, const std::string& expected, const std::string& found) {
  throw Error("metrics run " + std::to_string(run) + " at " + (path.empty() ? "/" : path),
              expected + " (as run 0)", found);
}

// Fills mean and std for the node at `path` in every run.
void aggregate(const std::vector<const json*>& nodes, const std::string& path, json& mean, json& sd) {
  const json& first = *nodes[0];
  // Leaves of a kind other than run 0's are an error, except null among numbers (undefined metric).
  const bool numeric_leaf = first.is_number() || first.is_null();
  for (size_t r = 1; r < nodes.size(); ++r) {
    const json& n = *nodes[r];
    const bool same = numeric_leaf ? (n.is_number() || n.is_null()) : std::string(kind(n)) == kind(first);
    if (!same) mismatch(r, path, kind(first), kind(n));
  }
  if (first.is_object()) {
    mean = json::object();
    sd = json::object();
    for (size_t r = 1; r < nodes.size(); ++r) {
      if (nodes[r]->size() != first.size())
        mismatch(r, path, std::to_string(first.size()) + " keys", std::to_string(nodes[r]->size()) + " keys");
    }
    for (auto it = first.begin(); it != first.end(); ++it) {
      std::vector<const json*> children;
      for (size_t r = 0; r < nodes.size(); ++r) {
        auto c = nodes[r]->find(it.key());
        if (c == nodes[r]->end()) mismatch(r, path + "/" + it.key(), "the key", "no such key");
        children.push_back(&*c);
      }
      aggregate(children, path + "/" + it.key(), mean[it.key()], sd[it.key()]);
    }
  } else if (first.is_array()) {
    mean = json::array();
    sd = json::array();
    for (size_t r = 1; r < nodes.size(); ++r)
      if (nodes[r]->size() != first.size())
        mismatch(r, path, std::to_string(first.size()) + " elements", std::to_string(nodes[r]->size()) + " elements");
    for (size_t i = 0; i < first.size(); ++i) {
      std::vector<const json*> children;
      for (const json* n : nodes) children.push_back(&(*n)[i]);
      json m, s;
      aggregate(children, path + "/" + std::to_string(i), m, s);
      mean.push_back(m);
      sd.push_back(s);
    }
  } else if (numeric_leaf) {
    double sum = 0;
    for (const json* n : nodes) {
      if (n->is_null()) {
        mean = nullptr;
        sd = nullptr;
        return;
      }
      sum += n->get<double>();
    }
    const double count = static_cast<double>(nodes.size());
    const double mu = sum / count;
    double ss = 0;
    for (const json* n : nodes) ss += (n->get<double>() - mu) * (n->get<double>() - mu);
    mean = mu;
    sd = nodes.size() > 1 ? json(std::sqrt(ss / (count - 1))) : json(nullptr);
  } else {
    // Strings and booleans: kept when the runs agree, listed per run otherwise.
    bool agree = true;
    for (const json* n : nodes) agree = agree && *n == first;
    if (agree) {
      mean = first;
    } else {
      mean = json::array();
      for (const json* n : nodes) mean.push_back(*n);
    }
    sd = mean;
  }
}

}  // namespace

nlohmann::json aggregate_runs(const std::vector<nlohmann::json>& runs) {
  if (runs.empty()) throw Error("aggregate runs", "at least one metrics object", "none");
  std::vector<const json*> nodes;
  for (const auto& r : runs) nodes.push_back(&r);
  json out;
  out["runs"] = runs.size();
  aggregate(nodes, "", out["mean"], out["std"]);
  return out;
}

}  // namespace ferkit
