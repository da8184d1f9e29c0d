// ferplus-original: FER2013's fer2013.csv (pixels, Usage) joined row by row with FERPlus's
// fer2013new.csv (Usage, Image name, 10 vote counts). The two files must have the same number of
// rows and the same Usage on every row; a row whose Image name is empty was removed by FERPlus and
// is dropped and counted. Targets follow the FERPlus label rule (ReadOptions::label_mode).
#include "ferkit/csv.h"
#include "ferkit/data/csv_columns.h"
#include "ferkit/data/fer2013_csv.h"
#include "ferkit/error.h"
#include "ferkit/readers.h"

namespace ferkit {
namespace {

const char* const kVoteColumns[10] = {"neutral", "happiness", "surprise", "sadness", "anger",
                                      "disgust", "fear",      "contempt", "unknown", "NF"};

std::filesystem::path require_file(const std::filesystem::path& f) {
  if (!std::filesystem::is_regular_file(f))
    throw Error(f.string(), "the file of the ferplus-original layout (fer2013.csv + fer2013new.csv)",
                std::filesystem::exists(f) ? "not a regular file" : "no such file");
  return f;
}

}  // namespace

Dataset read_ferplus_original(const ReadOptions& o) {
  if (!std::filesystem::is_directory(o.path))
    throw Error(o.path.string(), "a directory holding fer2013.csv and fer2013new.csv",
                std::filesystem::exists(o.path) ? "not a directory" : "no such directory");
  const FerplusLabelMode mode = parse_ferplus_label_mode(o.label_mode);
  const Split wanted = parse_split(o.split);
  Fer2013Csv pixels(require_file(o.path / "fer2013.csv"));
  if (!pixels.has_usage()) throw Error("fer2013.csv:1", "a Usage column", "none");
  CsvReader votes_csv(require_file(o.path / "fer2013new.csv"));
  CsvColumns columns(votes_csv);
  const size_t usage_col = columns.require({"Usage"}, "the Usage column");
  const size_t name_col = columns.require({"Image name"}, "the Image name column");
  size_t vote_col[10];
  for (int i = 0; i < 10; ++i) vote_col[i] = columns.require({kVoteColumns[i]}, std::string("the vote column ") + kVoteColumns[i]);

  Dataset d;
  d.format = "ferplus-original";
  d.root = o.path;
  d.memory.height = d.memory.width = Fer2013Csv::kSide;
  d.memory.channels = 1;
  const std::string removed = "ferplus-original: image removed by FERPlus (empty Image name)";
  Fer2013Csv::Row px;
  std::vector<std::string> f;
  int64_t rows = 0;
  while (true) {
    const bool more_pixels = pixels.next(px);
    const bool more_votes = votes_csv.next(f);
    if (!more_pixels && !more_votes) break;
    const std::string vwhere = "fer2013new.csv:" + std::to_string(votes_csv.line());
    if (more_pixels != more_votes)
      throw Error(more_pixels ? "fer2013new.csv after data row " + std::to_string(rows) : vwhere,
                  "the same number of rows in fer2013.csv and fer2013new.csv (joined by row order)",
                  more_pixels ? "end of file while " + px.where + " still has a row"
                              : "a row beyond the end of fer2013.csv (" + std::to_string(rows) + " data rows)");
    ++rows;
    columns.check_width(f, vwhere);
    if (f[usage_col] != px.usage)
      throw Error(vwhere, "Usage '" + px.usage + "' as on " + px.where + " (rows are joined by order)",
                  "'" + f[usage_col] + "'");
    const Split split = Fer2013Csv::usage_split(px);
    if (wanted != Split::kUnspecified && split != wanted) continue;
    if (f[name_col].empty()) {
      ++d.dropped[removed];
      continue;
    }
    std::array<float, 10> votes{};
    for (int i = 0; i < 10; ++i) {
      double v = parse_double(f[vote_col[i]], vwhere, std::string("vote count ") + kVoteColumns[i]);
      if (v < 0) throw Error(vwhere, "vote counts >= 0", f[vote_col[i]] + " for " + kVoteColumns[i]);
      votes[i] = static_cast<float>(v);
    }
    Sample s;
    if (!ferplus_votes_to_target(votes, mode, s.target)) {
      ++d.dropped[std::string("ferplus-original ") + split_name(split) + ": unknown or not-a-face under the " +
                  ferplus_label_mode_name(mode) + " rule"];
      continue;
    }
    s.label = argmax(s.target);
    s.split = split;
    s.source = "ferplus";
    s.provenance = vwhere;
    s.votes.assign(votes.begin(), votes.end());
    s.image.path = "fer2013.csv#" + std::to_string(px.index);
    s.image.memory_index = d.memory.count();
    d.memory.pixels.resize(d.memory.pixels.size() + Fer2013Csv::kPixels);
    Fer2013Csv::read_pixels(px, d.memory.pixels.data() + d.memory.pixels.size() - Fer2013Csv::kPixels);
    d.samples.push_back(std::move(s));
  }
  if (rows == 0) throw Error((o.path / "fer2013new.csv").string(), "at least one data row after the header", "none");
  return d;
}

}  // namespace ferkit
