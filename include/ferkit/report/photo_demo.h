// `ferkit demo`: the first five minutes — a trained model on real photos, one line per face.
//
//   ferkit::PhotoDemoOptions o;                  // models/default.pt on the face-api demo photos
//   o.model = "runs/mnv3s-ce-s0/best.pt";  o.out = "runs/demo";
//   ferkit::PhotoDemoResult r = ferkit::run_photo_demo(o, [](const std::string& line) { std::cout << line << "\n"; });
//   ferkit::face_line(r.faces[0]);               // "sample1.jpg  face 1  box ...  happiness 0.93  (2nd ...)"
//   r.counts[ferkit::kHappiness];                // faces per expression
//
// Per photo: faces are found by the live pipeline's detector (ferkit/live/face_detector.h), each
// box becomes the square region of side (1 + margin) * max(w, h) (ferkit/live/box_stabilizer.h's
// square_roi; a still photo has no track to stabilise over), is aligned (eyes level) and enhanced
// (blur + CLAHE) as in `ferkit live`, and all faces of the photo go to the classifier in one batch
// (calibrated probabilities). The label is the most probable class; the second is printed beside
// it. A photo with no detected face that is at most 128 px on each side is taken to be a face crop
// already (the bundled 48 x 48 sample faces) and classified whole (DemoFace::whole_image).
//
// Photos: PhotoDemoOptions::images (a folder, read in name order, or one file); when empty, the
// face-api demo photos $FERKIT_CACHE/npm/face-api/demo/sample1..6.jpg, and when those are absent
// the first 8 images of the bundled data/sample/FER2013Valid (images_source says which, and a
// warning says why). Outputs in `out`: annotated/<photo> (boxes, "#face label p", per-class
// probability bars, ferkit/live/overlay.h), summary.json and summary.md (every face, and the
// number of faces per expression). A missing model is an Error naming the file and what to pass.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core/types.hpp>

#include "ferkit/classifier.h"
#include "ferkit/live/face_aligner.h"
#include "ferkit/live/face_detector.h"
#include "ferkit/live/live_pipeline.h"

namespace ferkit {

struct PhotoDemoOptions {
  std::string model;                 // checkpoint or .onnx ("" = models/default.pt)
  std::string backend = "auto";      // classifier backend (ferkit/classifier.h)
  std::string images;                // photo folder or file ("" = face-api demo photos, else data/sample)
  std::string out = "runs/demo";     // output folder
  int threads = 1;                   // torch threads
  bool calibrated = true;            // apply the sidecar's temperature
  double margin = 0.30;              // crop side = (1 + margin) * max(face width, height)
  int annotated_width = 1024;        // annotated images are scaled to at most this width
  FaceDetectorOptions detect;        // detector and its parameters
  AlignerOptions align;              // eye-level alignment
  EnhanceStageOptions enhance;       // blur + CLAHE
  template <class V>
  void visit(V& v) {
    v("model", model, "checkpoint or .onnx (empty = models/default.pt)");
    v("backend", backend, "classifier backend");
    v("images", images, "photo folder or file (empty = face-api demo photos, else data/sample)");
    v("out", out, "output folder");
    v("threads", threads, "torch threads");
    v("calibrated", calibrated, "apply the sidecar's temperature");
    v("margin", margin, "crop side = (1 + margin) * max(face width, height)");
    v("annotated_width", annotated_width, "annotated images are scaled to at most this width");
    v("detect", detect, "face detection");
    v("align", align, "eye-level alignment");
    v("enhance", enhance, "blur and CLAHE");
  }
};

struct DemoFace {
  std::string photo;        // file name
  int index = 0;            // 1-based within the photo, in detector order (highest score first)
  cv::Rect box;             // detected face box, photo pixels
  ClassScores scores;       // calibrated probabilities; scores.label = most probable class
  int second = 0;           // second most probable class
  bool whole_image = false; // no detection: the photo is a face crop, classified whole
};

struct PhotoDemoResult {
  std::filesystem::path model;
  std::string images_source;   // "face-api demo photos", "bundled data/sample faces" or "user photos"
  std::filesystem::path images_dir;
  std::vector<std::string> photos;               // in processing order
  std::vector<std::string> photos_without_faces;
  std::vector<DemoFace> faces;
  std::array<int64_t, kNumClasses> counts{};     // faces per most probable class
  std::vector<std::filesystem::path> annotated;  // one per photo
  double seconds = 0;                            // wall time of the whole run
  nlohmann::json to_json() const;                // what summary.json holds
  std::string markdown() const;                  // what summary.md holds
};

// on_line receives face_line() of each face (or "<photo>  no face found") as soon as it is known.
PhotoDemoResult run_photo_demo(const PhotoDemoOptions& options,
                               const std::function<void(const std::string&)>& on_line = {});

// "sample1.jpg  face 1  box 412,230 180x180  happiness 0.93  (2nd surprise 0.04)"
std::string face_line(const DemoFace& face);

}  // namespace ferkit
