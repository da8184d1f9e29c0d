// Which files the data layer treats as images: .png, .jpg, .jpeg, .bmp (any case). Used by the
// folder reader (other files are dropped and counted) and by the integrity check (images without
// labels). Internal to the data layer.
#pragma once

#include <filesystem>

namespace ferkit {

bool has_image_extension(const std::filesystem::path& file);

}  // namespace ferkit
