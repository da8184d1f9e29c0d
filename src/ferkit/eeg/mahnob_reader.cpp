// MAHNOB-HCI reader: session.xml ratings + the session's BDF cut to the stimulus by Status triggers.
//
// session.xml is parsed by hand (root element attributes and the <subject id> child): a packaged
// XML parser (expat, libxml2) is installed on the build machine but is not a ferkit dependency, and
// the file is a handful of tags.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "ferkit/csv.h"
#include "ferkit/eeg_edf.h"
#include "ferkit/eeg_mahnob.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

std::string decode_entities(const std::string& s, const std::string& where) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string::npos) throw Error(where, "an XML entity ending in ';'", s.substr(i, 10));
    std::string e = s.substr(i + 1, semi - i - 1);
    if (e == "amp")
      out.push_back('&');
    else if (e == "lt")
      out.push_back('<');
    else if (e == "gt")
      out.push_back('>');
    else if (e == "quot")
      out.push_back('"');
    else if (e == "apos")
      out.push_back('\'');
    else if (!e.empty() && e[0] == '#') {
      long code = e.size() > 1 && (e[1] == 'x' || e[1] == 'X') ? std::strtol(e.c_str() + 2, nullptr, 16)
                                                               : std::strtol(e.c_str() + 1, nullptr, 10);
      out.push_back(code > 0 && code < 128 ? static_cast<char>(code) : '?');
    } else {
      throw Error(where, "a known XML entity (&amp; &lt; &gt; &quot; &apos; &#N;)", "&" + e + ";");
    }
    i = semi;
  }
  return out;
}

// The start tag beginning at text[lt] ('<'): its name and attributes; `end` receives the index after '>'.
std::string parse_tag(const std::string& text, size_t lt, std::map<std::string, std::string>& attributes, size_t& end,
                      const std::string& where) {
  size_t i = lt + 1;
  auto space = [&](size_t k) { return k < text.size() && std::isspace(static_cast<unsigned char>(text[k])); };
  size_t name_begin = i;
  while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != '>' && text[i] != '/') ++i;
  std::string name = text.substr(name_begin, i - name_begin);
  while (true) {
    while (space(i)) ++i;
    if (i >= text.size()) throw Error(where, "'>' closing <" + name, "end of file");
    if (text[i] == '>' || (text[i] == '/' && i + 1 < text.size() && text[i + 1] == '>')) {
      end = text.find('>', i) + 1;
      return name;
    }
    size_t key_begin = i;
    while (i < text.size() && text[i] != '=' && !space(i) && text[i] != '>') ++i;
    std::string key = text.substr(key_begin, i - key_begin);
    while (space(i)) ++i;
    if (i >= text.size() || text[i] != '=') throw Error(where, "attribute " + key + "=\"value\" in <" + name, "no '='");
    ++i;
    while (space(i)) ++i;
    if (i >= text.size() || (text[i] != '"' && text[i] != '\''))
      throw Error(where, "a quoted value for attribute " + key, "no quote");
    char quote = text[i++];
    size_t close = text.find(quote, i);
    if (close == std::string::npos) throw Error(where, "a closing quote for attribute " + key, "end of file");
    attributes[key] = decode_entities(text.substr(i, close - i), where);
    i = close + 1;
  }
}

