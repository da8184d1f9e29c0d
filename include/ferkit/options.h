// Options structs: declared once, loaded from TOML, overridden from the command line, written to JSON.
//
// An options struct carries its defaults and lists its fields once, in visit():
//
//   struct ScheduleOptions {
//     double lr = 1e-3;          // peak learning rate
//     int warmup_epochs = 2;     // linear warm-up length
//     template <class V> void visit(V& v) {
//       v("lr", lr, "peak learning rate");
//       v("warmup_epochs", warmup_epochs, "linear warm-up length");
//     }
//   };
//
//   nlohmann::json cfg = ferkit::read_toml("configs/recipe.toml");   // TOML key = field name
//   ferkit::apply_override(cfg, "schedule.lr=3e-4");                // key=value from the CLI
//   ScheduleOptions s;
//   ferkit::bind_options(cfg["schedule"], s, "schedule");   // unknown key -> Error suggesting the nearest
//   nlohmann::json resolved = ferkit::to_json(s);   // what the run directory records
//
// Field types: bool, int, int64_t, double, float, std::string, std::vector of those, and nested
// options structs (anything with a visit()).
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "ferkit/error.h"

namespace ferkit {

// Parses a TOML file into JSON (tables -> objects, arrays -> arrays). Throws ferkit::Error with the
// file, line and column of a syntax error.
nlohmann::json read_toml(const std::filesystem::path& path);
nlohmann::json parse_toml(const std::string& text, const std::string& source_name);

// Applies "dotted.key=value" to a JSON object. The value is read as JSON when it parses (numbers,
// true/false, [arrays], "strings") and as a plain string otherwise.
void apply_override(nlohmann::json& config, const std::string& assignment);

// The candidate closest to key by edit distance ("" when none is reasonably close).
std::string nearest_name(const std::string& key, const std::vector<std::string>& candidates);

namespace options_detail {

template <class T, class = void>
struct has_visit : std::false_type {};
template <class T>
struct has_visit<T, std::void_t<decltype(std::declval<T&>().visit(std::declval<int&>()))>>
    : std::true_type {};
// visit() is a template over the visitor; probing with a generic lambda type is enough.
struct Probe {
  template <class F>
  void operator()(const char*, F&, const char*) {}
};
template <class T, class = void>
struct is_options : std::false_type {};
template <class T>
struct is_options<T, std::void_t<decltype(std::declval<T&>().visit(std::declval<Probe&>()))>>
    : std::true_type {};

std::string describe(const nlohmann::json& j);
[[noreturn]] void type_error(const std::string& key, const char* expected, const nlohmann::json& j);
[[noreturn]] void unknown_key(const std::string& key, const std::vector<std::string>& known);

template <class T>
void read_value(const nlohmann::json& j, T& out, const std::string& key);

struct Reader {
  const nlohmann::json& j;
  std::string prefix;
  std::vector<std::string> known;
  template <class F>
  void operator()(const char* name, F& field, const char* /*doc*/) {
    known.emplace_back(name);
    auto it = j.find(name);
    if (it != j.end()) read_value(*it, field, prefix + name);
  }
};

struct Writer {
  nlohmann::json& j;
  template <class F>
  void operator()(const char* name, F& field, const char* /*doc*/);
};

struct Documenter {
  std::string prefix;
  std::vector<std::pair<std::string, std::string>>& rows;
  template <class F>
  void operator()(const char* name, F& field, const char* doc);
};

template <class T>
void read_value(const nlohmann::json& j, T& out, const std::string& key) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) type_error(key, "true or false", j);
    out = j.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    if (j.is_number_integer()) {
      out = j.get<T>();
    } else if (j.is_number_float() && j.get<double>() == static_cast<double>(static_cast<int64_t>(j.get<double>()))) {
      out = static_cast<T>(j.get<double>());
    } else {
      type_error(key, "an integer", j);
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!j.is_number()) type_error(key, "a number", j);
    out = j.get<T>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!j.is_string()) type_error(key, "a string", j);
    out = j.get<std::string>();
  } else if constexpr (is_options<T>::value) {
    if (!j.is_object()) type_error(key, "a table", j);
    Reader r{j, key + ".", {}};
    out.visit(r);
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool found = false;
      for (const auto& k : r.known) found = found || k == it.key();
      if (!found) unknown_key(key + "." + it.key(), r.known);
    }
  } else {
    // std::vector<E>
    if (!j.is_array()) type_error(key, "an array", j);
    out.clear();
    for (size_t i = 0; i < j.size(); ++i) {
      typename T::value_type e{};
      read_value(j[i], e, key + "[" + std::to_string(i) + "]");
      out.push_back(e);
    }
  }
}

template <class T>
nlohmann::json write_value(const T& v) {
  if constexpr (is_options<T>::value) {
    nlohmann::json j = nlohmann::json::object();
    Writer w{j};
    const_cast<T&>(v).visit(w);
    return j;
  } else if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string>) {
    return nlohmann::json(v);
  } else {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& e : v) a.push_back(write_value(e));
    return a;
  }
}

template <class F>
void Writer::operator()(const char* name, F& field, const char*) {
  j[name] = write_value(field);
}

template <class F>
void Documenter::operator()(const char* name, F& field, const char* doc) {
  if constexpr (is_options<F>::value) {
    Documenter d{prefix + name + ".", rows};
    field.visit(d);
  } else {
    rows.emplace_back(prefix + name, std::string(doc) + " (default " + write_value(field).dump() + ")");
  }
}

}  // namespace options_detail

// Reads the fields of opts present in j; an unknown key is an Error that names the nearest field.
// where: the table name used in messages ("train", "loader", ...).
template <class T>
void bind_options(const nlohmann::json& j, T& opts, const std::string& where) {
  if (j.is_null()) return;
  options_detail::read_value(j, opts, where);
}

template <class T>
nlohmann::json to_json(const T& opts) {
  return options_detail::write_value(opts);
}

// (dotted key, "doc (default value)") for every field, for --help texts and docs.
template <class T>
std::vector<std::pair<std::string, std::string>> describe_options(const T& opts, const std::string& prefix = "") {
  std::vector<std::pair<std::string, std::string>> rows;
  options_detail::Documenter d{prefix, rows};
  const_cast<T&>(opts).visit(d);
  return rows;
}

}  // namespace ferkit
