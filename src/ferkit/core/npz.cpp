#include "ferkit/npz.h"

#include <zip.h>

#include <numeric>
#include <regex>

namespace ferkit {

int64_t NpyArray::size() const {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<int64_t>());
}

size_t NpyArray::item_size() const {
  if (dtype.size() < 3) throw Error("npy dtype '" + dtype + "'", "a numpy descr such as <f4", "");
  return static_cast<size_t>(std::stoi(dtype.substr(2)));
}

std::vector<double> NpyArray::to_double() const {
  std::vector<double> out(static_cast<size_t>(size()));
  for (size_t i = 0; i < out.size(); ++i) {
    const uint8_t* p = bytes.data() + i * item_size();
    if (dtype == "|u1" || dtype == "|b1") out[i] = *p;
    else if (dtype == "<i4") { int32_t v; std::memcpy(&v, p, 4); out[i] = v; }
    else if (dtype == "<i8") { int64_t v; std::memcpy(&v, p, 8); out[i] = static_cast<double>(v); }
    else if (dtype == "<f4") { float v; std::memcpy(&v, p, 4); out[i] = v; }
    else if (dtype == "<f8") { double v; std::memcpy(&v, p, 8); out[i] = v; }
    else throw Error("npy array", "a numeric dtype (|u1 |b1 <i4 <i8 <f4 <f8)", "dtype " + dtype);
  }
  return out;
}

std::vector<uint8_t> encode_npy(const NpyArray& a) {
  std::string shape = "(";
  for (size_t i = 0; i < a.shape.size(); ++i) shape += std::to_string(a.shape[i]) + (a.shape.size() == 1 ? "," : (i + 1 < a.shape.size() ? ", " : ""));
  shape += ")";
  std::string header = "{'descr': '" + a.dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that the data starts at a multiple of 64 bytes (magic 6 + version 2 + length 2).
  size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  out.push_back(static_cast<uint8_t>(header.size() & 0xff));
  out.push_back(static_cast<uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), a.bytes.begin(), a.bytes.end());
  return out;
}

NpyArray decode_npy(const uint8_t* data, size_t size, const std::string& where) {
  if (size < 10 || data[0] != 0x93 || std::memcmp(data + 1, "NUMPY", 5) != 0)
    throw Error(where, "the .npy magic \\x93NUMPY", "something else");
  int major = data[6];
  size_t header_len, offset;
  if (major == 1) {
    header_len = data[8] | (static_cast<size_t>(data[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) throw Error(where, "a complete .npy header", "a truncated file");
    header_len = data[8] | (static_cast<size_t>(data[9]) << 8) | (static_cast<size_t>(data[10]) << 16) |
                 (static_cast<size_t>(data[11]) << 24);
    offset = 12;
  } else {
    throw Error(where, ".npy format version 1, 2 or 3", "version " + std::to_string(major));
  }
  if (offset + header_len > size) throw Error(where, "a complete .npy header", "a truncated file");
  std::string header(reinterpret_cast<const char*>(data + offset), header_len);
  std::smatch m;
  NpyArray a;
  if (!std::regex_search(header, m, std::regex("'descr'\\s*:\\s*'([^']+)'")))
    throw Error(where, "a 'descr' entry in the .npy header", header);
  a.dtype = m[1];
  if (a.dtype == "<u1" || a.dtype == "u1") a.dtype = "|u1";
  if (std::regex_search(header, m, std::regex("'fortran_order'\\s*:\\s*True")))
    throw Error(where, "a C-order array", "fortran_order True");
  if (!std::regex_search(header, m, std::regex("'shape'\\s*:\\s*\\(([^)]*)\\)")))
    throw Error(where, "a 'shape' entry in the .npy header", header);
  std::string dims = m[1];
  std::regex num("\\d+");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), num); it != std::sregex_iterator(); ++it)
    a.shape.push_back(std::stoll(it->str()));
  static const char* known[] = {"|u1", "|b1", "<i4", "<i8", "<f4", "<f8"};
  bool ok = false;
  for (auto k : known) ok = ok || a.dtype == k;
  if (!ok) throw Error(where, "dtype |u1, |b1, <i4, <i8, <f4 or <f8", a.dtype);
  size_t need = static_cast<size_t>(a.size()) * a.item_size();
  size_t have = size - offset - header_len;
  if (have != need)
    throw Error(where, std::to_string(need) + " data bytes for shape " + dims + " of " + a.dtype,
                std::to_string(have) + " bytes");
  a.bytes.assign(data + offset + header_len, data + size);
  return a;
}

NpzArchive read_npz(const std::filesystem::path& file) {
  int err = 0;
  zip_t* z = zip_open(file.string().c_str(), ZIP_RDONLY, &err);
  if (!z) {
    zip_error_t e;
    zip_error_init_with_code(&e, err);
    std::string why = zip_error_strerror(&e);
    zip_error_fini(&e);
    throw Error(file.string(), "a readable .npz (zip) archive", why);
  }
  NpzArchive out;
  try {
    zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n; ++i) {
      zip_stat_t st;
      zip_stat_init(&st);
      if (zip_stat_index(z, i, 0, &st) != 0) throw Error(file.string(), "a readable zip entry", "entry " + std::to_string(i));
      std::string name = st.name;
      if (name.size() < 4 || name.substr(name.size() - 4) != ".npy") continue;
      std::vector<uint8_t> buf(st.size);
      zip_file_t* f = zip_fopen_index(z, i, 0);
      if (!f) throw Error(file.string() + "/" + name, "a readable zip entry", zip_strerror(z));
      zip_int64_t got = zip_fread(f, buf.data(), buf.size());
      zip_fclose(f);
      if (got != static_cast<zip_int64_t>(buf.size()))
        throw Error(file.string() + "/" + name, std::to_string(buf.size()) + " bytes", std::to_string(got) + " bytes");
      out[name.substr(0, name.size() - 4)] = decode_npy(buf.data(), buf.size(), file.string() + "/" + name);
    }
  } catch (...) {
    zip_discard(z);
    throw;
  }
  zip_discard(z);
  return out;
}

void write_npz(const std::filesystem::path& file, const NpzArchive& arrays) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  auto tmp = file;
  tmp += ".tmp";
  std::filesystem::remove(tmp);
  int err = 0;
  zip_t* z = zip_open(tmp.string().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) throw Error(file.string(), "a writable location for the .npz archive", "cannot create it");
  std::vector<std::vector<uint8_t>> keep;  // libzip reads the buffers at zip_close
  keep.reserve(arrays.size());
  for (const auto& [name, a] : arrays) {
    keep.push_back(encode_npy(a));
    zip_source_t* src = zip_source_buffer(z, keep.back().data(), keep.back().size(), 0);
    if (!src || zip_file_add(z, (name + ".npy").c_str(), src, ZIP_FL_OVERWRITE) < 0) {
      if (src) zip_source_free(src);
      std::string why = zip_strerror(z);
      zip_discard(z);
      throw Error(file.string(), "to add array '" + name + "'", why);
    }
  }
  if (zip_close(z) != 0) {
    std::string why = zip_strerror(z);
    zip_discard(z);
    throw Error(file.string(), "to write the archive", why);
  }
  std::filesystem::rename(tmp, file);
}

}  // namespace ferkit
