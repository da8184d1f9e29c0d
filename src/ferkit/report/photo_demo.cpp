// `ferkit demo` on still photos (ferkit/report/photo_demo.h): the live pipeline's stages without
// the temporal ones (tracking, smoothing and gating need a sequence of frames).
#include "ferkit/report/photo_demo.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/live/batch_classifier.h"
#include "ferkit/live/box_stabilizer.h"
#include "ferkit/live/face_enhancer.h"
#include "ferkit/live/overlay.h"
#include "ferkit/report/install_paths.h"
#include "ferkit/run_dir.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

bool is_image(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".webp" || ext == ".tif" || ext == ".tiff";
}

std::vector<fs::path> images_in(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && is_image(e.path())) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// The photos to run on, and what they are.
std::vector<fs::path> choose_photos(const PhotoDemoOptions& o, PhotoDemoResult& r) {
  if (!o.images.empty()) {
    const fs::path p(o.images);
    r.images_source = "user photos";
    if (fs::is_regular_file(p)) {
      r.images_dir = p.parent_path();
      return {p};
    }
    if (!fs::is_directory(p)) throw Error(p.string(), "a photo or a folder of photos (--images)", "no such file or folder");
    r.images_dir = p;
    std::vector<fs::path> photos = images_in(p);
    if (photos.empty()) throw Error(p.string(), "a folder with .jpg/.png/.bmp/.webp/.tif photos", "no image in it");
    return photos;
  }
  std::vector<fs::path> photos;
  for (int i = 1; i <= 6; ++i) {
    const fs::path f = faceapi_demo_dir() / ("sample" + std::to_string(i) + ".jpg");
    if (fs::exists(f)) photos.push_back(f);
  }
  if (!photos.empty()) {
    r.images_source = "face-api demo photos";
    r.images_dir = faceapi_demo_dir();
    return photos;
  }
  const fs::path sample = bundled_sample_dir() / "FER2013Valid";
  warn("the face-api demo photos are not in " + faceapi_demo_dir().string() +
       " (run scripts/setup.sh, or set FERKIT_CACHE): using the bundled data/sample faces instead");
  if (!fs::is_directory(sample))
    throw Error(sample.string(), "the bundled sample faces (or the face-api demo photos, or --images DIR)", "neither exists");
  photos = images_in(sample);
  if (photos.size() > 8) photos.resize(8);
  r.images_source = "bundled data/sample faces";
  r.images_dir = sample;
  return photos;
}

fs::path resolve_model(const PhotoDemoOptions& o) {
  const fs::path model = o.model.empty() ? default_model_path() : fs::path(o.model);
  if (fs::exists(model)) return model;
  if (o.model.empty())
    throw Error(model.string(), "the default model models/default.pt (+ models/default.json)",
                "no such file: this checkout has no default model yet; pass --model runs/<name>/best.pt "
                "(for example from ferkit train --config configs/smoke.toml)");
  throw Error(model.string(), "a model file (--model: a .pt checkpoint with its .json sidecar, or an .onnx)", "no such file");
}

int second_best(const ClassScores& s) {
  int best = -1;
  for (int k = 0; k < kNumClasses; ++k)
    if (k != s.label && (best < 0 || s.probs[k] > s.probs[best])) best = k;
  return best;
}

std::string fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Scales the photo for the annotated copy: large photos down to annotated_width, tiny face crops up
// to 256 px so that the label can be read.
double annotation_scale(const cv::Mat& img, int annotated_width) {
  if (img.cols < 256) return 256.0 / img.cols;
  return std::min(1.0, static_cast<double>(annotated_width) / img.cols);
}

}  // namespace

std::string face_line(const DemoFace& f) {
  std::ostringstream s;
  s << f.photo << "  face " << f.index << "  box " << f.box.x << "," << f.box.y << " " << f.box.width << "x" << f.box.height
    << (f.whole_image ? " (whole image)" : "") << "  " << class_name(f.scores.label) << " "
    << fixed2(f.scores.probs[f.scores.label]) << "  (2nd " << class_name(f.second) << " " << fixed2(f.scores.probs[f.second])
    << ")";
  return s.str();
}

