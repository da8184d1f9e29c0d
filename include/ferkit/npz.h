// NumPy .npy arrays and .npz archives (zip files of .npy), read and written through libzip.
//
// The .npy header parser is hand-written (Debian packages no C++ NPY library); it accepts the
// little-endian dtypes ferkit uses: |u1, |b1, <i4, <i8, <f4, <f8, C order only.
//
//   ferkit::NpzArchive a;
//   a["targets"] = ferkit::NpyArray::from<float>({n, 8}, data);
//   ferkit::write_npz("train.npz", a);
//   auto b = ferkit::read_npz("train.npz");
//   const float* t = b.at("targets").data<float>();
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ferkit/error.h"

namespace ferkit {

struct NpyArray {
  std::string dtype;            // numpy descr: "|u1", "<f4", "<i8", ...
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;   // raw little-endian, C order

  int64_t size() const;         // number of elements
  size_t item_size() const;

  template <class T>
  static const char* descr_of();

  template <class T>
  static NpyArray from(std::vector<int64_t> shape, const T* values) {
    NpyArray a;
    a.dtype = descr_of<T>();
    a.shape = std::move(shape);
    a.bytes.resize(static_cast<size_t>(a.size()) * sizeof(T));
    if (!a.bytes.empty()) std::memcpy(a.bytes.data(), values, a.bytes.size());
    return a;
  }

  // Typed view; throws ferkit::Error when the dtype differs (names both).
  template <class T>
  const T* data(const std::string& name = "array") const {
    if (dtype != descr_of<T>()) throw Error(name, std::string("dtype ") + descr_of<T>(), "dtype " + dtype);
    return reinterpret_cast<const T*>(bytes.data());
  }
  // Any numeric dtype converted to double.
  std::vector<double> to_double() const;
};

template <> inline const char* NpyArray::descr_of<uint8_t>() { return "|u1"; }
template <> inline const char* NpyArray::descr_of<bool>() { return "|b1"; }
template <> inline const char* NpyArray::descr_of<int32_t>() { return "<i4"; }
template <> inline const char* NpyArray::descr_of<int64_t>() { return "<i8"; }
template <> inline const char* NpyArray::descr_of<float>() { return "<f4"; }
template <> inline const char* NpyArray::descr_of<double>() { return "<f8"; }

using NpzArchive = std::map<std::string, NpyArray>;

// Serialises one array in .npy format (version 1.0).
std::vector<uint8_t> encode_npy(const NpyArray& a);
// Parses one .npy buffer; where names it in errors.
NpyArray decode_npy(const uint8_t* data, size_t size, const std::string& where);

NpzArchive read_npz(const std::filesystem::path& file);
// Writes atomically (to a temporary file renamed into place). Keys become "<key>.npy".
void write_npz(const std::filesystem::path& file, const NpzArchive& arrays);

}  // namespace ferkit
