// ferkit demo [--model M] [--images DIR] [--out DIR] — a model on real photos, one line per face.
#include <iostream>

#include "commands.h"
#include "ferkit/report/photo_demo.h"

namespace ferkit::cli {

void register_demo_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("demo", "Run a model on real photos: find faces, print each face's expression");
  cmd->description(
      "Finds the faces in each photo (dlib HOG detector, as ferkit live), crops a square region around\n"
      "each with a margin, levels the eyes, applies blur + CLAHE, classifies all faces of the photo in one\n"
      "batch and prints one line per face: photo, face number, box, the most probable expression with its\n"
      "probability, and the second. Writes OUT/annotated/<photo> (boxes, labels, probability bars),\n"
      "OUT/summary.json and OUT/summary.md (every face, and the faces per expression).\n"
      "Without --images it uses the face-api demo photos ($FERKIT_CACHE/npm/face-api/demo/sample1..6.jpg,\n"
      "fetched by scripts/setup.sh), or the bundled data/sample faces when those are absent (it says so).\n"
      "Without --model it uses the embedded default model models/default.pt and says clearly when that\n"
      "file is missing.");
  auto o = std::make_shared<PhotoDemoOptions>();
  cmd->add_option("--model,-m", o->model, "Checkpoint (<name>.pt + <name>.json) or .onnx (default: models/default.pt)");
  cmd->add_option("--images,-i", o->images, "A photo or a folder of photos (default: the face-api demo photos)");
  cmd->add_option("--out,-o", o->out, "Output folder for annotated photos and the summary")->default_val("runs/demo");
  cmd->add_option("--backend", o->backend, "Classifier backend: auto, libtorch, opencv")->default_val("auto");
  cmd->add_option("--threads", o->threads, "Torch threads")->default_val(1);
  cmd->add_option("--margin", o->margin, "Crop side = (1 + margin) x the face box's longer side")->default_val(0.30);
  cmd->add_option("--detector", o->detect.method, "Face detector: auto, dlib_hog, haar, yunet")->default_val("auto");
  cmd->add_option("--upsample", o->detect.upsample, "dlib_hog: upsample 2^N times to find small faces")->default_val(1);
  cmd->add_option("--min-face", o->detect.min_face_px, "Smallest face side in pixels")->default_val(40);
  cmd->add_flag("!--no-align", o->align.enabled, "Do not rotate faces to level eyes");
  cmd->add_flag("!--no-enhance", o->enhance.enabled, "Skip blur and CLAHE");
  cmd->add_flag("!--uncalibrated", o->calibrated, "Ignore the sidecar's temperature");
  cmd->footer(
      "Output, one line per face:\n"
      "  sample1.jpg  face 1  box 412,230 180x180  happiness 0.93  (2nd surprise 0.04)\n\n"
      "Examples:\n"
      "  ferkit demo\n"
      "  ferkit demo --model runs/mnv3s-ce-s0/best.pt --out runs/demo\n"
      "  ferkit demo --model models/default.pt --images my_photos/ --out runs/my-demo");
  cmd->callback([o] {
    PhotoDemoResult r = run_photo_demo(*o, [](const std::string& line) { std::cout << line << std::endl; });
    std::cout << r.faces.size() << " face(s) in " << r.photos.size() << " photo(s):";
    for (int k = 0; k < kNumClasses; ++k)
      if (r.counts[k] > 0) std::cout << " " << class_name(k) << " " << r.counts[k];
    std::cout << "\nannotated photos, summary.json and summary.md in " << o->out << "\n";
  });
}

}  // namespace ferkit::cli
