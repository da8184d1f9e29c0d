// EDF/BDF reader: fixtures written by write_edf, error paths, and the real BDF against MNE.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "eeg_test_fixtures.h"
#include "ferkit/eeg_band_power.h"
#include "ferkit/eeg_edf.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

using test::TempDir;

EdfWriteSpec fixture_spec(bool bdf) {
  EdfWriteSpec spec;
  spec.bdf = bdf;
  spec.record_duration = 0.5;
  auto add = [&](const std::string& label, int64_t spr, double scale) {
    EdfWriteChannel c;
    c.label = label;
    c.samples_per_record = spr;
    if (!bdf) c.digital_min = -32768, c.digital_max = 32767, c.physical_min = -3276.8, c.physical_max = 3276.7;
    for (int64_t i = 0; i < spr * 8; ++i) c.samples.push_back(scale * std::sin(0.1 * static_cast<double>(i) + scale));
    spec.channels.push_back(c);
  };
  add("EEG Fp1", 64, 50);
  add("EOG left", 64, 200);
  add("Fz", 64, 30);
  add("Status", 64, 1);
  add("Cz", 64, 10);
  spec.annotations = {{0.25, 0, "start"}, {1.75, 0.5, "stim A"}, {3.5, 0, "end"}};
  return spec;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(EdfReader, ReadsHeaderSamplesAndAnnotationsOfBdfAndEdf) {
  for (bool bdf : {true, false}) {
    TempDir dir("edf");
    auto file = dir / (bdf ? "rec.bdf" : "rec.edf");
    EdfWriteSpec spec = fixture_spec(bdf);
    write_edf(file, spec);
    EdfHeader h = read_edf_header(file);
    EXPECT_EQ(h.bdf, bdf);
    EXPECT_EQ(h.records, 8);
    EXPECT_DOUBLE_EQ(h.record_duration, 0.5);
    ASSERT_EQ(h.channels.size(), 6u);  // 5 signals + the annotation channel
    EXPECT_EQ(h.channels[0].label, "EEG Fp1");
    EXPECT_DOUBLE_EQ(h.channels[0].sampling_rate, 128);
    EXPECT_TRUE(h.channels[5].annotation);
    EXPECT_EQ(h.reserved, bdf ? "BDF+C" : "EDF+C");

    EdfRecording r = read_edf(file);
    // EEG by name: Fp1 (EEG prefix dropped), Fz, Cz; EOG and Status skipped, annotations decoded.
    EXPECT_EQ(r.signal.channels, (std::vector<std::string>{"Fp1", "Fz", "Cz"}));
    EXPECT_DOUBLE_EQ(r.signal.sampling_rate, 128);
    EXPECT_EQ(r.skipped.at("non-EEG channel (by name)"), 2);
    EXPECT_EQ(r.skipped.at("annotation channel"), 1);
    EXPECT_EQ(r.skipped_channels,
              (std::vector<std::string>{"EOG left", "Status", bdf ? "BDF Annotations" : "EDF Annotations"}));
    // Samples come back within half a quantisation step of what was written.
    const double step = bdf ? 375000.0 / 16777215.0 : 0.1;
    ASSERT_EQ(r.signal.samples(), 512);
    for (int i = 0; i < 512; ++i) ASSERT_NEAR(r.signal.data[1][i], spec.channels[2].samples[i], step / 2 + 1e-9) << i;
    ASSERT_EQ(r.annotations.size(), 3u);
    EXPECT_DOUBLE_EQ(r.annotations[1].onset, 1.75);
    EXPECT_DOUBLE_EQ(r.annotations[1].duration, 0.5);
    EXPECT_EQ(r.annotations[1].text, "stim A");
    EXPECT_EQ(r.annotations[2].text, "end");
  }
}

TEST(EdfReader, RequestedChannelsInOrderAndDigitalStatus) {
  TempDir dir("edf");
  write_edf(dir / "rec.bdf", fixture_spec(true));
  EdfReadOptions o;
  o.channels = {"cz", "FP1"};
  o.digital_channels = {"Status"};
  EdfRecording r = read_edf(dir / "rec.bdf", o);
  EXPECT_EQ(r.signal.channels, (std::vector<std::string>{"Cz", "Fp1"}));
  EXPECT_EQ(r.skipped.at("EEG channel not requested"), 1);  // Fz
  ASSERT_EQ(r.digital.count("Status"), 1u);
  EXPECT_EQ(r.digital.at("Status").size(), 512u);
}

TEST(EdfReader, MissingRequestedChannelIsAnErrorNamingFileAndChannels) {
  TempDir dir("edf");
  auto file = dir / "rec.bdf";
  write_edf(file, fixture_spec(true));
  EdfReadOptions o;
  o.channels = {"Fz", "O1", "Pz"};
  std::string msg = error_of([&] { read_edf(file, o); });
  EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("O1, Pz"), std::string::npos) << msg;
  EXPECT_NE(msg.find("EEG Fp1"), std::string::npos) << msg;  // lists what the file has
}

