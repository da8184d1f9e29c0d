// Loading torchvision weights into a FerNet backbone by name, from an NPZ of its state_dict
// (include/ferkit/checkpoint.h, load_backbone_npz).
#include <torch/torch.h>

#include <cstring>

#include "ferkit/checkpoint.h"
#include "ferkit/error.h"
#include "ferkit/npz.h"

namespace ferkit {
namespace {

torch::Tensor tensor_from_npy(const NpyArray& a, const std::string& where) {
  torch::ScalarType type;
  if (a.dtype == "<f4") type = torch::kFloat32;
  else if (a.dtype == "<f8") type = torch::kFloat64;
  else if (a.dtype == "<i8") type = torch::kInt64;
  else if (a.dtype == "<i4") type = torch::kInt32;
  else throw Error(where, "a float32/float64/int64/int32 array", "dtype " + a.dtype);
  torch::Tensor t = torch::empty(a.shape, torch::TensorOptions().dtype(type));
  std::memcpy(t.data_ptr(), a.bytes.data(), a.bytes.size());
  return t;
}

}  // namespace

std::map<std::string, int> load_backbone_npz(FerNet& net, const std::filesystem::path& npz) {
  const NpzArchive archive = read_npz(npz);
  std::map<std::string, torch::Tensor> tensors;
  std::map<std::string, int> skipped;
  torch::NoGradGuard no_grad;
  std::map<std::string, torch::Tensor> own;
  for (auto& kv : net->backbone().named_parameters()) own[kv.key()] = kv.value();
  for (auto& kv : net->backbone().named_buffers()) own[kv.key()] = kv.value();
  for (const auto& [key, array] : archive) {
    torch::Tensor t = tensor_from_npy(array, npz.string() + "/" + key);
    auto it = own.find(key);
    if (it == own.end()) {
      if (key.rfind("fc.", 0) == 0 || key.rfind("classifier.", 0) == 0) {
        ++skipped["torchvision classification head (fc.*, classifier.*)"];
        continue;
      }
      throw Error(npz.string(), "tensors of the " + net->spec().architecture + " backbone", "unexpected tensor '" + key + "'");
    }
    // Grayscale model from RGB weights: the first convolution sees the sum of the three channels.
    if (t.dim() == 4 && it->second.dim() == 4 && t.size(1) == 3 && it->second.size(1) == 1 &&
        t.size(0) == it->second.size(0) && t.size(2) == it->second.size(2) && t.size(3) == it->second.size(3)) {
      t = t.sum(1, true);
      ++skipped["RGB first convolution summed over channels for grayscale input"];
    }
    tensors[key] = t.to(it->second.scalar_type());
  }
  load_named_tensors(net->backbone(), tensors, npz.string());
  return skipped;
}

}  // namespace ferkit
