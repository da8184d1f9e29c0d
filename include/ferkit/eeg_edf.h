// EDF / EDF+ and BDF / BDF+ files: header, samples in physical units, annotations.
//
//   ferkit::EdfHeader h = ferkit::read_edf_header("rec.bdf");   // 19 signals, 125 Hz, 247 records
//   ferkit::EdfReadOptions o;
//   o.channels = {"F3", "Fz", "F4"};                            // empty: every EEG channel
//   ferkit::EdfRecording r = ferkit::read_edf("rec.bdf", o);
//   r.signal.data[1][0];                 // Fz, first sample, in the header's unit (uV)
//   r.skipped;                           // {"annotation channel": 15, "non-EEG channel (by name)": 7}
//   r.annotations[0].text;               // EDF+/BDF+ annotations (TALs), onsets in seconds
//
// Contract:
// - EDF stores 16-bit and BDF 24-bit little-endian two's-complement samples; both are scaled to
//   physical units as phys = (digital - dmin) * (pmax - pmin) / (dmax - dmin) + pmin (the header's
//   own calibration, as MNE does).
// - The file size must equal header bytes + records x record bytes. A file whose size disagrees is
//   an Error naming the file, both sizes and the declared record count (records = -1, "unknown", is
//   taken from the file size when it divides evenly).
// - Records are joined into one continuous signal; when a record's timekeeping annotation says it
//   does not follow the previous one (an EDF+D/BDF+D gap), that is an Error naming the record.
// - Annotation channels ("EDF Annotations", "BDF Annotations") are decoded into annotations, never
//   returned as signals; non-EEG channels (is_non_eeg_label) are skipped by name unless requested.
//   Every skipped channel is counted under its reason and listed in skipped_channels.
// - A requested channel that is absent is an Error naming the file, the missing channels and the
//   channels the file has.
// - Selected channels must share one sampling rate unless sampling_rate > 0 asks for resampling
//   (polyphase, see eeg_resample.h).
//
// Hand-written rather than through libbiosig: biosig's sopen() adjusts a record count that
// disagrees with the file size with a warning on stderr (ferkit must fail naming the file), folds
// annotation channels into its own event table, and keeps global state; the EDF header is 256 fixed
// ASCII bytes plus 256 per signal, which a parser reads in ~100 lines with exact error messages.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ferkit/eeg_signal.h"

namespace ferkit {

struct EdfChannel {
  std::string label;  // trimmed header label ("Fp1", "EEG Fz", "Status")
  std::string transducer;
  std::string physical_dimension;  // "uV", "mV", ...
  std::string prefilter;
  double physical_min = 0, physical_max = 0;
  int64_t digital_min = 0, digital_max = 0;
  int64_t samples_per_record = 0;
  double sampling_rate = 0;  // samples_per_record / record_duration
  bool annotation = false;   // an "EDF Annotations" / "BDF Annotations" channel
};

struct EdfHeader {
  std::filesystem::path file;
  bool bdf = false;  // 24-bit BDF (version byte 0xFF "BIOSEMI") or 16-bit EDF
  std::string patient, recording, start_date, start_time;
  std::string reserved;  // "EDF+C", "BDF+D", "24BIT", ...
  int64_t header_bytes = 0;
  int64_t records = 0;         // data records
  double record_duration = 0;  // seconds per record
  std::vector<EdfChannel> channels;

  int64_t bytes_per_sample() const { return bdf ? 3 : 2; }
  int64_t record_bytes() const;  // sum over channels of samples_per_record * bytes_per_sample
  double duration_seconds() const { return records * record_duration; }
};

struct EdfAnnotation {
  double onset = 0;     // seconds from the start of the recording
  double duration = 0;  // seconds (0 when absent)
  std::string text;
};

struct EdfReadOptions {
  // EEG channels to return, by name (case-insensitive, "EEG " prefix ignored), in this order.
  // Empty: every channel that is neither an annotation channel nor non-EEG by name.
  std::vector<std::string> channels;
  // Further channels returned as raw digital values in EdfRecording::digital (e.g. "Status").
  std::vector<std::string> digital_channels;
  // 0: keep the native rate (selected channels must share it); > 0: resample every selected
  // channel to this rate (polyphase, scipy.signal.resample_poly's filter).
  double sampling_rate = 0;

  template <class V>
  void visit(V& v) {
    v("channels", channels, "EEG channels to read by name (empty: all EEG channels)");
    v("digital_channels", digital_channels, "channels returned as raw digital values (e.g. Status)");
    v("sampling_rate", sampling_rate, "resample to this rate in Hz (0: native rate)");
  }
};

struct EdfRecording {
  EdfHeader header;
  EegSignal signal;                                     // the selected EEG channels
  std::map<std::string, std::vector<int32_t>> digital;  // digital_channels, raw values
  std::vector<EdfAnnotation> annotations;               // from annotation channels (not timekeeping TALs)
  std::map<std::string, int64_t> skipped;               // reason -> number of channels
  std::vector<std::string> skipped_channels;            // their labels, in file order
};

EdfHeader read_edf_header(const std::filesystem::path& file);
EdfRecording read_edf(const std::filesystem::path& file, const EdfReadOptions& options = {});

// Writing (fixtures, synthetic recordings). Samples are given in physical units and quantised with
// the channel's calibration; values outside [physical_min, physical_max] are an Error naming the
// channel. An annotation channel is added when annotations are given.
struct EdfWriteChannel {
  std::string label;
  std::string physical_dimension = "uV";
  double physical_min = -187500, physical_max = 187500;   // BioSemi's range
  int64_t digital_min = -8388608, digital_max = 8388607;  // 24-bit
  int64_t samples_per_record = 0;
  std::vector<double> samples;  // records * samples_per_record values
};
struct EdfWriteSpec {
  bool bdf = true;
  double record_duration = 1.0;
  std::string patient = "X", recording = "ferkit";
  std::vector<EdfWriteChannel> channels;
  std::vector<EdfAnnotation> annotations;  // written as TALs into one annotation channel
  int64_t annotation_samples_per_record = 60;
};
void write_edf(const std::filesystem::path& file, const EdfWriteSpec& spec);

}  // namespace ferkit
