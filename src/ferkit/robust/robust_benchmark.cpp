// `ferkit robust` (ferkit/robust_benchmark.h): corrupt, classify in batches, evaluate each cell with
// the evaluation code of `ferkit eval` (softmax_rows, evaluate, metrics_to_json), summarise.
// A batch is corrupted on a few std::threads rather than cv::parallel_for_, because the thread count
// is the command's --threads (cv::parallel_for_ follows OpenCV's process-wide setting) and a
// worker's ferkit::Error must reach the caller unchanged.
#include "ferkit/robust_benchmark.h"

#include <torch/torch.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "ferkit/abstention.h"
#include "ferkit/console.h"
#include "ferkit/corruption_sheet.h"
#include "ferkit/corruptions.h"
#include "ferkit/error.h"
#include "ferkit/live/face_enhancer.h"
#include "ferkit/manifest.h"
#include "ferkit/predict.h"
#include "ferkit/run_dir.h"
#include "ferkit/trainer.h"

namespace ferkit {
namespace {

// Decoded crops are kept in memory up to this many bytes (every cell reads every image); past it,
// images are decoded again for each cell.
constexpr size_t kDecodedBudgetBytes = size_t(1) << 30;

class DecodedImages {
 public:
  DecodedImages(const Dataset& d, bool gray) : data_(d), gray_(gray), kept_(d.samples.size()) {}
  cv::Mat get(size_t i) {
    if (!kept_[i].empty()) return kept_[i];
    cv::Mat img = load_image(data_, data_.samples[i], gray_);
    const size_t bytes = img.total() * img.elemSize();
    std::lock_guard<std::mutex> lock(mutex_);
    if (used_ + bytes <= kDecodedBudgetBytes && kept_[i].empty()) {
      kept_[i] = img;
      used_ += bytes;
    }
    return img;
  }

