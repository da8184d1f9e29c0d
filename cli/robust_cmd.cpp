// ferkit robust --model CKPT --data PATH --out DIR [...]   |   ferkit robust sheet --image FACE --out PNG
#include <iomanip>
#include <iostream>

#include <opencv2/imgcodecs.hpp>

#include "commands.h"
#include "ferkit/classifier.h"
#include "ferkit/corruption_sheet.h"
#include "ferkit/corruptions.h"
#include "ferkit/error.h"
#include "ferkit/robust_benchmark.h"

namespace ferkit::cli {
namespace {

std::string corruption_list() {
  std::string s;
  for (const auto& c : corruptions()) s += "  " + c.name + std::string(16 - std::min<size_t>(15, c.name.size()), ' ') + c.description + "\n";
  return s;
}

void print_summary(const nlohmann::json& s, std::ostream& os) {
  os << std::fixed << std::setprecision(4);
  os << "n " << s["n"] << "  (model " << s["model"].get<std::string>() << ", tta " << s["tta"].get<std::string>()
     << ", preprocess " << s["preprocess"].get<std::string>() << ")\n";
  os << std::left << std::setw(16) << "corruption" << std::right << std::setw(8) << "mean";
  for (const auto& sev : s["severities"]) os << std::setw(8) << ("s" + std::to_string(sev.get<int>()));
  os << "\n";
  for (const auto& name : s["corruptions"]) {
    const auto& e = s["per_corruption"][name.get<std::string>()];
    os << std::left << std::setw(16) << name.get<std::string>() << std::right << std::setw(8) << e["mean_acc"].get<double>();
    for (const auto& a : e["by_severity"]) os << std::setw(8) << a.get<double>();
    os << "\n";
  }
  os << "clean acc " << s["clean_acc"].get<double>() << "  mCA " << s["mca"].get<double>() << "  relative drop "
     << (s["relative_drop"].is_number() ? s["relative_drop"].get<double>() : std::nan("")) << "  worst "
     << s["worst"]["corruption"].get<std::string>() << " (" << s["worst"]["acc"].get<double>() << ")\n";
}

void register_sheet(CLI::App* robust) {
  auto* cmd = robust->add_subcommand("sheet", "Draw one face at every corruption (rows) and severity 0-5 (columns)");
  auto image = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto colour = std::make_shared<bool>(false);
  auto o = std::make_shared<SheetOptions>();
  cmd->add_option("--image,-i", *image, "Face crop (any image OpenCV reads)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", *out, "PNG to write")->required();
  cmd->add_flag("--colour", *colour, "Keep the image in colour (as a 3-channel model gets it); default: gray, as the default model");
  cmd->add_option("--corruptions", o->corruptions, "Rows, comma-separated (default: all)")->delimiter(',');
  cmd->add_option("--seed", o->seed, "Seed of the random choices (as ferkit robust --seed)")->default_val(0);
  cmd->add_option("--tile", o->tile, "Side of each face tile in pixels")->default_val(96);
  cmd->footer(
      "Each row uses the random choices the benchmark makes for its first image (one blur direction, one\n"
      "occluder...), growing with severity. Small faces are enlarged pixel for pixel, so noise and JPEG\n"
      "blocks look as the model sees them. Severity 5 should still look like a bad webcam frame.\n\n"
      "Examples:\n"
      "  ferkit robust sheet --image data/sample/FER2013Valid/face0096.png --out sheet.png\n"
      "  ferkit robust sheet --image face.jpg --colour --corruptions low_light,jpeg,occlusion --out sheet.png");
  cmd->callback([=] {
    cv::Mat face = cv::imread(*image, *colour ? cv::IMREAD_COLOR : cv::IMREAD_GRAYSCALE);
    if (face.empty()) throw ferkit::Error(*image, "an image OpenCV can read", "an unreadable file");
    write_corruption_sheet(*out, face, *o);
    std::cout << "wrote " << *out << "\n";
  });
}

}  // namespace

void register_robust_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "robust", "Measure the offline-live gap: accuracy under webcam corruptions at severities 1-5 (mCA, relative drop)");
  auto o = std::make_shared<RobustOptions>();
  auto model = std::make_shared<std::string>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto severities = std::make_shared<std::string>("1-5");
  auto json = std::make_shared<bool>(false);
  cmd->add_option("--model,-m", *model, "Checkpoint (<name>.pt with <name>.json beside it) or .onnx");
  cmd->add_option("--data,-d", *data, "Dataset root or file");
  cmd->add_option("--format,-f", o->data.format, "Reader: ferplus, ferplus-original, fer2013, npz, folder, affectnet, affectnet-mini, rafdb")
      ->default_val("ferplus");
  cmd->add_option("--split", o->data.split, "Split to evaluate: valid, test, train or all")->default_val("valid");
  cmd->add_option("--label-mode", o->data.label_mode, "FERPlus label rule: majority, probability, multi_target")->default_val("majority");
  cmd->add_option("--limit", o->limit, "Evaluate a seeded class-stratified subset of about N images (0 = all)")->default_val(0);
  cmd->add_option("--out,-o", *out, "Directory for the per-cell metrics.json, summary.json/.csv and pictures");
  cmd->add_option("--corruptions", o->corruptions, "Corruptions to run, comma-separated (default: all)")->delimiter(',');
  cmd->add_option("--severities", *severities, "Severities, as 1-5 or 1,3,5 (the clean run always runs)")->default_val("1-5");
  cmd->add_option("--seed", o->seed, "Seed of the corruptions' random choices")->default_val(0);
  cmd->add_flag("--preprocess", o->preprocess, "Apply the live enhancement (Gaussian blur sigma 0.5 + CLAHE 2.0, 8x8) before classifying");
  cmd->add_flag("--tta", o->flip_tta, "Test-time augmentation: average with the mirrored face");
  cmd->add_flag("--uncalibrated", [o](int64_t) { o->calibrated = false; }, "Ignore the sidecar's temperature");
  cmd->add_option("--backend", o->backend, "Inference backend: auto, libtorch, opencv")->default_val("auto");
  cmd->add_option("--threads", o->threads, "Threads for corruption and inference")->default_val(2);
  cmd->add_option("--batch-size", o->batch_size, "Faces per classifier call")->default_val(128);
  cmd->add_option("--bootstrap", o->metrics.bootstrap.resamples, "Bootstrap resamples for each cell's 95% intervals")->default_val(1000);
  cmd->add_flag("--json", *json, "Print summary.json to stdout instead of the table");
  cmd->footer(
      "Every evaluation image is corrupted at every severity, then classified; each cell is evaluated as\n"
      "'ferkit eval' does. The output directory receives clean/metrics.json, <corruption>/<severity>/\n"
      "metrics.json, summary.json, summary.csv, accuracy_vs_severity.png and sheet.png. mCA is the mean\n"
      "accuracy over corruptions and severities; relative drop = (clean acc - mCA) / clean acc. A gray\n"
      "model gets gray crops, a colour model BGR crops. docs/robustness.md explains every corruption.\n\n"
      "Corruptions:\n" +
      corruption_list() +
      "\nExamples:\n"
      "  ferkit robust --model runs/webcam-mnv3s/best.pt --data ../shared/data/ferplus --out runs/robust-webcam\n"
      "  ferkit robust --model best.pt --data ../shared/data/ferplus --out runs/r --preprocess --tta\n"
      "  ferkit robust --model best.pt --data data/sample --corruptions low_light,motion_blur --severities 1,3,5 --out runs/r\n"
      "  ferkit robust sheet --image data/sample/FER2013Valid/face0096.png --out sheet.png");
  register_sheet(cmd);
  cmd->callback([=] {
    if (cmd->got_subcommand("sheet")) return;
    if (model->empty() || data->empty() || out->empty())
      throw ferkit::Error("ferkit robust", "--model, --data and --out (or the 'sheet' subcommand)", "");
    RobustOptions opts = *o;
    opts.model = *model;
    opts.data.path = *data;
    opts.out = *out;
    opts.severities = parse_severities(*severities);
    nlohmann::json s = run_robust_benchmark(opts);
    if (*json) std::cout << s.dump(2) << "\n";
    else print_summary(s, std::cout);
  });
}

}  // namespace ferkit::cli