int64_t session_number(const std::filesystem::path& dir, int64_t fallback) {
  const std::string n = dir.filename().string();
  if (!n.empty() && std::all_of(n.begin(), n.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::stoll(n);
  return fallback;
}

}  // namespace

const std::vector<std::string>& mahnob_channels() {
  static const std::vector<std::string> c = {"Fp1", "AF3", "F3", "F7", "FC5", "FC1", "C3",  "T7", "CP5", "CP1", "P3",
                                             "P7",  "PO3", "O1", "Oz", "Pz",  "Fp2", "AF4", "Fz", "F4",  "F8",  "FC6",
                                             "FC2", "Cz",  "C4", "T8", "CP6", "CP2", "P4",  "P8", "PO4", "O2"};
  return c;
}

MahnobSession read_mahnob_session_xml(const std::filesystem::path& file) {
  const std::string f = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(f, "a readable session.xml", "cannot open it");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  MahnobSession s;
  // Skip the declaration, comments and processing instructions up to the root element.
  size_t pos = 0;
  bool root_seen = false;
  while ((pos = text.find('<', pos)) != std::string::npos) {
    if (text.compare(pos, 4, "<!--") == 0) {
      size_t e = text.find("-->", pos);
      if (e == std::string::npos) throw Error(f, "a comment closed by -->", "end of file");
      pos = e + 3;
      continue;
    }
    if (text.compare(pos, 2, "<?") == 0 || text.compare(pos, 2, "<!") == 0 || text.compare(pos, 2, "</") == 0) {
      pos = text.find('>', pos);
      if (pos == std::string::npos) break;
      continue;
    }
    std::map<std::string, std::string> attributes;
    size_t end = 0;
    std::string name = parse_tag(text, pos, attributes, end, f);
    if (!root_seen) {
      if (name != "session") throw Error(f, "a root element <session ...>", "<" + name + ">");
      s.attributes = attributes;
      root_seen = true;
    } else if (name == "subject" && s.subject_id.empty()) {
      s.subject_id = attributes.count("id") ? attributes["id"] : "";
    }
    pos = end;
  }
  if (!root_seen) throw Error(f, "a root element <session ...>", "no element");
  return s;
}

std::vector<int64_t> status_onsets(const std::vector<int32_t>& status) {
  std::vector<int64_t> onsets;
  int32_t previous = 0;
  for (size_t i = 0; i < status.size(); ++i) {
    int32_t code = status[i] & 0xFFFF;  // trigger inputs; the high byte holds BioSemi system flags
    if (code != 0 && code != previous) onsets.push_back(static_cast<int64_t>(i));
    previous = code;
  }
  return onsets;
}

void read_mahnob(const MahnobOptions& o, const EegTrialSink& sink, std::map<std::string, int64_t>& dropped) {
  namespace fs = std::filesystem;
  const fs::path root(o.path);
  if (!fs::is_directory(root))
    throw Error(o.path, "a MAHNOB-HCI folder (holding Sessions/<n>/session.xml)", "no such folder");
  std::vector<fs::path> sessions;
  if (fs::exists(root / "session.xml")) {
    sessions.push_back(root);
  } else {
    fs::path dir = fs::is_directory(root / "Sessions") ? root / "Sessions" : root;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_directory()) sessions.push_back(e.path());
    // Numeric session names in numeric order, others after them by name.
    std::sort(sessions.begin(), sessions.end(), [](const fs::path& a, const fs::path& b) {
      int64_t na = session_number(a, -1), nb = session_number(b, -1);
      if ((na < 0) != (nb < 0)) return na >= 0;
      return na != nb ? na < nb : a.filename() < b.filename();
    });
    if (sessions.empty()) throw Error(dir.string(), "session folders (Sessions/<n>/session.xml)", "none");
  }
  const std::vector<std::string>& channels = o.channels.empty() ? mahnob_channels() : o.channels;

  int64_t index = 0;
  for (const auto& dir : sessions) {
    ++index;
    const fs::path xml = dir / "session.xml";
    if (!fs::exists(xml)) {
      dropped["session folders without session.xml"] += 1;
      continue;
    }
    MahnobSession session = read_mahnob_session_xml(xml);
    if (!session.attributes.count("feltVlnc") || !session.attributes.count("feltArsl")) {
      dropped["sessions without feltVlnc/feltArsl (not an emotion-elicitation trial)"] += 1;
      continue;
    }
    std::vector<fs::path> bdfs;
    for (const auto& e : fs::directory_iterator(dir)) {
      std::string ext = e.path().extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
      if (e.is_regular_file() && ext == ".bdf") bdfs.push_back(e.path());
    }
    if (bdfs.empty()) {
      dropped["sessions without a .bdf file"] += 1;
      continue;
    }
    if (bdfs.size() > 1) throw Error(dir.string(), "one .bdf file per session", std::to_string(bdfs.size()));
    if (session.subject_id.empty()) throw Error(xml.string(), "a <subject id=\"...\"/> element", "none");

    EegTrial trial;
    trial.subject = parse_int(session.subject_id, xml.string(), "subject id");
    trial.trial = session_number(dir, index);
    trial.provenance = bdfs[0].string();
    trial.valence = parse_double(session.attributes["feltVlnc"], xml.string(), "feltVlnc");
    trial.arousal = parse_double(session.attributes["feltArsl"], xml.string(), "feltArsl");
    trial.valence_norm = kNinePointRatingScale.normalise(trial.valence, xml.string() + ": feltVlnc");
    trial.arousal_norm = kNinePointRatingScale.normalise(trial.arousal, xml.string() + ": feltArsl");

    EdfReadOptions eo;
    eo.channels = channels;
    eo.digital_channels = {"Status"};
    eo.sampling_rate = o.sampling_rate;
    EdfRecording rec = read_edf(bdfs[0], eo);
    const auto& status = rec.digital.begin()->second;
    std::vector<int64_t> onsets = status_onsets(status);
    if (onsets.size() < 2) {
      std::ostringstream found;
      found << onsets.size() << " onset(s)";
      for (auto on : onsets) found << " at sample " << on;
      throw Error(bdfs[0].string() + ": Status", "two trigger onsets (stimulus start and end)", found.str());
    }
    double status_rate = 0;
    for (const auto& c : rec.header.channels)
      if (c.label == rec.digital.begin()->first) status_rate = c.sampling_rate;
    const double ratio = rec.signal.sampling_rate / status_rate;
    const int64_t start = std::llround(onsets[0] * ratio), stop = std::llround(onsets[1] * ratio);
    trial.stimulus = rec.signal.slice(start, stop);
    trial.baseline = rec.signal.slice(0, start);
    if (onsets.size() > 2)
      dropped["trigger onsets after the stimulus end (ignored)"] += static_cast<int64_t>(onsets.size() - 2);
    sink(std::move(trial));
  }
}

EegDataset read_mahnob(const MahnobOptions& options) {
  EegDataset d;
  d.format = "mahnob";
  read_mahnob(
      options, [&](EegTrial&& t) { d.trials.push_back(std::move(t)); }, d.dropped);
  return d;
}

}  // namespace ferkit
