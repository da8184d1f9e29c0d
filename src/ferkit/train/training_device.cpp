// Device placement and AMP for the trainer (see the header).
#include "training_device.h"

#include <torch/torch.h>

#include <ATen/autocast_mode.h>

#include "ferkit/error.h"

namespace ferkit {

torch::Device training_device(const std::string& spec, bool amp, const DistributedOptions& d) {
  if (spec == "cpu") {
    if (amp) throw Error("recipe: amp", "false on device = \"cpu\" (float16 autocast is a CUDA feature)", "true");
    return torch::kCPU;
  }
  if (spec.rfind("cuda", 0) != 0)
    throw Error("recipe: device", "\"cpu\", \"cuda\" or \"cuda:N\"", "\"" + spec + "\"");
  if (!torch::cuda::is_available())
    throw Error("recipe: device = \"" + spec + "\"",
                "a CUDA device (a ferkit built with -DFERKIT_CUDA=ON on a machine with a GPU)",
                "torch::cuda::is_available() = false");
  int index = d.enabled() ? d.local_rank : 0;
  if (spec.size() > 4) {
    if (spec[4] != ':' || spec.size() == 5 || spec.find_first_not_of("0123456789", 5) != std::string::npos)
      throw Error("recipe: device", "\"cuda:N\" with N a number", "\"" + spec + "\"");
    index = std::stoi(spec.substr(5));
  }
  const int count = static_cast<int>(torch::cuda::device_count());
  if (index >= count)
    throw Error("recipe: device", "a CUDA index below " + std::to_string(count), "cuda:" + std::to_string(index));
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

void batch_to_device(Batch& b, const torch::Device& device) {
  if (device.is_cpu()) return;
  auto move = [&](torch::Tensor& t) {
    if (t.defined()) t = t.pin_memory().to(device, /*non_blocking=*/true);
  };
  move(b.images);
  b.images = b.images.contiguous(at::MemoryFormat::ChannelsLast);
  for (torch::Tensor* t : {&b.targets, &b.labels, &b.indices, &b.votes, &b.mix_lambda, &b.mix_partner}) move(*t);
}

void module_to_channels_last(torch::nn::Module& net) {
  torch::NoGradGuard g;
  for (auto& p : net.parameters())
    if (p.dim() == 4) p.set_data(p.data().contiguous(at::MemoryFormat::ChannelsLast));
}

AutocastScope::AutocastScope(bool enabled) : enabled_(enabled) {
  if (!enabled_) return;
  at::autocast::set_autocast_gpu_dtype(at::kHalf);
  at::autocast::set_enabled(true);
}

AutocastScope::~AutocastScope() {
  if (!enabled_) return;
  at::autocast::set_enabled(false);
  at::autocast::clear_cache();
}

}  // namespace ferkit
