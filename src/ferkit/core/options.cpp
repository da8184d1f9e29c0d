#include "ferkit/options.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

namespace ferkit {
namespace {

nlohmann::json to_json_node(const toml::node& node) {
  if (auto t = node.as_table()) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : *t) j[std::string(k.str())] = to_json_node(v);
    return j;
  }
  if (auto a = node.as_array()) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& v : *a) j.push_back(to_json_node(v));
    return j;
  }
  if (auto v = node.as_string()) return v->get();
  if (auto v = node.as_integer()) return v->get();
  if (auto v = node.as_floating_point()) return v->get();
  if (auto v = node.as_boolean()) return v->get();
  // Dates and times have no use in a recipe; keep their text so nothing is lost silently.
  std::ostringstream os;
  if (auto v = node.as_date()) os << v->get();
  else if (auto v = node.as_time()) os << v->get();
  else if (auto v = node.as_date_time()) os << v->get();
  return os.str();
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

nlohmann::json parse_toml(const std::string& text, const std::string& source_name) {
  try {
    toml::table t = toml::parse(text, source_name);
    return to_json_node(t);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw Error(source_name + ":" + std::to_string(b.line) + ":" + std::to_string(b.column),
                "valid TOML", std::string(e.description()));
  }
}

nlohmann::json read_toml(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error(path.string(), "a readable TOML file", "cannot open it");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_toml(ss.str(), path.string());
}

void apply_override(nlohmann::json& config, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("override '" + assignment + "'", "key=value (for example train.epochs=10)", "");
  std::string key = assignment.substr(0, eq);
  std::string text = assignment.substr(eq + 1);
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    value = text;  // a bare word is a string
  }
  nlohmann::json* node = &config;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) throw Error("override '" + assignment + "'", "a key without empty parts", "");
    if (!node->is_object()) *node = nlohmann::json::object();
    if (dot == std::string::npos) {
      (*node)[part] = value;
      return;
    }
    node = &(*node)[part];
    start = dot + 1;
  }
}

std::string nearest_name(const std::string& key, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    size_t d = edit_distance(key, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  // Suggest only when the typo is plausible: at most a third of the name changed.
  if (best_d == std::string::npos || best_d > std::max<size_t>(2, key.size() / 3)) return "";
  return best;
}

namespace options_detail {

std::string describe(const nlohmann::json& j) {
  std::string s = j.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s + " (" + j.type_name() + ")";
}

void type_error(const std::string& key, const char* expected, const nlohmann::json& j) {
  throw Error("config key '" + key + "'", expected, describe(j));
}

void unknown_key(const std::string& key, const std::vector<std::string>& known) {
  auto dot = key.rfind('.');
  std::string leaf = dot == std::string::npos ? key : key.substr(dot + 1);
  std::string guess = nearest_name(leaf, known);
  std::string msg = "unknown config key '" + key + "'";
  if (!guess.empty()) {
    msg += "; did you mean '" + (dot == std::string::npos ? "" : key.substr(0, dot + 1)) + guess + "'?";
  } else {
    std::string all;
    for (const auto& k : known) all += (all.empty() ? "" : ", ") + k;
    msg += "; known keys here: " + all;
  }
  throw Error(msg);
}

}  // namespace options_detail
}  // namespace ferkit
