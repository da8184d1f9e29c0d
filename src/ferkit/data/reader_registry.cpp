#include <functional>
#include <map>

#include "ferkit/error.h"
#include "ferkit/options.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {
using ReaderFn = std::function<Dataset(const ReadOptions&)>;

const std::map<std::string, ReaderFn>& registry() {
  static const std::map<std::string, ReaderFn> r = {
      {"ferplus", read_ferplus},
      {"ferplus-original", read_ferplus_original},
      {"fer2013", read_fer2013},
      {"npz", read_npz_dataset},
      {"folder", read_image_folder},
      {"affectnet", read_affectnet},
      {"affectnet-mini", read_affectnet_mini},
      {"rafdb", read_rafdb},
  };
  return r;
}
}  // namespace

std::vector<std::string> reader_names() {
  std::vector<std::string> names;
  for (const auto& kv : registry()) names.push_back(kv.first);
  return names;
}

Dataset read_dataset(const ReadOptions& options) {
  auto it = registry().find(options.format);
  if (it == registry().end()) {
    std::string known, guess = nearest_name(options.format, reader_names());
    for (const auto& n : reader_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error("dataset format '" + options.format + "'", "one of " + known + (guess.empty() ? "" : " (did you mean " + guess + "?)"), "");
  }
  return it->second(options);
}

}  // namespace ferkit
