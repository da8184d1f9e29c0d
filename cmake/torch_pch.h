// Precompiled for every translation unit that uses torch (see FerkitTorchPch.cmake).
#pragma once
#include <torch/torch.h>
