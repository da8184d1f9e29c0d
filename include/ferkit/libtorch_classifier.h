// The LibTorch Classifier backend: a ferkit checkpoint (<name>.pt + <name>.json) run by LibTorch.
// It is the reference the other backends are tested against.
//
//   auto clf = ferkit::open_classifier("models/default.pt", "libtorch");   // default options
//   ferkit::LibtorchClassifierOptions o;  o.threads = 2;
//   auto clf2 = ferkit::open_libtorch_classifier("models/default.pt", o);
//   std::vector<ferkit::ClassLogits> z = clf2->logits({face1, face2});   // one batched forward
//
// All faces of a call go through preprocess_face_into (the model's size, channels, mean and std
// from the sidecar) into one [N, C, S, S] batch and one forward in eval mode without autograd.
// ClassifierInfo comes from the sidecar: architecture, input, class names, temperature(s),
// abstention thresholds; every class is supported (the head has the 8 taxonomy outputs).
#pragma once

#include <filesystem>
#include <memory>

#include "ferkit/classifier.h"

namespace ferkit {

struct LibtorchClassifierOptions {
  int threads = 0;  // intra-op threads set (process-wide) before each forward; 0 = leave torch's setting
  template <class V>
  void visit(V& v) {
    v("threads", threads, "torch intra-op threads for inference (0 = unchanged)");
  }
};

std::unique_ptr<Classifier> open_libtorch_classifier(const std::filesystem::path& checkpoint,
                                                     const LibtorchClassifierOptions& options = {});

}  // namespace ferkit
