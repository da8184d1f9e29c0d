// `ferkit prototypes inspect`: how much of the valence x arousal plane the EEG covers, and what
// stands in for the cells it does not.
#include <cmath>
#include <cstdio>
#include <limits>

#include "ferkit/error.h"
#include "ferkit/plot.h"
#include "ferkit/prototype_bank.h"
#include "ferkit/run_dir.h"

namespace ferkit {
namespace {

std::string fmt(double x, const char* f = "%.2f") {
  char b[32];
  std::snprintf(b, sizeof b, f, x);
  return b;
}

}  // namespace

std::vector<std::string> inspect_prototype_bank(const PrototypeBank& b, const std::filesystem::path& dir) {
  FERKIT_CHECK(b.grid >= 1 && static_cast<int64_t>(b.counts.size()) == b.bins(),
               "prototypes inspect: the bank's counts do not fit its grid");
  std::filesystem::create_directories(dir);
  const int g = b.grid;
  auto count = [&](int row, int col) { return b.counts[static_cast<size_t>(row * g + col)]; };
  int64_t total = 0;
  for (int64_t c : b.counts) total += c;

  // Coverage heatmap: arousal up, valence to the right (the usual circumplex orientation).
  plot::Heatmap h;
  h.title = "Prototype bank coverage: samples per bin";
  for (int a = g - 1; a >= 0; --a) {
    std::vector<double> row;
    for (int v = 0; v < g; ++v) row.push_back(static_cast<double>(count(v, a)));
    h.values.push_back(row);
    h.row_labels.push_back(fmt(b.centres[static_cast<size_t>(a)], "%+.1f"));
  }
  for (int v = 0; v < g; ++v) h.col_labels.push_back(fmt(b.centres[static_cast<size_t>(v)], "%+.1f"));
  h.row_axis = "arousal centre";
  h.col_axis = "valence centre";
  h.colour_bar_label = "samples";
  h.vmin = 0;
  plot::write_heatmap(dir / "coverage.png", h);

  // Centres: filled bins, empty bins, and a dashed link from each empty bin to its fallback.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  plot::LineSeries filled{"bins with samples", {}, {}, true, false}, empty{"empty bins", {}, {}, true, false},
      links{"fallback (empty -> source)", {}, {}, false, true};
  for (int v = 0; v < g; ++v)
    for (int a = 0; a < g; ++a) {
      plot::LineSeries& s = count(v, a) > 0 ? filled : empty;
      s.x.insert(s.x.end(), {b.centres[static_cast<size_t>(v)], nan});
      s.y.insert(s.y.end(), {b.centres[static_cast<size_t>(a)], nan});
    }
  for (const auto& f : b.fallbacks) {
    if (f.global) continue;
    links.x.insert(links.x.end(), {b.centres[static_cast<size_t>(f.row)], b.centres[static_cast<size_t>(f.from_row)], nan});
    links.y.insert(links.y.end(), {b.centres[static_cast<size_t>(f.col)], b.centres[static_cast<size_t>(f.from_col)], nan});
  }
  plot::LineChart c;
  c.title = "Prototype centres (" + std::to_string(g) + "x" + std::to_string(g) + ")";
  c.x = {"valence", -1.0, 1.0};
  c.y = {"arousal", -1.0, 1.0};
  c.width = 640;
  c.height = 600;
  for (auto* s : {&filled, &empty, &links})
    if (!s->x.empty()) c.series.push_back(*s);
  plot::write_line_chart(dir / "centres.png", c);

  std::vector<std::string> lines;
  const std::string kind = b.provenance.value("kind", "eeg");
  lines.push_back("bank: " + std::to_string(g) + "x" + std::to_string(g) + " grid, " + std::to_string(b.dim) + "-D, " +
                  std::to_string(total) + " samples, kind " + kind);
  lines.push_back("samples per bin (rows: arousal from high to low; columns: valence from low to high):");
  std::string head = "           ";
  for (int v = 0; v < g; ++v) head += "  v" + fmt(b.centres[static_cast<size_t>(v)], "%+.1f");
  lines.push_back(head);
  for (int a = g - 1; a >= 0; --a) {
    std::string row = "  a" + fmt(b.centres[static_cast<size_t>(a)], "%+.1f") + "    ";
    for (int v = 0; v < g; ++v) {
      char cell[16];
      std::snprintf(cell, sizeof cell, "%7lld", static_cast<long long>(count(v, a)));
      row += cell;
    }
    lines.push_back(row);
  }
  lines.push_back("empty bins: " + std::to_string(b.fallbacks.size()) + " of " + std::to_string(b.bins()));
  nlohmann::json empties = nlohmann::json::array();
  for (const auto& f : b.fallbacks) {
    const std::string cell = "(valence " + fmt(b.centres[static_cast<size_t>(f.row)], "%+.1f") + ", arousal " +
                             fmt(b.centres[static_cast<size_t>(f.col)], "%+.1f") + ")";
    std::string to;
    if (f.global)
      to = "the global mean";
    else
      to = "bin (valence " + fmt(b.centres[static_cast<size_t>(f.from_row)], "%+.1f") + ", arousal " +
           fmt(b.centres[static_cast<size_t>(f.from_col)], "%+.1f") + "), " + fmt(f.distance) + " cells away";
    lines.push_back("  " + cell + " <- " + to);
    empties.push_back({{"bin", {f.row, f.col}}, {"cell", cell}, {"fallback", to}});
  }
  std::vector<std::vector<int64_t>> counts(static_cast<size_t>(g));
  for (int r = 0; r < g; ++r) counts[static_cast<size_t>(r)].assign(b.counts.begin() + r * g, b.counts.begin() + (r + 1) * g);
  write_json_file(dir / "inspect.json", {{"grid", g},
                                         {"centres", b.centres},
                                         {"counts", counts},
                                         {"counts_layout", "row = valence index, column = arousal index"},
                                         {"samples", total},
                                         {"empty_bins", empties},
                                         {"covered_fraction", 1.0 - static_cast<double>(b.fallbacks.size()) / b.bins()},
                                         {"prior", b.prior},
                                         {"kind", kind}});
  lines.push_back("wrote " + (dir / "coverage.png").string() + ", " + (dir / "centres.png").string() + ", " +
                  (dir / "inspect.json").string());
  return lines;
}

}  // namespace ferkit
