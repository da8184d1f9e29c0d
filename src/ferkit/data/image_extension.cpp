#include "ferkit/data/image_extension.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace ferkit {

bool has_image_extension(const std::filesystem::path& file) {
  std::string e = file.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e == ".png" || e == ".jpg" || e == ".jpeg" || e == ".bmp";
}

}  // namespace ferkit
