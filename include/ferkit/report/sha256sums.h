// SHA256SUMS files in the format of GNU coreutils' `sha256sum` (so `sha256sum -c SHA256SUMS` checks
// them): one line per file, "<64 lowercase hex digits><two spaces><path>\n", paths relative to the
// folder holding SHA256SUMS, with '/' separators.
//
//   std::string text = ferkit::format_sha256sums({{"best.pt", ferkit::sha256_file("b/best.pt")}});
//   std::vector<ferkit::Sha256Entry> e = ferkit::parse_sha256sums(text, "bundle/SHA256SUMS");
//
// Parsing also accepts the binary-mode marker ("<hex> *<path>") and upper-case hex. A path that
// sha256sum would escape (containing a backslash or a newline), an absolute path or one with ".."
// is an Error; so is a malformed line (named by file and line) or a path listed twice.
#pragma once

#include <string>
#include <vector>

namespace ferkit {

struct Sha256Entry {
  std::string path;    // relative, '/'-separated
  std::string digest;  // 64 lowercase hex digits
};

std::string format_sha256sums(const std::vector<Sha256Entry>& entries);
std::vector<Sha256Entry> parse_sha256sums(const std::string& text, const std::string& where);
// Throws ferkit::Error when path cannot be listed (see above). where: for the message.
void check_listable_path(const std::string& path, const std::string& where);

}  // namespace ferkit
