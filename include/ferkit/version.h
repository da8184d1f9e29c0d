// Build identity recorded in run directories and checkpoint sidecars.
#pragma once

namespace ferkit {
// The git commit the library was built from ("<sha>[-dirty]", or "unknown" outside a checkout).
const char* git_commit();
constexpr const char* kVersion = "0.1.0";
}  // namespace ferkit
