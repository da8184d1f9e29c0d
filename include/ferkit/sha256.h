// SHA-256 digests (OpenSSL's EVP interface), as lowercase hex.
//
//   std::string h = ferkit::sha256_file("FER2013Train/fer0000000.png");
//   ferkit::Sha256 s; s.update("a"); s.update("b"); std::string h2 = s.hex();
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

namespace ferkit {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  void update(const std::string& s) { update(s.data(), s.size()); }
  // Finishes the digest; the object must not be updated afterwards.
  std::string hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(const void* data, size_t size);
std::string sha256_hex(const std::string& s);
// Throws ferkit::Error naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace ferkit
