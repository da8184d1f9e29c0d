// Reading the weights file of a checkpoint (a pickled {name: tensor} dict), shared by ferkit's own
// checkpoints and imported face-api networks: the bytes are read once, checked against the SHA-256
// the sidecar recorded (a mismatch means weights and sidecar come from different saves), then
// unpickled. Defined in checkpoint.cpp.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "ferkit/sidecar.h"

namespace ferkit::models {

// The whole file; `what` says what it should have been when it is missing.
std::vector<char> read_file_bytes(const std::filesystem::path& file, const std::string& what);

// paths.weights as tensors by name. expected_sha256 empty = not checked. Errors name the file.
std::map<std::string, torch::Tensor> read_checkpoint_tensors(const CheckpointPaths& paths, const std::string& expected_sha256,
                                                             const std::string& what);

}  // namespace ferkit::models
