#include "ferkit/predict.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>

#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/loader.h"

namespace ferkit {

ProbabilityMatrix softmax_rows(const LogitMatrix& logits, double temperature, const std::vector<double>& class_temperatures) {
  ProbabilityMatrix p(logits.rows, logits.cols);
  for (int64_t i = 0; i < logits.rows; ++i) {
    ClassLogits z{};
    FERKIT_CHECK(logits.cols == kNumClasses, "softmax_rows: expected " << kNumClasses << " columns, got " << logits.cols);
    for (int k = 0; k < kNumClasses; ++k) z[k] = static_cast<float>(logits.at(i, k));
    // In double for the probabilities themselves (they feed NLL and ECE).
    std::array<double, kNumClasses> v{};
    double m = -INFINITY;
    for (int k = 0; k < kNumClasses; ++k) {
      double t = class_temperatures.empty() ? temperature : class_temperatures[k];
      FERKIT_CHECK(t > 0, "temperature must be > 0, got " << t);
      v[k] = logits.at(i, k) / t;
      m = std::max(m, v[k]);
    }
    double s = 0;
    for (double& x : v) s += (x = std::exp(x - m));
    for (int k = 0; k < kNumClasses; ++k) p.at(i, k) = v[k] / s;
  }
  return p;
}

namespace {

void mirror_average(ProbabilityMatrix& p, const ProbabilityMatrix& mirrored) {
  for (size_t i = 0; i < p.values.size(); ++i) p.values[i] = 0.5 * (p.values[i] + mirrored.values[i]);
}

}  // namespace

DatasetPredictions predict_dataset(FerNet& net, const Dataset& data, const PredictOptions& o) {
  FERKIT_CHECK(!data.samples.empty(), "predict: the dataset is empty");
  net->eval();
  torch::NoGradGuard no_grad;
  const ModelSpec& spec = net->spec();
  LoaderOptions lo;
  lo.batch_size = o.batch_size;
  lo.threads = std::max(0, o.threads);
  lo.shuffle = false;
  lo.mode = "eval";
  DataLoader loader(data, spec, lo);
  loader.set_epoch(0);
  const int64_t n = static_cast<int64_t>(data.samples.size());
  DatasetPredictions out;
  out.logits = LogitMatrix(n, kNumClasses);
  LogitMatrix flipped(o.flip_tta ? n : 0, kNumClasses);
  std::vector<torch::Tensor> feats;
  ProgressBar bar(o.progress ? "predict" : "", o.progress ? n : 0, "img");
  Batch b;
  int64_t row = 0;
  while (loader.next(b)) {
    ModelOutput y = net->forward(b.images);
    torch::Tensor z = y.logits.to(torch::kFloat64).contiguous();
    auto za = z.accessor<double, 2>();
    auto idx = b.indices.accessor<int64_t, 1>();
    for (int64_t i = 0; i < b.size(); ++i)
      for (int k = 0; k < kNumClasses; ++k) out.logits.at(idx[i], k) = za[i][k];
    if (o.flip_tta) {
      torch::Tensor zf = net->forward(b.images.flip({3})).logits.to(torch::kFloat64).contiguous();
      auto fa = zf.accessor<double, 2>();
      for (int64_t i = 0; i < b.size(); ++i)
        for (int k = 0; k < kNumClasses; ++k) flipped.at(idx[i], k) = fa[i][k];
    }
    if (o.features) feats.push_back(y.features.detach().clone());
    row += b.size();
    if (o.progress) bar.advance(b.size());
  }
  FERKIT_CHECK(row == n, "predict: the loader produced " << row << " of " << n << " samples");
  out.probs = softmax_rows(out.logits, o.temperature, o.class_temperatures);
  if (o.flip_tta) mirror_average(out.probs, softmax_rows(flipped, o.temperature, o.class_temperatures));
  if (o.features) out.features = torch::cat(feats, 0);
  for (const auto& s : data.samples) {
    out.labels.push_back(s.label);
    out.paths.push_back(s.image.path);
  }
  return out;
}

DatasetPredictions predict_dataset(Classifier& classifier, const Dataset& data, const PredictOptions& o) {
  FERKIT_CHECK(!data.samples.empty(), "predict: the dataset is empty");
  const bool gray = classifier.info().input.channels == 1;
  const int64_t n = static_cast<int64_t>(data.samples.size());
  DatasetPredictions out;
  out.logits = LogitMatrix(n, kNumClasses);
  LogitMatrix flipped(o.flip_tta ? n : 0, kNumClasses);
  ProgressBar bar(o.progress ? "predict" : "", o.progress ? n : 0, "img");
  for (int64_t start = 0; start < n; start += o.batch_size) {
    const int64_t end = std::min(n, start + static_cast<int64_t>(o.batch_size));
    std::vector<cv::Mat> faces, mirrored;
    for (int64_t i = start; i < end; ++i) faces.push_back(load_image(data, data.samples[i], gray));
    std::vector<ClassLogits> z = classifier.logits(faces);
    for (int64_t i = start; i < end; ++i)
      for (int k = 0; k < kNumClasses; ++k) out.logits.at(i, k) = z[i - start][k];
    if (o.flip_tta) {
      for (const auto& f : faces) {
        cv::Mat m;
        cv::flip(f, m, 1);
        mirrored.push_back(m);
      }
      std::vector<ClassLogits> zf = classifier.logits(mirrored);
      for (int64_t i = start; i < end; ++i)
        for (int k = 0; k < kNumClasses; ++k) flipped.at(i, k) = zf[i - start][k];
    }
    if (o.progress) bar.advance(end - start);
  }
  out.probs = softmax_rows(out.logits, o.temperature, o.class_temperatures);
  if (o.flip_tta) mirror_average(out.probs, softmax_rows(flipped, o.temperature, o.class_temperatures));
  for (const auto& s : data.samples) {
    out.labels.push_back(s.label);
    out.paths.push_back(s.image.path);
  }
  return out;
}

}  // namespace ferkit
