// DREAMER.mat reader (libmatio): walks DREAMER.Data{s}.EEG.stimuli/baseline and the SAM scores,
// naming the MATLAB field path of anything missing or mis-shaped.
#include <matio.h>

#include <cctype>
#include <memory>
#include <sstream>

#include "ferkit/eeg_dreamer.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

struct MatFileCloser {
  void operator()(mat_t* m) const { Mat_Close(m); }
};
struct MatVarFreer {
  void operator()(matvar_t* v) const { Mat_VarFree(v); }
};

std::string dims_text(const matvar_t* v) {
  std::ostringstream os;
  for (int i = 0; i < v->rank; ++i) os << (i ? "x" : "") << v->dims[i];
  return os.str();
}

std::string class_text(const matvar_t* v) {
  switch (v->class_type) {
    case MAT_C_CELL:
      return "cell";
    case MAT_C_STRUCT:
      return "struct";
    case MAT_C_CHAR:
      return "char";
    case MAT_C_DOUBLE:
      return "double";
    case MAT_C_SINGLE:
      return "single";
    default:
      return "numeric/other class " + std::to_string(static_cast<int>(v->class_type));
  }
}

std::string describe(const matvar_t* v) { return v ? "a " + dims_text(v) + " " + class_text(v) : "nothing (missing)"; }

size_t numel(const matvar_t* v) {
  size_t n = 1;
  for (int i = 0; i < v->rank; ++i) n *= v->dims[i];
  return n;
}

bool is_numeric(const matvar_t* v) {
  switch (v->class_type) {
    case MAT_C_DOUBLE:
    case MAT_C_SINGLE:
    case MAT_C_INT8:
    case MAT_C_UINT8:
    case MAT_C_INT16:
    case MAT_C_UINT16:
    case MAT_C_INT32:
    case MAT_C_UINT32:
    case MAT_C_INT64:
    case MAT_C_UINT64:
      return v->isComplex == 0;
    default:
      return false;
  }
}

// Element i of a real numeric array as double.
double element(const matvar_t* v, size_t i) {
  switch (v->class_type) {
    case MAT_C_DOUBLE:
      return static_cast<const double*>(v->data)[i];
    case MAT_C_SINGLE:
      return static_cast<const float*>(v->data)[i];
    case MAT_C_INT8:
      return static_cast<const int8_t*>(v->data)[i];
    case MAT_C_UINT8:
      return static_cast<const uint8_t*>(v->data)[i];
    case MAT_C_INT16:
      return static_cast<const int16_t*>(v->data)[i];
    case MAT_C_UINT16:
      return static_cast<const uint16_t*>(v->data)[i];
    case MAT_C_INT32:
      return static_cast<const int32_t*>(v->data)[i];
    case MAT_C_UINT32:
      return static_cast<const uint32_t*>(v->data)[i];
    case MAT_C_INT64:
      return static_cast<double>(static_cast<const int64_t*>(v->data)[i]);
    case MAT_C_UINT64:
      return static_cast<double>(static_cast<const uint64_t*>(v->data)[i]);
    default:
      return 0;
  }
}

std::string char_text(const matvar_t* v) {
  std::string s;
  const size_t n = numel(v);
  if (!v->data) return s;
  for (size_t i = 0; i < n; ++i) {
    unsigned code = v->data_type == MAT_T_UINT16 || v->data_type == MAT_T_UTF16
                        ? static_cast<const uint16_t*>(v->data)[i]
                        : static_cast<const uint8_t*>(v->data)[i];
    s.push_back(code < 128 ? static_cast<char>(code) : '?');
  }
  return s;
}

// A walker over the MATLAB value tree that keeps the field path for messages.
class Walker {
 public:
  explicit Walker(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& expected, const matvar_t* found) const {
    throw Error(file_ + ": " + path, expected, describe(found));
  }

  matvar_t* field(matvar_t* s, const char* name, const std::string& path) const {
    matvar_t* f = s ? Mat_VarGetStructFieldByName(s, name, 0) : nullptr;
    if (!f) throw Error(file_ + ": " + path + "." + name, "a field '" + std::string(name) + "'", "no such field");
    return f;
  }

