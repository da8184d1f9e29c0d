// ModelProto read/check helpers shared by the export area and the OpenCV DNN backend (internal).
#pragma once

#include <filesystem>
#include <string>

#include <onnx/onnx_pb.h>

#include "ferkit/onnx_model.h"

namespace ferkit::onnx_export {

// Parses a model file; Error naming it when it cannot be read or parsed.
::onnx::ModelProto read_model_proto(const std::filesystem::path& model);
// OnnxModelInfo of a parsed model (path: recorded for messages).
OnnxModelInfo model_info(const ::onnx::ModelProto& proto, const std::filesystem::path& path);
// onnx::checker::check_model; Error naming `where` with the checker's message.
void check_model_proto(const ::onnx::ModelProto& proto, const std::string& where);

}  // namespace ferkit::onnx_export
