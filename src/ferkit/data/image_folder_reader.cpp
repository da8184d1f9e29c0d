// folder: images sorted into one folder per class, <root>/<class>/*.png|jpg|jpeg|bmp (the CK+48
// layout), or with split folders above them, <root>/<train|valid|val|test>/<class>/... .
// Folder names map to classes through ReadOptions::class_map, or, without a map, are read as class
// names and synonyms. Class folders are searched recursively; files are read in sorted order so
// that the dataset order does not depend on the file system.
#include <algorithm>
#include <cctype>

#include "ferkit/data/image_extension.h"
#include "ferkit/error.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool is_split_folder(const std::string& name) {
  const std::string n = lower(name);
  return n == "train" || n == "valid" || n == "val" || n == "test";
}

// Sorted entries of dir; hidden ones (".DS_Store", ".ipynb_checkpoints") are counted and left out.
std::vector<fs::path> sorted_entries(const fs::path& dir, Dataset& d) {
  std::vector<fs::path> v;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind('.', 0) == 0) {
      ++d.dropped["folder: hidden file or folder (name starts with '.')"];
      continue;
    }
    v.push_back(e.path());
  }
  std::sort(v.begin(), v.end());
  return v;
}

std::string known_names(const ReadOptions& o) {
  std::string s;
  if (!o.class_map.empty()) {
    for (const auto& kv : o.class_map) s += (s.empty() ? "" : ", ") + kv.first;
    return "a folder named in class_map (" + s + ")";
  }
  for (const auto& n : class_names()) s += (s.empty() ? "" : ", ") + n;
  return "a class name (" + s + ") or a synonym (happy, sad, angry, fearful, disgusted, surprised)";
}

int folder_class(const ReadOptions& o, const fs::path& folder, const fs::path& root) {
  const std::string name = folder.filename().string();
  const std::string rel = folder.lexically_relative(root).generic_string();
  if (!o.class_map.empty()) {
    auto it = o.class_map.find(name);
    if (it == o.class_map.end()) throw Error(rel + "/", known_names(o), "folder '" + name + "'");
    int c = try_class_index(it->second);
    if (c == kDropped)
      throw Error("class_map entry '" + name + "'", "a class name or synonym", "'" + it->second + "'");
    return c;
  }
  int c = try_class_index(name);
  if (c == kDropped) throw Error(rel + "/", known_names(o), "folder '" + name + "'");
  return c;
}

void read_class_folder(const fs::path& root, const fs::path& folder, int label, Split split, Dataset& d) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(folder))
    if (!e.is_directory()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string rel = f.lexically_relative(root).generic_string();
    if (!has_image_extension(f)) {
      ++d.dropped["folder: not an image file (.png, .jpg, .jpeg, .bmp)"];
      continue;
    }
    Sample s;
    s.label = label;
    s.target = one_hot(label);
    s.split = split;
    s.source = "folder";
    s.provenance = rel;
    s.image.path = rel;
    d.samples.push_back(std::move(s));
  }
}

}  // namespace

Dataset read_image_folder(const ReadOptions& o) {
  if (!fs::is_directory(o.path))
    throw Error(o.path.string(), "a directory with one sub-folder per class",
                fs::exists(o.path) ? "not a directory" : "no such directory");
  const Split wanted = parse_split(o.split);
  Dataset d;
  d.format = "folder";
  d.root = o.path;
  const auto top = sorted_entries(o.path, d);
  bool any_split = false, any_other = false;
  for (const auto& p : top) {
    if (!fs::is_directory(p)) continue;
    (is_split_folder(p.filename().string()) ? any_split : any_other) = true;
  }
  if (any_split && any_other) {
    std::string names;
    for (const auto& p : top)
      if (fs::is_directory(p)) names += (names.empty() ? "folders " : ", ") + p.filename().string();
    throw Error(o.path.string(), "either class folders or split folders (train, valid, val, test) at the top", names);
  }
  if (!any_split && wanted != Split::kUnspecified)
    throw Error(o.path.string(), std::string("split folders (train, valid, val, test) to select split '") + o.split + "'",
                "class folders only");
  auto count_stray = [&d](const fs::path& p) {
    if (!fs::is_directory(p)) ++d.dropped["folder: file outside a class folder"];
  };
  for (const auto& p : top) {
    count_stray(p);
    if (!fs::is_directory(p)) continue;
    if (!any_split) {
      read_class_folder(o.path, p, folder_class(o, p, o.path), Split::kUnspecified, d);
      continue;
    }
    const Split split = parse_split(p.filename().string());
    if (wanted != Split::kUnspecified && split != wanted) continue;
    for (const auto& c : sorted_entries(p, d)) {
      count_stray(c);
      if (fs::is_directory(c)) read_class_folder(o.path, c, folder_class(o, c, o.path), split, d);
    }
  }
  if (d.samples.empty())
    throw Error(o.path.string(), "at least one image in a class folder", "none");
  return d;
}

}  // namespace ferkit