PhotoDemoResult run_photo_demo(const PhotoDemoOptions& o, const std::function<void(const std::string&)>& on_line) {
  FERKIT_CHECK(o.threads > 0, "demo: threads must be > 0, got " << o.threads);
  FERKIT_CHECK(o.margin >= 0, "demo: margin must be >= 0, got " << o.margin);
  FERKIT_CHECK(o.annotated_width >= 64, "demo: annotated_width must be >= 64, got " << o.annotated_width);
  const auto start = std::chrono::steady_clock::now();
  PhotoDemoResult r;
  r.model = resolve_model(o);
  const std::vector<fs::path> photos = choose_photos(o, r);
  torch::set_num_threads(o.threads);
  std::unique_ptr<Classifier> clf = open_classifier(r.model, o.backend);
  std::unique_ptr<FaceDetector> detector = make_face_detector(o.detect);
  FaceAligner aligner(o.align);
  FaceEnhancer enhancer(o.enhance.enhancer);
  ClassifyOptions co;
  co.calibrated = o.calibrated;
  const fs::path out(o.out);
  fs::create_directories(out / "annotated");
  info("model " + r.model.string() + " (" + clf->info().architecture + "), " + std::to_string(photos.size()) + " " +
       r.images_source + " from " + r.images_dir.string());

  for (const fs::path& file : photos) {
    const std::string name = file.filename().string();
    cv::Mat img = cv::imread(file.string(), cv::IMREAD_COLOR);
    if (img.empty()) throw Error(file.string(), "a readable image", "OpenCV cannot decode it");
    r.photos.push_back(name);
    std::vector<Detection> dets = detector->detect(img);
    bool whole = false;
    if (dets.empty() && img.cols <= 128 && img.rows <= 128) {
      dets.push_back({cv::Rect2f(0, 0, static_cast<float>(img.cols), static_cast<float>(img.rows)), 0.f});
      whole = true;
    }
    std::vector<cv::Mat> crops;
    for (const Detection& d : dets) {
      const cv::Rect roi = whole ? cv::Rect(0, 0, img.cols, img.rows) : square_roi(d.box, o.margin, img.size());
      cv::Mat crop = whole ? img.clone() : aligner.align(img, d.box, roi).image;
      if (o.enhance.enabled) crop = enhancer.apply(crop);
      crops.push_back(crop);
    }
    const std::vector<ClassScores> scores = classify_batch(*clf, crops, co);

    const double scale = annotation_scale(img, o.annotated_width);
    cv::Mat shown;
    cv::resize(img, shown, cv::Size(), scale, scale, scale > 1 ? cv::INTER_NEAREST : cv::INTER_AREA);
    FrameResult frame;
    for (size_t i = 0; i < dets.size(); ++i) {
      DemoFace f;
      f.photo = name;
      f.index = static_cast<int>(i) + 1;
      f.box = cv::Rect(dets[i].box);
      f.scores = scores[i];
      f.second = second_best(scores[i]);
      f.whole_image = whole;
      ++r.counts[f.scores.label];
      r.faces.push_back(f);
      FaceResult fr;
      fr.track_id = f.index;
      fr.box = cv::Rect2f(dets[i].box.x * scale, dets[i].box.y * scale, dets[i].box.width * scale, dets[i].box.height * scale);
      fr.classified = fr.detected = true;
      fr.raw = f.scores;
      fr.smoothed = f.scores.probs;
      fr.final_label = fr.smoothed_label = fr.vote_label = f.scores.label;
      frame.faces.push_back(fr);
      if (on_line) on_line(face_line(f));
    }
    if (dets.empty()) {
      r.photos_without_faces.push_back(name);
      if (on_line) on_line(name + "  no face found");
    }
    OverlayOptions oo;
    oo.font_scale = std::max(0.45, shown.cols / 1400.0);
    draw_overlay(shown, frame, oo, name + ": " + std::to_string(dets.size()) + " face(s)");
    fs::path annotated = out / "annotated" / name;
    if (!cv::imwrite(annotated.string(), shown)) throw Error(annotated.string(), "a writable image file", "OpenCV cannot write it");
    r.annotated.push_back(annotated);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_json_file(out / "summary.json", r.to_json());
  std::ofstream md(out / "summary.md", std::ios::binary);
  md << r.markdown();
  if (!md) throw Error((out / "summary.md").string(), "a writable file", "a write error");
  return r;
}

nlohmann::json PhotoDemoResult::to_json() const {
  nlohmann::json j;
  j["model"] = model.string();
  j["images_source"] = images_source;
  j["images_dir"] = images_dir.string();
  j["photos"] = photos;
  j["photos_without_faces"] = photos_without_faces;
  j["faces_total"] = faces.size();
  for (int k = 0; k < kNumClasses; ++k) j["counts"][class_name(k)] = counts[k];
  j["faces"] = nlohmann::json::array();
  for (const auto& f : faces) {
    nlohmann::json p;
    for (int k = 0; k < kNumClasses; ++k) p[class_name(k)] = f.scores.probs[k];
    j["faces"].push_back({{"photo", f.photo},
                          {"face", f.index},
                          {"box", {f.box.x, f.box.y, f.box.width, f.box.height}},
                          {"label", class_name(f.scores.label)},
                          {"probability", f.scores.probs[f.scores.label]},
                          {"second", class_name(f.second)},
                          {"second_probability", f.scores.probs[f.second]},
                          {"whole_image", f.whole_image},
                          {"probabilities", p}});
  }
  j["annotated"] = nlohmann::json::array();
  for (const auto& a : annotated) j["annotated"].push_back(a.string());
  j["seconds"] = seconds;
  return j;
}

std::string PhotoDemoResult::markdown() const {
  std::ostringstream s;
  s << "# ferkit demo\n\nModel `" << model.string() << "` on " << photos.size() << " " << images_source << " (`"
    << images_dir.string() << "`): " << faces.size() << " face(s), " << std::fixed << std::setprecision(1) << seconds
    << " s.\n\n";
  s << "| photo | face | box (x, y, w x h) | expression | probability | second |\n|---|---:|---|---|---:|---|\n";
  for (const auto& f : faces)
    s << "| " << f.photo << " | " << f.index << " | " << f.box.x << ", " << f.box.y << ", " << f.box.width << " x "
      << f.box.height << (f.whole_image ? " (whole image)" : "") << " | " << class_name(f.scores.label) << " | "
      << fixed2(f.scores.probs[f.scores.label]) << " | " << class_name(f.second) << " " << fixed2(f.scores.probs[f.second])
      << " |\n";
  for (const auto& p : photos_without_faces) s << "| " << p << " | - | no face found | | | |\n";
  s << "\n| expression | faces |\n|---|---:|\n";
  for (int k = 0; k < kNumClasses; ++k) s << "| " << class_name(k) << " | " << counts[k] << " |\n";
  return s.str();
}

}  // namespace ferkit
