#include "ferkit/csv.h"

#include <cerrno>
#include <cstdlib>

#include "ferkit/error.h"

namespace ferkit {

CsvReader::CsvReader(const std::filesystem::path& path, char delimiter) : path_(path), in_(path), delim_(delimiter) {
  if (!in_) throw Error(path.string(), "a readable CSV file", std::filesystem::exists(path) ? "cannot open it" : "no such file");
}

std::string CsvReader::where() const { return path_.string() + ":" + std::to_string(record_line_); }

bool CsvReader::next(std::vector<std::string>& fields) {
  std::string line;
  while (true) {
    if (!std::getline(in_, line)) return false;
    ++line_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_ == 1 && line.size() >= 3 && static_cast<unsigned char>(line[0]) == 0xEF &&
        static_cast<unsigned char>(line[1]) == 0xBB && static_cast<unsigned char>(line[2]) == 0xBF)
      line.erase(0, 3);  // UTF-8 byte-order mark
    if (line.find_first_not_of(" \t") == std::string::npos) {
      ++blank_lines_;
      continue;
    }
    break;
  }
  record_line_ = line_;
  // A quoted field may span lines: keep reading while the quotes are unbalanced.
  auto unbalanced = [](const std::string& s) {
    size_t q = 0;
    for (char c : s) q += c == '"';
    return q % 2 == 1;
  };
  while (unbalanced(line)) {
    std::string more;
    if (!std::getline(in_, more)) throw Error(where(), "a closing quote", "end of file inside a quoted field");
    ++line_;
    if (!more.empty() && more.back() == '\r') more.pop_back();
    line += "\n" + more;
  }
  fields = split_csv_line(line, delim_, where());
  return true;
}

std::vector<std::string> split_csv_line(const std::string& line, char delimiter, const std::string& where) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"') {
      if (!cur.empty() || was_quoted) throw Error(where, "a quote only at the start of a field", "a quote inside field " + std::to_string(out.size() + 1));
      quoted = was_quoted = true;
    } else if (c == delimiter) {
      out.push_back(cur);
      cur.clear();
      was_quoted = false;
    } else {
      if (was_quoted && c != ' ') throw Error(where, "a delimiter after a closing quote", std::string("'") + c + "'");
      if (!was_quoted) cur += c;
    }
  }
  if (quoted) throw Error(where, "a closing quote", "end of line inside a quoted field");
  out.push_back(cur);
  return out;
}

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string s = "\"";
  for (char c : field) s += c == '"' ? std::string("\"\"") : std::string(1, c);
  return s + "\"";
}

namespace {
std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}
}  // namespace

double parse_double(const std::string& text, const std::string& where, const std::string& what) {
  std::string t = trim(text);
  char* end = nullptr;
  errno = 0;
  double v = t.empty() ? 0.0 : std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || errno == ERANGE)
    throw Error(where, what + " as a number", "'" + text + "'");
  return v;
}

int64_t parse_int(const std::string& text, const std::string& where, const std::string& what) {
  std::string t = trim(text);
  char* end = nullptr;
  errno = 0;
  long long v = t.empty() ? 0 : std::strtoll(t.c_str(), &end, 10);
  if (t.empty() || end != t.c_str() + t.size() || errno == ERANGE) {
    // Accept integral floats such as "3.0" (pandas writes them).
    double d = 0;
    try {
      d = parse_double(text, where, what);
    } catch (const Error&) {
      throw Error(where, what + " as an integer", "'" + text + "'");
    }
    if (d != static_cast<double>(static_cast<long long>(d))) throw Error(where, what + " as an integer", "'" + text + "'");
    return static_cast<int64_t>(d);
  }
  return v;
}

}  // namespace ferkit
