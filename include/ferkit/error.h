// ferkit::Error — the one exception type of the library.
//
// An error says what was read, where, what was expected and what was found, so that a user can
// fix the input without reading the source:
//
//   throw ferkit::Error("FER2013Train/label.csv:1042",
//                       "expected 12 fields (name, box, 10 counts)", "9 fields");
//   // what(): "FER2013Train/label.csv:1042: expected 12 fields (name, box, 10 counts), got 9 fields"
//
// The CLI catches it and prints what() as one line, then exits with a non-zero status.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace ferkit {

class Error : public std::runtime_error {
 public:
  // A free-form message (use when there is no "where/expected/found" structure).
  explicit Error(const std::string& message) : std::runtime_error(message) {}

  // where: file[:line] or object being read; expected: what should have been there;
  // found: what was there instead (may be empty).
  Error(const std::string& where, const std::string& expected, const std::string& found)
      : std::runtime_error(compose(where, expected, found)) {}

 private:
  static std::string compose(const std::string& where, const std::string& expected,
                             const std::string& found) {
    std::string s = where.empty() ? std::string() : where + ": ";
    s += "expected " + expected;
    if (!found.empty()) s += ", got " + found;
    return s;
  }
};

// Streams values into a string: FERKIT_CHECK(n > 0, "batch size must be > 0, got " << n).
#define FERKIT_CHECK(cond, msg)                  \
  do {                                           \
    if (!(cond)) {                               \
      std::ostringstream ferkit_check_stream_;   \
      ferkit_check_stream_ << msg;               \
      throw ::ferkit::Error(ferkit_check_stream_.str()); \
    }                                            \
  } while (0)

}  // namespace ferkit
