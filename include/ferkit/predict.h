// Running a model over a whole dataset: logits, calibrated probabilities, features and labels in
// dataset order — what evaluation, calibration, teacher export and prototype building consume.
//
//   ferkit::PredictOptions po;  po.threads = 2;
//   ferkit::DatasetPredictions p = ferkit::predict_dataset(net, valid, po);     // a FerNet
//   auto clf = ferkit::open_classifier("models/default.pt");
//   ferkit::DatasetPredictions q = ferkit::predict_dataset(*clf, valid, po);    // any backend
//   ferkit::evaluate(p.probs, p.labels);
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

#include "ferkit/class_matrix.h"
#include "ferkit/classifier.h"
#include "ferkit/dataset.h"
#include "ferkit/model.h"

namespace ferkit {

struct PredictOptions {
  int batch_size = 256;                    // images per forward pass
  int threads = 2;                         // decode threads (and torch threads when > 0)
  double temperature = 1.0;                // probs = softmax(logits / T)
  std::vector<double> class_temperatures;  // per-class temperatures (override temperature)
  bool features = false;                   // also keep the L2-normalised features (FerNet only)
  bool flip_tta = false;                   // average with the mirrored image's probabilities
  bool progress = true;                    // progress bar on a terminal
};

struct DatasetPredictions {
  LogitMatrix logits;              // N x 8, uncalibrated
  ProbabilityMatrix probs;         // N x 8, softmax(logits / T) (TTA-averaged when asked)
  std::vector<int> labels;         // hard labels of the dataset
  std::vector<std::string> paths;  // ImageSource paths
  torch::Tensor features;          // [N, D] when PredictOptions::features, else undefined
};

DatasetPredictions predict_dataset(FerNet& net, const Dataset& data, const PredictOptions& options);
DatasetPredictions predict_dataset(Classifier& classifier, const Dataset& data, const PredictOptions& options);

// softmax(z / T) per row, with a global or per-class temperature.
ProbabilityMatrix softmax_rows(const LogitMatrix& logits, double temperature,
                               const std::vector<double>& class_temperatures = {});

}  // namespace ferkit