 private:
  const Dataset& data_;
  bool gray_;
  std::vector<cv::Mat> kept_;
  size_t used_ = 0;
  std::mutex mutex_;
};

// Runs fn(i) for i in [begin, end) on up to `threads` threads; rethrows the first error.
template <class F>
void parallel_range(int64_t begin, int64_t end, int threads, F fn) {
  const int64_t n = end - begin;
  const int workers = static_cast<int>(std::min<int64_t>(std::max(1, threads), n));
  if (workers <= 1) {
    for (int64_t i = begin; i < end; ++i) fn(i);
    return;
  }
  std::vector<std::exception_ptr> errors(static_cast<size_t>(workers));
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w)
    pool.emplace_back([&, w] {
      try {
        for (int64_t i = begin + w; i < end; i += workers) fn(i);
      } catch (...) {
        errors[static_cast<size_t>(w)] = std::current_exception();
      }
    });
  for (auto& t : pool) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

struct Context {
  Classifier& classifier;
  const Dataset& data;
  const RobustOptions& options;
  DecodedImages& images;
  const FaceEnhancer* enhancer;  // null: no preprocessing
  double temperature;
  std::vector<double> class_temperatures;
  std::vector<int> labels;
  std::string model_name, fingerprint;
};

// Every image under (corruption, severity) through the classifier; metrics.json of the cell.
nlohmann::json evaluate_cell(Context& c, const std::string& corruption, int severity, RobustCell& cell) {
  const RobustOptions& o = c.options;
  const int64_t n = static_cast<int64_t>(c.data.samples.size());
  LogitMatrix logits(n, kNumClasses), flipped(o.flip_tta ? n : 0, kNumClasses);
  for (int64_t start = 0; start < n; start += o.batch_size) {
    const int64_t end = std::min(n, start + static_cast<int64_t>(o.batch_size));
    std::vector<cv::Mat> faces(static_cast<size_t>(end - start)), mirrored(o.flip_tta ? faces.size() : 0);
    parallel_range(start, end, o.threads, [&](int64_t i) {
      cv::Mat face = c.images.get(static_cast<size_t>(i));
      if (severity > 0) {
        CorruptionRng rng = corruption_rng(static_cast<uint64_t>(o.seed), corruption, i);
        face = apply_corruption(corruption, face, severity, rng);
      }
      if (c.enhancer) face = c.enhancer->apply(face);
      faces[static_cast<size_t>(i - start)] = face;
      if (o.flip_tta) cv::flip(face, mirrored[static_cast<size_t>(i - start)], 1);
    });
    const std::vector<ClassLogits> z = c.classifier.logits(faces);
    FERKIT_CHECK(z.size() == faces.size(), "robust: the classifier returned " << z.size() << " rows for " << faces.size() << " faces");
    for (int64_t i = start; i < end; ++i)
      for (int k = 0; k < kNumClasses; ++k) logits.at(i, k) = z[static_cast<size_t>(i - start)][k];
    if (o.flip_tta) {
      const std::vector<ClassLogits> zf = c.classifier.logits(mirrored);
      for (int64_t i = start; i < end; ++i)
        for (int k = 0; k < kNumClasses; ++k) flipped.at(i, k) = zf[static_cast<size_t>(i - start)][k];
    }
  }
  // As predict_dataset: probabilities of the face and its mirror image averaged.
  ProbabilityMatrix probs = softmax_rows(logits, c.temperature, c.class_temperatures);
  if (o.flip_tta) {
    const ProbabilityMatrix pf = softmax_rows(flipped, c.temperature, c.class_temperatures);
    for (size_t i = 0; i < probs.values.size(); ++i) probs.values[i] = 0.5 * (probs.values[i] + pf.values[i]);
  }
  const EvaluationReport report = evaluate(probs, c.labels, o.metrics);
  nlohmann::json m = metrics_to_json(report, c.model_name, c.fingerprint);
  m["corruption"] = corruption;
  m["severity"] = severity;
  m["seed"] = o.seed;
  m["tta"] = o.flip_tta ? "flip" : "none";
  m["preprocess"] = o.preprocess ? "blur+clahe" : "none";
  m["temperature"] = c.temperature;
  m["backend"] = c.classifier.info().backend;
  cell.corruption = corruption;
  cell.severity = severity;
  cell.accuracy = report.all_classes.accuracy;
  cell.macro_f1 = report.all_classes.macro_f1;
  cell.ece = report.calibration.ece;
  const auto& thresholds = c.classifier.info().abstain_thresholds;
  if (!thresholds.empty()) {
    const SelectiveSummary s = summarise_selective(apply_abstention(probs, thresholds), c.labels);
    m["abstention"] = {{"rate", s.abstention_rate}, {"coverage", s.coverage}, {"selective_accuracy", s.selective_accuracy}};
    cell.abstention_rate = s.abstention_rate;
  }
  return m;
}

std::vector<std::string> selected_corruptions(const RobustOptions& o) {
  std::vector<std::string> names = o.corruptions.empty() ? corruption_names() : o.corruptions;
  std::set<std::string> seen;
  for (const auto& name : names) {
    corruption_info(name);
    if (!seen.insert(name).second) throw Error("robust --corruptions", "each corruption once", "'" + name + "' twice");
  }
  return names;
}

void check_severities(const std::vector<int>& severities) {
  if (severities.empty()) throw Error("robust --severities", "at least one severity in 1.." + std::to_string(kMaxSeverity), "none");
  std::set<int> seen;
  for (int s : severities) {
    if (s < 1 || s > kMaxSeverity)
      throw Error("robust --severities", "severities in 1.." + std::to_string(kMaxSeverity) + " (0, the clean run, always runs)",
                  std::to_string(s));
    if (!seen.insert(s).second) throw Error("robust --severities", "each severity once", std::to_string(s) + " twice");
  }
}

}  // namespace

nlohmann::json run_robust_benchmark(Classifier& classifier, const Dataset& data, const RobustOptions& o) {
  FERKIT_CHECK(!data.samples.empty(), "robust: " << o.data.path.string() << " (split " << o.data.split << ") has no samples to evaluate");
  FERKIT_CHECK(o.batch_size > 0, "robust: batch_size must be > 0, got " << o.batch_size);
  FERKIT_CHECK(o.threads > 0, "robust: threads must be > 0, got " << o.threads);
  const std::vector<std::string> names = selected_corruptions(o);
  check_severities(o.severities);
  const ClassifierInfo& info = classifier.info();
  const std::string model_name = o.model.empty() ? info.model_path.string() : o.model.string();
  const int channels = face_channels_for_model(info.input, "model " + (model_name.empty() ? info.backend : model_name));

  DecodedImages images(data, channels == 1);
  FaceEnhancer enhancer{EnhancerOptions{}};  // the live defaults: sigma 0.5, CLAHE 2.0 on 8 x 8
  Context c{classifier, data, o, images, o.preprocess ? &enhancer : nullptr, 1.0, {}, {}, model_name,
            build_manifest(data, o.threads).fingerprint()};
  if (o.calibrated) {
    c.temperature = info.temperature;
    c.class_temperatures = info.class_temperatures;
  }
  for (const auto& s : data.samples) c.labels.push_back(s.label);

  std::optional<RunDir> run;
  if (!o.out.empty()) {
    run = RunDir::create(o.out, /*resume=*/std::filesystem::exists(o.out / "run.json"));
    SheetOptions so;
    so.corruptions = names;
    so.seed = o.seed;
    write_corruption_sheet(o.out / "sheet.png", images.get(0), so);
  }
  const int64_t total = 1 + static_cast<int64_t>(names.size() * o.severities.size());
  ProgressBar bar(o.progress ? "robust" : "", o.progress ? total : 0, "cell");
  RobustCell clean;
  nlohmann::json clean_metrics = evaluate_cell(c, "clean", 0, clean);
  if (run) run->write_json("clean/metrics.json", clean_metrics);
  if (o.progress) bar.advance();
  std::vector<RobustCell> cells;
  for (const auto& name : names)
    for (int s : o.severities) {
      RobustCell cell;
      nlohmann::json m = evaluate_cell(c, name, s, cell);
      if (run) run->write_json(name + "/" + std::to_string(s) + "/metrics.json", m);
      cells.push_back(cell);
      if (o.progress) {
        bar.set_postfix(name + " " + std::to_string(s) + ": acc " + std::to_string(cell.accuracy).substr(0, 5));
        bar.advance();
      }
    }
  if (o.progress) bar.finish();

  nlohmann::json summary = robustness_summary(clean, cells, names, o.severities);
  summary["model"] = model_name;
  summary["backend"] = info.backend;
  summary["n"] = data.samples.size();
  summary["seed"] = o.seed;
  summary["limit"] = o.limit;
  summary["tta"] = o.flip_tta ? "flip" : "none";
  summary["preprocess"] = o.preprocess ? "blur+clahe" : "none";
  summary["temperature"] = c.temperature;
  summary["input_channels"] = channels;
  summary["dataset_fingerprint"] = c.fingerprint;
  summary["data"] = {{"format", o.data.format}, {"path", o.data.path.string()}, {"split", o.data.split},
                     {"label_mode", o.data.label_mode}, {"dropped", data.dropped}};
  if (run) {
    run->write_json("summary.json", summary);
    write_robustness_csv(o.out / "summary.csv", summary);
    write_robustness_plot(o.out / "accuracy_vs_severity.png", summary);
  }
  return summary;
}

nlohmann::json run_robust_benchmark(const RobustOptions& o) {
  FERKIT_CHECK(o.threads > 0, "robust: threads must be > 0, got " << o.threads);
  // Option mistakes are reported before the model is loaded and the data read.
  selected_corruptions(o);
  check_severities(o.severities);
  torch::set_num_threads(o.threads);
  std::unique_ptr<Classifier> clf = open_classifier(o.model, o.backend);
  // The same subset rule as a recipe's data.limit_valid; the images left out are counted.
  Dataset data = stratified_subset(read_dataset(o.data), o.limit, o.seed);
  for (const auto& [why, n] : data.dropped) info("dropped " + std::to_string(n) + ": " + why);
  return run_robust_benchmark(*clf, data, o);
}

}  // namespace ferkit
