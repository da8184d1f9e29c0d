// Backbone factories of the architecture families, one file each (resnet.cpp, mobilenetv3.cpp,
// efficientnet.cpp, convnext.cpp); the registry (model_registry.cpp) names them. A backbone maps
// [B, in_channels, H, W] to pooled features [B, dim] and carries torchvision's parameter names.
// Hand-written with the LibTorch C++ API: Debian packages no C++ torchvision, and torchvision's C++
// library no longer ships model definitions; tests/models checks each against python torchvision.
#pragma once

#include <torch/torch.h>

namespace ferkit::models {

struct Backbone {
  torch::nn::AnyModule module;
  int64_t dim = 0;  // pooled feature size
};

// depth 18 (BasicBlock) or 50 (Bottleneck); small_stem: 3x3 stride-1 conv1 and no max-pool.
Backbone make_resnet(int depth, bool small_stem, int in_channels);
// large: mobilenet_v3_large, else _small; small_stem: stride-1 first convolution.
Backbone make_mobilenetv3(bool large, bool small_stem, int in_channels);
// width/depth multipliers as torchvision (b0: 1.0, 1.0; b3: 1.2, 1.4); stochastic depth 0.2.
Backbone make_efficientnet(double width_mult, double depth_mult, int in_channels);
// convnext_tiny: depths 3,3,9,3, dims 96..768, layer scale 1e-6, stochastic depth 0.1.
Backbone make_convnext_tiny(int in_channels);

}  // namespace ferkit::models
