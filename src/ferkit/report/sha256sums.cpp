// SHA256SUMS lines as coreutils writes and checks them (ferkit/report/sha256sums.h). Hand-written:
// a line format of a few characters, with no library for it.
#include "ferkit/report/sha256sums.h"

#include <cctype>
#include <set>
#include <sstream>

#include "ferkit/error.h"

namespace ferkit {

void check_listable_path(const std::string& path, const std::string& where) {
  if (path.empty()) throw Error(where, "a file path", "an empty path");
  if (path.find('\\') != std::string::npos || path.find('\n') != std::string::npos || path.find('\r') != std::string::npos)
    throw Error(where, "a path without backslashes or line breaks (sha256sum would escape it)", "'" + path + "'");
  if (path[0] == '/') throw Error(where, "a path relative to the bundle", "'" + path + "'");
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '/'))
    if (part == "..") throw Error(where, "a path inside the bundle (no ..)", "'" + path + "'");
}

std::string format_sha256sums(const std::vector<Sha256Entry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    check_listable_path(e.path, "SHA256SUMS entry");
    if (e.digest.size() != 64) throw Error("SHA256SUMS entry " + e.path, "a 64-digit digest", e.digest);
    out += e.digest + "  " + e.path + "\n";
  }
  return out;
}

std::vector<Sha256Entry> parse_sha256sums(const std::string& text, const std::string& where) {
  std::vector<Sha256Entry> entries;
  std::set<std::string> seen;
  std::stringstream ss(text);
  std::string line;
  int number = 0;
  while (std::getline(ss, line)) {
    ++number;
    const std::string at = where + ":" + std::to_string(number);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line.size() < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*'))
      throw Error(at, "'<64 hex digits>  <path>'", "'" + line + "'");
    Sha256Entry e;
    for (int i = 0; i < 64; ++i) {
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(line[i])));
      if (!std::isxdigit(static_cast<unsigned char>(c))) throw Error(at, "a hexadecimal SHA-256 digest", line.substr(0, 64));
      e.digest += c;
    }
    e.path = line.substr(66);
    check_listable_path(e.path, at);
    if (!seen.insert(e.path).second) throw Error(at, "each path listed once", e.path + " listed again");
    entries.push_back(e);
  }
  return entries;
}

}  // namespace ferkit
