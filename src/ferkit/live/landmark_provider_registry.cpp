// The landmark providers of the alignment stage: one explicit table (no static self-registration).
#include "ferkit/error.h"
#include "ferkit/live/landmark_provider.h"

namespace ferkit {

std::unique_ptr<LandmarkProvider> make_dlib68_landmarks(const AlignerOptions& options);
std::unique_ptr<LandmarkProvider> make_faceapi68tiny_landmarks(const AlignerOptions& options);

namespace {
struct Provider {
  const char* name;
  std::unique_ptr<LandmarkProvider> (*make)(const AlignerOptions&);
};
const Provider kProviders[] = {
    {"dlib68", make_dlib68_landmarks},
    {"faceapi68tiny", make_faceapi68tiny_landmarks},
};
}  // namespace

std::vector<std::string> landmark_provider_names() {
  std::vector<std::string> names;
  for (const auto& p : kProviders) names.emplace_back(p.name);
  return names;
}

std::unique_ptr<LandmarkProvider> make_landmark_provider(const AlignerOptions& options) {
  for (const auto& p : kProviders)
    if (options.landmarks == p.name) return p.make(options);
  std::string known;
  for (const auto& p : kProviders) known += (known.empty() ? "" : ", ") + std::string(p.name);
  throw Error("align.landmarks '" + options.landmarks + "'", "one of " + known, "");
}

}  // namespace ferkit