TEST(EdfReader, SizeDisagreeingWithHeaderIsAnErrorNamingTheFile) {
  TempDir dir("edf");
  auto file = dir / "rec.bdf";
  write_edf(file, fixture_spec(true));
  const auto size = std::filesystem::file_size(file);
  std::filesystem::resize_file(file, size - 7);  // truncated last record
  std::string msg = error_of([&] { read_edf_header(file); });
  EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("8 records"), std::string::npos) << msg;
  EXPECT_NE(msg.find(std::to_string(size - 7) + " bytes"), std::string::npos) << msg;

  // A record count that promises more than the file holds.
  write_edf(file, fixture_spec(true));
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(236);
    f.write("9       ", 8);
  }
  msg = error_of([&] { read_edf(file); });
  EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("9 records"), std::string::npos) << msg;
}

TEST(EdfReader, UnknownRecordCountComesFromTheSizeAndGapsAreErrors) {
  TempDir dir("edf");
  auto file = dir / "rec.bdf";
  write_edf(file, fixture_spec(true));
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(236);
    f.write("-1      ", 8);  // "unknown", as a recorder writes it before closing the file
  }
  EXPECT_EQ(read_edf_header(file).records, 8);

  // Move record 3's timekeeping TAL from +1 s to +2 s: a gap the reader must not join silently.
  write_edf(file, fixture_spec(true));
  std::string bytes = test::read_text(file);
  const std::string tal = std::string("+1\x14\x14") + '\0';
  size_t at = bytes.find(tal);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 1] = '2';
  test::write_text(file, bytes);
  std::string msg = error_of([&] { read_edf(file); });
  EXPECT_NE(msg.find("record 3 'BDF Annotations'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("discontinuous"), std::string::npos) << msg;
}

TEST(EdfReader, BadVersionAndHeaderSizeAreErrors) {
  TempDir dir("edf");
  auto file = dir / "rec.bdf";
  test::write_text(file, std::string(300, 'x'));
  EXPECT_NE(error_of([&] { read_edf_header(file); }).find("version"), std::string::npos);
  EXPECT_NE(error_of([&] { read_edf_header(dir / "absent.bdf"); }).find("absent.bdf"), std::string::npos);
}

// The real BioSemi file against mne.io.read_raw_bdf: header, samples, annotations, Welch band
// power per EEG channel and the alpha peak.
TEST(EdfReader, RealBdfMatchesMne) {
  auto file = test::real_bdf();
  if (file.empty()) GTEST_SKIP() << "../shared/data/eeg/real-bdf is absent; real-data test skipped";
  FERKIT_REQUIRE_PYTHON("mne");
  EdfRecording r = read_edf(file);
  TempDir dir("realbdf");
  test::write_signal_npz(dir / "mine.npz", r.signal);
  std::string names = "[";
  for (const auto& c : r.signal.channels) names += "'" + c + "',";
  names += "]";
  auto ref = test::python_json(
      "import json, numpy as np, mne\n"
      "raw = mne.io.read_raw_bdf('" +
      file.string() +
      "', preload=True, verbose=False)\n"
      "picks = " +
      names +
      "\n"
      "x = raw.get_data(picks=picks)\n"
      "mine = np.load('" +
      (dir / "mine.npz").string() +
      "')['x'] * 1e-6\n"
      "p, f = mne.time_frequency.psd_array_welch(x, raw.info['sfreq'], n_fft=250, n_overlap=125, n_per_seg=250,"
      " window='hann', average='mean', verbose=False)\n"
      "band = (f >= 7) & (f < 14)\n"
      "print(json.dumps({'n_channels': len(raw.ch_names), 'sfreq': raw.info['sfreq'],"
      " 'seconds': raw.n_times / raw.info['sfreq'], 'ch_names': raw.ch_names,"
      " 'max_abs_diff_v': float(np.max(np.abs(x - mine))), 'max_abs_v': float(np.max(np.abs(x))),"
      " 'psd': p.tolist(), 'freqs': f.tolist(),"
      " 'alpha_peak': float(f[band][np.argmax(p.mean(axis=0)[band])]),"
      " 'onsets': [float(a['onset']) for a in raw.annotations],"
      " 'texts': [a['description'] for a in raw.annotations]}))\n");

  const EdfHeader& h = r.header;
  int signals = 0;
  for (const auto& c : h.channels) signals += c.annotation ? 0 : 1;
  EXPECT_EQ(signals, ref["n_channels"].get<int>());
  EXPECT_DOUBLE_EQ(h.channels[0].sampling_rate, ref["sfreq"].get<double>());
  EXPECT_DOUBLE_EQ(h.duration_seconds(), ref["seconds"].get<double>());
  EXPECT_EQ(r.skipped.at("non-EEG channel (by name)"), 7);  // EMG EOG Trigger ECG acc1-3
  EXPECT_EQ(r.signal.channels.size(), 12u);
  // Samples (mne in volts): equal up to float rounding of the calibration.
  EXPECT_LT(ref["max_abs_diff_v"].get<double>(), 1e-9 * ref["max_abs_v"].get<double>());

  // Annotations: MNE lists the same texts at the same onsets.
  auto texts = ref["texts"].get<std::vector<std::string>>();
  auto onsets = ref["onsets"].get<std::vector<double>>();
  ASSERT_EQ(r.annotations.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(r.annotations[i].text, texts[i]);
    EXPECT_NEAR(r.annotations[i].onset, onsets[i], 1e-9);
  }

  // Band power per channel (in uV^2 here, V^2 in MNE) and the alpha peak.
  WelchOptions w;
  w.window_seconds = 2.0;  // 250 samples at 125 Hz
  Psd psd = welch_psd(r.signal, w);
  auto freqs = ref["freqs"].get<std::vector<double>>();
  ASSERT_EQ(psd.freqs.size(), freqs.size());
  std::vector<double> mean(psd.freqs.size(), 0.0);
  for (size_t c = 0; c < r.signal.channels.size(); ++c) {
    auto theirs = ref["psd"][c].get<std::vector<double>>();
    for (auto& v : theirs) v *= 1e12;
    for (const auto& b : default_bands()) {
      double mine = band_power(psd.density[c], psd.freqs, b), other = band_power(theirs, freqs, b);
      EXPECT_NEAR(mine, other, 1e-6 * other) << r.signal.channels[c] << " " << b.name;
    }
    for (size_t k = 0; k < mean.size(); ++k) mean[k] += psd.density[c][k];
  }
  double peak = 0, best = -1;
  for (size_t k = 0; k < mean.size(); ++k)
    if (psd.freqs[k] >= 7 && psd.freqs[k] < 14 && mean[k] > best) best = mean[k], peak = psd.freqs[k];
  EXPECT_DOUBLE_EQ(peak, ref["alpha_peak"].get<double>());
  EXPECT_GT(peak, 8.0);
  EXPECT_LT(peak, 12.0);
}

}  // namespace
}  // namespace ferkit
