// A small RFC 4180 CSV reader and writer that keeps line numbers for error messages.
//
// Hand-written on purpose: Debian's C++ CSV parser (fast-cpp-csv-parser) fixes the column count at
// compile time, and every ferkit error must name the file and line it came from.
//
//   ferkit::CsvReader r("FER2013Train/label.csv");
//   std::vector<std::string> row;
//   while (r.next(row)) { ... r.where() ... }   // where() = "FER2013Train/label.csv:17"
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace ferkit {

class CsvReader {
 public:
  // Throws ferkit::Error when the file cannot be opened.
  explicit CsvReader(const std::filesystem::path& path, char delimiter = ',');
  // Reads the next record (which may span lines inside quotes); false at end of file. Blank lines
  // are skipped and counted in blank_lines(). A stray quote is an error naming the line.
  bool next(std::vector<std::string>& fields);
  // "file:line" of the record last returned.
  std::string where() const;
  int64_t line() const { return record_line_; }
  int64_t blank_lines() const { return blank_lines_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::ifstream in_;
  char delim_;
  int64_t line_ = 0, record_line_ = 0, blank_lines_ = 0;
};

// Splits one line (no embedded newlines) into fields; throws on unbalanced quotes.
std::vector<std::string> split_csv_line(const std::string& line, char delimiter, const std::string& where);

// Quotes a field when it needs it.
std::string csv_escape(const std::string& field);

// Number parsing with errors that name the place and the field.
double parse_double(const std::string& text, const std::string& where, const std::string& what);
int64_t parse_int(const std::string& text, const std::string& where, const std::string& what);

}  // namespace ferkit