  // A cell of exactly rows x cols (cols == 0: any column count, rows == 0: any row count).
  matvar_t* cell(matvar_t* v, const std::string& path, size_t rows, size_t cols, const std::string& what) const {
    bool ok = v && v->class_type == MAT_C_CELL && v->rank == 2 && (rows == 0 || v->dims[0] == rows) &&
              (cols == 0 || v->dims[1] == cols);
    if (!ok) fail(path, what, v);
    return v;
  }

  std::vector<double> vector(matvar_t* v, const std::string& path, size_t n, const std::string& what) const {
    if (!v || !is_numeric(v) || numel(v) != n || !(v->rank == 2 && (v->dims[0] == 1 || v->dims[1] == 1)))
      fail(path, what, v);
    std::vector<double> out(n);
    for (size_t i = 0; i < n; ++i) out[i] = element(v, i);
    return out;
  }

 private:
  std::string file_;
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const std::vector<std::string>& dreamer_channels() {
  static const std::vector<std::string> c = {"AF3", "F7", "F3", "FC5", "T7", "P7", "O1",
                                             "O2",  "P8", "T8", "FC6", "F4", "F8", "AF4"};
  return c;
}

void read_dreamer(const DreamerOptions& o, const EegTrialSink& sink, std::map<std::string, int64_t>& dropped) {
  const std::string file = o.path;
  if (!std::filesystem::exists(file)) throw Error(file, "a DREAMER .mat file", "no such file");
  std::unique_ptr<mat_t, MatFileCloser> mat(Mat_Open(file.c_str(), MAT_ACC_RDONLY));
  if (!mat) throw Error(file, "a MATLAB .mat file readable by libmatio (v4, v5, v7, v7.3)", "cannot open it");
  std::unique_ptr<matvar_t, MatVarFreer> root(Mat_VarRead(mat.get(), "DREAMER"));
  Walker w(file);
  if (!root || root->class_type != MAT_C_STRUCT) w.fail("DREAMER", "a struct variable named DREAMER", root.get());

  double rate = 128;
  if (matvar_t* r = Mat_VarGetStructFieldByName(root.get(), "EEG_SamplingRate", 0)) {
    if (!is_numeric(r) || numel(r) != 1) w.fail("DREAMER.EEG_SamplingRate", "a numeric scalar", r);
    rate = element(r, 0);
    if (!(rate > 0)) throw Error(file + ": DREAMER.EEG_SamplingRate", "a positive rate", std::to_string(rate));
  }
  std::vector<std::string> names = dreamer_channels();
  if (matvar_t* e = Mat_VarGetStructFieldByName(root.get(), "EEG_Electrodes", 0)) {
    if (e->class_type != MAT_C_CELL) w.fail("DREAMER.EEG_Electrodes", "a cell of electrode names", e);
    names.clear();
    for (size_t i = 0; i < numel(e); ++i) {
      matvar_t* n = Mat_VarGetCell(e, static_cast<int>(i));
      if (!n || n->class_type != MAT_C_CHAR)
        w.fail("DREAMER.EEG_Electrodes{" + std::to_string(i + 1) + "}", "a char array", n);
      names.push_back(char_text(n));
    }
  }
  // Channel selection: indices into the file's columns.
  std::vector<size_t> keep;
  if (o.channels.empty()) {
    for (size_t i = 0; i < names.size(); ++i) keep.push_back(i);
  } else {
    for (const auto& want : o.channels) {
      size_t found = names.size();
      for (size_t i = 0; i < names.size(); ++i)
        if (lower(names[i]) == lower(want)) found = i;
      if (found == names.size()) {
        std::string have;
        for (const auto& n : names) have += (have.empty() ? "" : " ") + n;
        throw Error(file, "channel '" + want + "' among the electrodes", have);
      }
      keep.push_back(found);
    }
  }
  std::vector<std::string> kept_names;
  for (size_t i : keep) kept_names.push_back(names[i]);

  matvar_t* data =
      w.cell(w.field(root.get(), "Data", "DREAMER"), "DREAMER.Data", 1, 0, "a 1xS cell (one struct per subject)");
  const size_t subjects = data->dims[1];
  size_t trials = 0;
  for (size_t s = 0; s < subjects; ++s) {
    const std::string sp = "DREAMER.Data{" + std::to_string(s + 1) + "}";
    matvar_t* subj = Mat_VarGetCell(data, static_cast<int>(s));
    if (!subj || subj->class_type != MAT_C_STRUCT) w.fail(sp, "a struct", subj);
    matvar_t* eeg = w.field(subj, "EEG", sp);
    if (eeg->class_type != MAT_C_STRUCT) w.fail(sp + ".EEG", "a struct with fields stimuli and baseline", eeg);
    matvar_t* stimuli = w.field(eeg, "stimuli", sp + ".EEG");
    // The first subject fixes the trial count (18 in the release); every other must match it.
    if (trials == 0 && stimuli->class_type == MAT_C_CELL && stimuli->rank == 2 && stimuli->dims[1] == 1)
      trials = stimuli->dims[0];
    const std::string shape = std::to_string(trials == 0 ? 18 : trials) + "x1 cell";
    w.cell(stimuli, sp + ".EEG.stimuli", trials == 0 ? 18 : trials, 1,
           "a " + shape + (s == 0 ? " (one array per trial)" : " like DREAMER.Data{1}.EEG.stimuli"));
    matvar_t* baseline = w.cell(w.field(eeg, "baseline", sp + ".EEG"), sp + ".EEG.baseline", trials, 1,
                                "a " + shape + " like " + sp + ".EEG.stimuli");
    auto scores = [&](const char* name) {
      return w.vector(w.field(subj, name, sp), sp + "." + name, trials,
                      "a " + std::to_string(trials) + "x1 numeric vector (one rating per trial)");
    };
    std::vector<double> val = scores("ScoreValence"), aro = scores("ScoreArousal"), dom = scores("ScoreDominance");

    for (size_t t = 0; t < trials; ++t) {
      EegTrial trial;
      trial.subject = static_cast<int64_t>(s + 1);
      trial.trial = static_cast<int64_t>(t + 1);
      const std::string idx = "{" + std::to_string(t + 1) + "}";
      trial.provenance = file + ": " + sp + ".EEG.stimuli" + idx;
      auto to_signal = [&](matvar_t* cellvar, const std::string& path) {
        matvar_t* m = Mat_VarGetCell(cellvar, static_cast<int>(t));
        if (!m || !is_numeric(m) || m->rank != 2 || m->dims[1] != names.size())
          w.fail(path, "a samples x " + std::to_string(names.size()) + " numeric array", m);
        EegSignal sig;
        sig.sampling_rate = rate;
        sig.channels = kept_names;
        const size_t n = m->dims[0];
        for (size_t c : keep) {
          std::vector<double> ch(n);
          // MATLAB is column-major: column c (one channel) is contiguous.
          for (size_t i = 0; i < n; ++i) ch[i] = element(m, c * n + i);
          sig.data.push_back(std::move(ch));
        }
        return sig;
      };
      trial.stimulus = to_signal(stimuli, sp + ".EEG.stimuli" + idx);
      trial.baseline = to_signal(baseline, sp + ".EEG.baseline" + idx);
      trial.valence = val[t];
      trial.arousal = aro[t];
      trial.dominance = dom[t];
      const std::string row = "(" + std::to_string(t + 1) + ")";
      trial.valence_norm = kDreamerRatingScale.normalise(val[t], file + ": " + sp + ".ScoreValence" + row);
      trial.arousal_norm = kDreamerRatingScale.normalise(aro[t], file + ": " + sp + ".ScoreArousal" + row);
      kDreamerRatingScale.normalise(dom[t], file + ": " + sp + ".ScoreDominance" + row);
      sink(std::move(trial));
    }
  }
  (void)dropped;  // DREAMER has nothing to skip: every trial has its signal and ratings.
}

EegDataset read_dreamer(const DreamerOptions& options) {
  EegDataset d;
  d.format = "dreamer";
  read_dreamer(
      options, [&](EegTrial&& t) { d.trials.push_back(std::move(t)); }, d.dropped);
  return d;
}

}  // namespace ferkit
