// Column lookup by header name for the CSV-based readers (affectnet, affectnet-mini, fer2013):
// the first row names the columns, later rows are read by name so that extra or reordered columns
// do not matter. Internal to the data readers.
//
//   CsvReader r(file);
//   CsvColumns cols(r);                                   // reads the header row
//   size_t path = cols.require({"pth", "path"}, "an image path column");
//   while (r.next(row)) { cols.check_width(row, r.where()); ... row[path] ... }
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ferkit/csv.h"

namespace ferkit {

class CsvColumns {
 public:
  // Reads the header row; an empty file is an Error naming it.
  explicit CsvColumns(CsvReader& reader);
  // Index of the first column whose name (case-insensitive, trimmed) is one of names.
  std::optional<size_t> find(const std::vector<std::string>& names) const;
  // As find(), but a missing column is an Error naming the file, the accepted names and the header.
  size_t require(const std::vector<std::string>& names, const std::string& what) const;
  // Every data row must have as many fields as the header.
  void check_width(const std::vector<std::string>& row, const std::string& where) const;
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::string file_;
  std::vector<std::string> names_;
};

}  // namespace ferkit
