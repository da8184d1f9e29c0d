#include "ferkit/dataset_merge.h"

#include <algorithm>
#include <map>

#include "ferkit/error.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

bool is_split_word(const std::string& s) {
  try {
    parse_split(s);
    return true;
  } catch (const Error&) {
    return false;
  }
}

fs::path absolute_normal(const fs::path& p) { return fs::absolute(p).lexically_normal(); }

fs::path common_folder(const std::vector<fs::path>& roots) {
  fs::path common = roots.front();
  for (const auto& r : roots) {
    fs::path shared;
    auto a = common.begin(), b = r.begin();
    for (; a != common.end() && b != r.end() && *a == *b; ++a, ++b) shared /= *a;
    common = shared;
  }
  return common;
}

std::string prefixed(const fs::path& prefix, const std::string& rel) {
  if (prefix.empty() || prefix == ".") return rel;
  return (prefix / rel).generic_string();
}

}  // namespace

ReadOptions parse_source_spec(const std::string& spec) {
  ReadOptions o;
  const auto colon = spec.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
    throw Error("source '" + spec + "'", "format:path[:split] (for example ferplus:../shared/data/ferplus:train)", "");
  o.format = spec.substr(0, colon);
  std::string rest = spec.substr(colon + 1);
  const auto last = rest.rfind(':');
  if (last != std::string::npos && is_split_word(rest.substr(last + 1))) {
    o.split = rest.substr(last + 1);
    rest = rest.substr(0, last);
  }
  if (rest.empty()) throw Error("source '" + spec + "'", "a path after the format", "");
  o.path = rest;
  return o;
}

Dataset merge_datasets(const std::vector<ReadOptions>& sources) {
  if (sources.empty()) throw Error("data merge", "at least one source", "none");
  std::vector<Dataset> parts;
  std::vector<fs::path> roots;
  for (const auto& o : sources) {
    parts.push_back(read_dataset(o));
    roots.push_back(absolute_normal(parts.back().root));
  }
  // One name per distinct dataset (format + path).
  std::map<std::string, std::string> name_of_dataset;
  std::map<std::string, int> uses_of_name;
  std::vector<std::string> names;
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string key = sources[i].format + "\n" + absolute_normal(sources[i].path).string();
    auto it = name_of_dataset.find(key);
    if (it == name_of_dataset.end()) {
      const std::string base = parts[i].samples.empty() ? sources[i].format : parts[i].samples.front().source;
      const int n = ++uses_of_name[base];
      it = name_of_dataset.emplace(key, n == 1 ? base : base + "-" + std::to_string(n)).first;
    }
    names.push_back(it->second);
  }

  Dataset m;
  m.format = "merged";
  m.root = common_folder(roots);
  for (size_t i = 0; i < parts.size(); ++i) {
    Dataset& p = parts[i];
    const fs::path prefix = roots[i].lexically_relative(m.root);
    const std::string where = "source " + std::to_string(i + 1) + " (" + sources[i].format + ":" + sources[i].path.string() + ")";
    int64_t memory_offset = m.memory.count();
    if (p.memory.count() > 0) {
      if (m.memory.count() == 0) {
        m.memory.height = p.memory.height;
        m.memory.width = p.memory.width;
        m.memory.channels = p.memory.channels;
      } else if (p.memory.height != m.memory.height || p.memory.width != m.memory.width ||
                 p.memory.channels != m.memory.channels) {
        throw Error(where, "in-memory images of " + std::to_string(m.memory.width) + "x" + std::to_string(m.memory.height) +
                               "x" + std::to_string(m.memory.channels) + " like the sources before it",
                    std::to_string(p.memory.width) + "x" + std::to_string(p.memory.height) + "x" + std::to_string(p.memory.channels));
      }
      memory_offset = m.memory.count();
      m.memory.pixels.insert(m.memory.pixels.end(), p.memory.pixels.begin(), p.memory.pixels.end());
    }
    for (auto& s : p.samples) {
      s.image.path = prefixed(prefix, s.image.path);
      if (s.image.memory_index >= 0) s.image.memory_index += memory_offset;
      s.source = names[i];
      s.provenance = prefixed(prefix, s.provenance);
      m.samples.push_back(std::move(s));
    }
    for (const auto& sp : p.skipped_paths) m.skipped_paths.push_back(prefixed(prefix, sp));
    for (const auto& [why, n] : p.dropped) m.dropped[names[i] == sources[i].format ? why : names[i] + ": " + why] += n;
  }
  return m;
}

}  // namespace ferkit
