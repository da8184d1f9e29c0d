// ferkit bench live — the live pipeline's speed per stage, per backend, with a real model.
#include <fstream>
#include <iostream>

#include "commands.h"
#include "ferkit/error.h"
#include "ferkit/live/live_benchmark.h"

namespace ferkit::cli {
namespace {

void register_bench_live(CLI::App* bench) {
  auto* cmd = bench->add_subcommand("live", "Milliseconds per stage and end-to-end frames/s of ferkit live, per backend");
  auto o = std::make_shared<LiveBenchmarkOptions>();
  auto json_out = std::make_shared<std::string>();
  o->model = "models/default.pt";
  cmd->add_option("--model", o->model, "Checkpoint (.pt + .json sidecar; exported to ONNX for opencv) or .onnx")
      ->default_str("models/default.pt");
  cmd->add_option("--source", o->source,
                  "Video to run (default: a 640x480, 30 fps webcam-like clip with one face, written from face-api's "
                  "demo/sample1.jpg)");
  cmd->add_option("--photo", o->photo, "Face photo the default clip is made from");
  cmd->add_option("--backends", o->backends, "Classifier backends, comma-separated: libtorch, opencv")
      ->delimiter(',')
      ->default_str("libtorch,opencv");
  cmd->add_option("--upsample", o->upsample, "dlib HOG upsampling levels to compare, comma-separated")
      ->delimiter(',')
      ->default_str("1,0");
  cmd->add_option("--detect-every", o->detect_every, "Run the detector every N frames, tracking in between")->default_val(3);
  cmd->add_option("--threads", o->threads, "Torch and OpenCV threads")->default_val(2);
  cmd->add_option("--repeats", o->repeats, "Timed passes per configuration (the median is reported)")->default_val(3);
  cmd->add_option("--frames", o->clip_frames, "Frames of the default clip")->default_val(90);
  cmd->add_flag("--tta", o->with_tta, "Also time every configuration with flip TTA (each face and its mirror)");
  cmd->add_option("--work-dir", o->work_dir, "Where the clip and the exported ONNX go (default: a temp folder)");
  cmd->add_option("--json", *json_out, "Also write the rows as JSON to this file");
  cmd->footer(
      "Each configuration runs once untimed, then --repeats times headless with no outputs; frames/s is\n"
      "wall clock over the whole pass (decoding included), stage columns are ms per frame.\n\n"
      "Examples:\n"
      "  ferkit bench live\n"
      "  ferkit bench live --model models/default.pt --backends libtorch,opencv --threads 2 --json live_speed.json\n"
      "  ferkit bench live --source clip.mp4 --backends libtorch --upsample 0 --detect-every 5 --tta");
  cmd->callback([o, json_out] {
    const auto rows = run_live_benchmark(*o);
    std::cout << live_benchmark_markdown(rows);
    if (!json_out->empty()) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& r : rows) j.push_back(r.to_json());
      std::ofstream f(*json_out);
      if (!f) throw Error(*json_out, "a writable JSON file", "could not open it");
      f << j.dump(2) << "\n";
    }
  });
}

}  // namespace

void register_bench_command(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Speed benchmarks of whole commands (ferkit bench live)");
  bench->require_subcommand(1);
  register_bench_live(bench);
}

}  // namespace ferkit::cli
