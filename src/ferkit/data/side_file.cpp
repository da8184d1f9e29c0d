#include "ferkit/side_file.h"

#include "ferkit/error.h"
#include "ferkit/npz.h"

namespace ferkit {
namespace {

NpyArray text_array(const std::string& s) {
  return NpyArray::from<uint8_t>({static_cast<int64_t>(s.size())}, reinterpret_cast<const uint8_t*>(s.data()));
}

std::string array_text(const NpzArchive& z, const std::string& key, const std::string& file) {
  auto it = z.find(key);
  if (it == z.end()) throw Error(file, "a side file array '" + key + "'", "none (not a ferkit side file?)");
  const NpyArray& a = it->second;
  if (a.dtype != "|u1" || a.shape.size() != 1) throw Error(file + "/" + key, "a 1-D uint8 array of text", "dtype " + a.dtype);
  return std::string(a.bytes.begin(), a.bytes.end());
}

}  // namespace

const float* SideFile::row(int64_t i) const {
  if (i < 0 || i >= rows())
    throw Error(kind + " side file", "a row in 0.." + std::to_string(rows() - 1), std::to_string(i));
  return values.data() + i * cols;
}

void write_side_file(const std::filesystem::path& file, const SideFile& side) {
  if (side.kind.empty()) throw Error(file.string(), "a side file kind (teacher_logits, soft_labels, ...)", "an empty kind");
  if (side.cols <= 0 || static_cast<int64_t>(side.values.size()) != side.identity.count * side.cols)
    throw Error(file.string(), std::to_string(side.identity.count) + " rows (the dataset's count) x " +
                                   std::to_string(side.cols) + " columns of values",
                std::to_string(side.values.size()) + " values");
  NpzArchive z;
  z["values"] = NpyArray::from<float>({side.identity.count, side.cols}, side.values.data());
  z["count"] = NpyArray::from<int64_t>({1}, &side.identity.count);
  z["fingerprint"] = text_array(side.identity.fingerprint);
  z["order_digest"] = text_array(side.identity.order_digest);
  z["kind"] = text_array(side.kind);
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  write_npz(file, z);
}

SideFile read_side_file_unbound(const std::filesystem::path& file) {
  const std::string name = file.string();
  const NpzArchive z = read_npz(file);
  SideFile s;
  s.kind = array_text(z, "kind", name);
  s.identity.fingerprint = array_text(z, "fingerprint", name);
  s.identity.order_digest = array_text(z, "order_digest", name);
  auto c = z.find("count");
  if (c == z.end() || c->second.size() != 1) throw Error(name, "a side file array 'count' with one value", "none");
  s.identity.count = c->second.data<int64_t>(name + "/count")[0];
  auto v = z.find("values");
  if (v == z.end()) throw Error(name, "a side file array 'values'", "none");
  const NpyArray& a = v->second;
  if (a.shape.size() != 2 || a.shape[0] != s.identity.count)
    throw Error(name + "/values", "shape [" + std::to_string(s.identity.count) + ", K] (count rows)",
                std::to_string(a.shape.empty() ? 0 : a.shape[0]) + " rows");
  s.cols = a.shape[1];
  const float* p = a.data<float>(name + "/values");
  s.values.assign(p, p + a.size());
  return s;
}

SideFile read_side_file(const std::filesystem::path& file, const DatasetIdentity& expected, const std::string& expected_kind) {
  SideFile s = read_side_file_unbound(file);
  if (!expected_kind.empty() && s.kind != expected_kind)
    throw Error(file.string(), "a side file of kind '" + expected_kind + "'", "kind '" + s.kind + "'");
  s.identity.require_same(expected, file.string());
  return s;
}

}  // namespace ferkit
