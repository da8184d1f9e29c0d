// The "faceapi" Classifier backend: face-api.js's FaceExpressionNet run by LibTorch, its 7
// outputs mapped into the ferkit taxonomy.
//
//   auto clf = ferkit::open_classifier("models/faceapi/face_expression.pt", "faceapi");
//   std::vector<ferkit::ClassLogits> z = clf->logits({face_bgr});   // 8 logits, contempt = -1e4
//   clf->info().supported[ferkit::kContempt];                        // false
//   // or straight from the npm package, without importing:
//   auto c2 = ferkit::faceapi::open_faceapi_classifier(".../model/face_expression_model-weights_manifest.json");
//
// Preprocessing is face-api's own (ferkit/faceapi/net_input.h: centred zero-padded square, TF1
// bilinear resize to 112, (x - mean_rgb) / 255), not ferkit::preprocess_face; faces are 8-bit
// BGR, BGRA or gray crops of any size. Logit k of the ferkit taxonomy is face-api's logit i where
// class_map[i] = k (fc output before face-api's softmax); a class no face-api output maps to
// (contempt) gets the sidecar's absent_logit (-1e4: finite, so softmax gives it exactly 0 and
// losses stay NaN-free). Softmax over the 8 logits therefore equals face-api's 7 probabilities.
// ClassifierInfo: backend "faceapi", architecture face_expression_net, input 112 RGB with
// mean = mean_rgb / 255 and std = 1 (informative: the backend does its own preprocessing),
// temperature(s) and abstention thresholds from the sidecar, supported[contempt] = false.
//
// As a distillation teacher: the trainer reads teacher logits [T, B, 8]; this backend's input
// (112 RGB) differs from a 48x48 gray student's, so distil from exported logits: run it over the
// training set with ferkit::predict_dataset(classifier, data, ...) and store them as a
// "teacher_logits" side file bound to the training manifest (docs/faceapi.md).
#pragma once

#include <filesystem>
#include <memory>

#include "ferkit/classifier.h"

namespace ferkit::faceapi {

struct FaceapiClassifierOptions {
  int threads = 0;  // torch intra-op threads set before each forward; 0 = leave torch's setting
  template <class V>
  void visit(V& v) {
    v("threads", threads, "torch intra-op threads for inference (0 = unchanged)");
  }
};

// model: an imported checkpoint (<name>.pt + .json) or face-api's
// face_expression_model-weights_manifest.json. Another face-api network is an Error.
std::unique_ptr<Classifier> open_faceapi_classifier(const std::filesystem::path& model,
                                                    const FaceapiClassifierOptions& options = {});

}  // namespace ferkit::faceapi
