// DREAMER-layout .mat writer (libmatio, MATLAB v5 with zlib compression): the synthetic generator's
// output format and the reader's round-trip fixture.
#include <matio.h>

#include <map>

#include "ferkit/eeg_dreamer.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

matvar_t* matrix(size_t rows, size_t cols, const double* values) {
  size_t dims[2] = {rows, cols};
  // Without MAT_F_DONT_COPY_DATA matio copies the values.
  return Mat_VarCreate(nullptr, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, const_cast<double*>(values), 0);
}

matvar_t* scalar(double v) { return matrix(1, 1, &v); }

matvar_t* text(const std::string& s) {
  size_t dims[2] = {1, s.size()};
  return Mat_VarCreate(nullptr, MAT_C_CHAR, MAT_T_UINT8, 2, dims, const_cast<char*>(s.data()), 0);
}

matvar_t* cell(size_t rows, size_t cols) {
  size_t dims[2] = {rows, cols};
  return Mat_VarCreate(nullptr, MAT_C_CELL, MAT_T_CELL, 2, dims, nullptr, 0);
}

matvar_t* structure(const std::vector<const char*>& fields, const char* name = nullptr) {
  size_t dims[2] = {1, 1};
  std::vector<const char*> f = fields;
  f.push_back(nullptr);
  return Mat_VarCreateStruct2(name, 2, dims, f.data());
}

// samples x channels, column-major: one channel after the other.
matvar_t* signal_matrix(const EegSignal& s) {
  std::vector<double> values;
  values.reserve(static_cast<size_t>(s.samples()) * s.channels.size());
  for (const auto& ch : s.data) values.insert(values.end(), ch.begin(), ch.end());
  return matrix(static_cast<size_t>(s.samples()), s.channels.size(), values.data());
}

}  // namespace

void write_dreamer(const std::filesystem::path& file, const EegDataset& dataset) {
  const std::string f = file.string();
  std::map<int64_t, std::vector<const EegTrial*>> by_subject;
  for (const auto& t : dataset.trials) by_subject[t.subject].push_back(&t);
  FERKIT_CHECK(!by_subject.empty(), f << ": write_dreamer needs at least one trial");
  const size_t trials = by_subject.begin()->second.size();
  const EegTrial& first = *by_subject.begin()->second.front();
  for (const auto& [subject, list] : by_subject) {
    if (list.size() != trials)
      throw Error(f + ": subject " + std::to_string(subject), std::to_string(trials) + " trials like the first subject",
                  std::to_string(list.size()));
    for (const EegTrial* t : list) {
      if (t->stimulus.channels != first.stimulus.channels || t->baseline.channels != first.stimulus.channels ||
          t->stimulus.sampling_rate != first.stimulus.sampling_rate)
        throw Error(t->provenance, "the channels and rate of the first trial", "others");
      const std::string where = f + ": subject " + std::to_string(subject) + " trial " + std::to_string(t->trial);
      kDreamerRatingScale.normalise(t->valence, where + " valence");
      kDreamerRatingScale.normalise(t->arousal, where + " arousal");
      kDreamerRatingScale.normalise(t->dominance, where + " dominance");
    }
  }

  matvar_t* root = structure(
      {"Data", "EEG_SamplingRate", "EEG_Electrodes", "noOfSubjects", "noOfVideoSequences", "Disclaimer"}, "DREAMER");
  matvar_t* data = cell(1, by_subject.size());
  int s = 0;
  for (const auto& [subject, list] : by_subject) {
    matvar_t* subj = structure({"EEG", "ScoreValence", "ScoreArousal", "ScoreDominance"});
    matvar_t* eeg = structure({"stimuli", "baseline"});
    matvar_t* stimuli = cell(trials, 1);
    matvar_t* baseline = cell(trials, 1);
    std::vector<double> val, aro, dom;
    for (size_t t = 0; t < trials; ++t) {
      Mat_VarSetCell(stimuli, static_cast<int>(t), signal_matrix(list[t]->stimulus));
      Mat_VarSetCell(baseline, static_cast<int>(t), signal_matrix(list[t]->baseline));
      val.push_back(list[t]->valence);
      aro.push_back(list[t]->arousal);
      dom.push_back(list[t]->dominance);
    }
    Mat_VarSetStructFieldByName(eeg, "stimuli", 0, stimuli);
    Mat_VarSetStructFieldByName(eeg, "baseline", 0, baseline);
    Mat_VarSetStructFieldByName(subj, "EEG", 0, eeg);
    Mat_VarSetStructFieldByName(subj, "ScoreValence", 0, matrix(trials, 1, val.data()));
    Mat_VarSetStructFieldByName(subj, "ScoreArousal", 0, matrix(trials, 1, aro.data()));
    Mat_VarSetStructFieldByName(subj, "ScoreDominance", 0, matrix(trials, 1, dom.data()));
    Mat_VarSetCell(data, s++, subj);
  }
  matvar_t* electrodes = cell(1, first.stimulus.channels.size());
  for (size_t c = 0; c < first.stimulus.channels.size(); ++c)
    Mat_VarSetCell(electrodes, static_cast<int>(c), text(first.stimulus.channels[c]));
  Mat_VarSetStructFieldByName(root, "Data", 0, data);
  Mat_VarSetStructFieldByName(root, "EEG_SamplingRate", 0, scalar(first.stimulus.sampling_rate));
  Mat_VarSetStructFieldByName(root, "EEG_Electrodes", 0, electrodes);
  Mat_VarSetStructFieldByName(root, "noOfSubjects", 0, scalar(static_cast<double>(by_subject.size())));
  Mat_VarSetStructFieldByName(root, "noOfVideoSequences", 0, scalar(static_cast<double>(trials)));
  Mat_VarSetStructFieldByName(root, "Disclaimer", 0, text("Synthetic EEG written by ferkit in the DREAMER layout"));

  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  mat_t* mat = Mat_CreateVer(tmp.string().c_str(), nullptr, MAT_FT_MAT5);
  if (!mat) {
    Mat_VarFree(root);
    throw Error(f, "a writable .mat file", "libmatio cannot create it");
  }
  int rc = Mat_VarWrite(mat, root, MAT_COMPRESSION_ZLIB);
  Mat_Close(mat);
  Mat_VarFree(root);
  if (rc != 0) {
    std::filesystem::remove(tmp);
    throw Error(f, "a complete write", "libmatio failed to write DREAMER");
  }
  std::filesystem::rename(tmp, file);
}

}  // namespace ferkit
