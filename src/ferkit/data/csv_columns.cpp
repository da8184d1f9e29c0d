#include "ferkit/data/csv_columns.h"

#include <algorithm>
#include <cctype>

#include "ferkit/error.h"

namespace ferkit {
namespace {
std::string normalise(const std::string& s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  std::string t = a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t;
}
std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& e : v) s += (s.empty() ? "" : ", ") + e;
  return s;
}
}  // namespace

CsvColumns::CsvColumns(CsvReader& reader) : file_(reader.path().string()) {
  if (!reader.next(names_)) throw Error(file_, "a header row", "an empty file");
}

std::optional<size_t> CsvColumns::find(const std::vector<std::string>& names) const {
  for (const auto& wanted : names)
    for (size_t i = 0; i < names_.size(); ++i)
      if (normalise(names_[i]) == normalise(wanted)) return i;
  return std::nullopt;
}

size_t CsvColumns::require(const std::vector<std::string>& names, const std::string& what) const {
  auto i = find(names);
  if (!i) throw Error(file_ + ":1", what + " (a column named " + join(names) + ")", "header '" + join(names_) + "'");
  return *i;
}

void CsvColumns::check_width(const std::vector<std::string>& row, const std::string& where) const {
  if (row.size() != names_.size())
    throw Error(where, std::to_string(names_.size()) + " fields (as in the header)", std::to_string(row.size()) + " fields");
}

}  // namespace ferkit
