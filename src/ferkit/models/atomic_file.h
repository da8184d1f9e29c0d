// Atomic file replacement for checkpoints: write <file>.tmp, then rename it over <file>, so a reader
// never sees a half-written weights file or sidecar.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "ferkit/error.h"

namespace ferkit::models {

inline void write_file_atomically(const std::filesystem::path& file, const char* data, size_t size) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(tmp.string(), "a writable file", "it cannot be opened");
    out.write(data, static_cast<std::streamsize>(size));
    out.flush();
    if (!out) throw Error(tmp.string(), std::to_string(size) + " bytes written", "a write error");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) throw Error(file.string(), "to be replaced by " + tmp.string(), ec.message());
}

}  // namespace ferkit::models
