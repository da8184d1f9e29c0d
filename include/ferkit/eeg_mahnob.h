// MAHNOB-HCI (Soleymani et al., 2012) emotion-elicitation sessions: ratings from session.xml,
// EEG from the session's BDF, cut to the stimulus by the Status channel's triggers.
//
//   ferkit::MahnobOptions o;
//   o.path = "/data/mahnob";               // holds Sessions/<n>/session.xml + <name>.bdf
//   o.sampling_rate = 128;                 // common rate (the release records at 256 Hz)
//   ferkit::EegDataset d = ferkit::read_mahnob(o);
//   d.trials[0].valence;                   // feltVlnc, 1..9
//   d.dropped;                             // {"session without feltVlnc/feltArsl (not an emotion trial)": 3}
//
// Layout: <path>/Sessions/<n>/session.xml, whose root element <session ...> carries the attributes
// feltVlnc, feltArsl (1..9) and feltEmo, and a child <subject id="..."/>; next to it one .bdf with
// 32 EEG channels named in 10-20 terms (Fp1 AF3 F3 F7 FC5 FC1 C3 T7 CP5 CP1 P3 P7 PO3 O1 Oz Pz Fp2
// AF4 Fz F4 F8 FC6 FC2 Cz C4 T8 CP6 CP2 P4 P8 PO4 O2), 8 EXG, GSR1-2, Erg1-2, Resp, Temp and Status.
// The path may also be the Sessions folder itself, or one session folder.
//
// Stimulus rule: the trigger code is the low 16 bits of the Status channel's digital value (BioSemi
// keeps its system flags in the high 8 bits). An onset is a sample whose code is non-zero and differs
// from the previous sample's (the first sample counts when non-zero). The stimulus runs from the first
// onset to the second onset (exclusive): the release marks the start and the end of the clip; the
// samples before the first onset (the release's 30-s pre-stimulus period) are the baseline. A session
// with fewer than two onsets is an Error naming its BDF and the onsets found.
//
// Sessions without felt ratings (the implicit-tagging experiment) and session folders without a BDF
// are skipped and counted; a rating outside 1..9 is an Error naming session.xml.
// session.xml is parsed by hand (one root element's attributes and one child's): expat and libxml2
// are installed on the build machine but are not ferkit dependencies, and the file is a single tag.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ferkit/eeg_signal.h"

namespace ferkit {

// The 32 EEG channels of a MAHNOB-HCI BDF, in file order.
const std::vector<std::string>& mahnob_channels();

struct MahnobOptions {
  std::string path;                   // dataset root, its Sessions folder, or one session folder
  std::vector<std::string> channels;  // EEG channels to keep (empty: the 32 of mahnob_channels())
  double sampling_rate = 128;         // common rate in Hz (0: keep the file's rate)
  template <class V>
  void visit(V& v) {
    v("path", path, "dataset root, Sessions folder or one session folder");
    v("channels", channels, "EEG channels to keep (empty: all 32)");
    v("sampling_rate", sampling_rate, "resample to this rate in Hz (0: native)");
  }
};

// Attributes of session.xml's root element, and the subject id.
struct MahnobSession {
  std::map<std::string, std::string> attributes;  // feltVlnc, feltArsl, feltEmo, mediaFile, ...
  std::string subject_id;                         // <subject id="..."/>, "" when absent
};
MahnobSession read_mahnob_session_xml(const std::filesystem::path& file);

// Trigger onsets of a Status channel (digital values), by the rule above: sample indices.
std::vector<int64_t> status_onsets(const std::vector<int32_t>& status);

void read_mahnob(const MahnobOptions& options, const EegTrialSink& sink, std::map<std::string, int64_t>& dropped);
EegDataset read_mahnob(const MahnobOptions& options);

}  // namespace ferkit
