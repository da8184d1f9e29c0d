// `ferkit eeg topomaps`: band powers of the input -> topomaps -> NPZ, PNG and a JSON side file.
#include <fstream>
#include <nlohmann/json.hpp>

#include "ferkit/console.h"
#include "ferkit/eeg_topomap_job.h"
#include "ferkit/error.h"
#include "ferkit/options.h"

namespace ferkit {

TopomapJobResult run_topomap_job(const TopomapJobOptions& o) {
  if (o.out.empty()) throw Error("--out", "an output folder", "none");
  TopomapJobResult r;
  r.band_powers = read_eeg_band_powers(o);
  for (const auto& note : r.band_powers.notes) info(note);
  r.topomaps = build_topomaps(r.band_powers, o.topomap);

  const std::filesystem::path out(o.out);
  std::filesystem::create_directories(out);
  write_topomaps_npz(r.topomaps, out / "topomaps.npz");
  r.files.push_back(out / "topomaps.npz");
  if (o.png_rows > 0) {
    write_topomap_png(r.topomaps, out / "topomaps.png", o.png_rows);
    r.files.push_back(out / "topomaps.png");
  }

  nlohmann::json j;
  j["format"] = o.format;
  j["data"] = o.data;
  j["channels"] = r.band_powers.channels;
  j["bands"] = r.band_powers.bands;
  if (o.format != "bandpower") {
    nlohmann::json edges = nlohmann::json::array();
    for (const auto& b : (o.bands.empty() ? o.band_power.bands : parse_bands(o.bands)))
      edges.push_back({{"name", b.name}, {"low_hz", b.low}, {"high_hz", b.high}});
    j["band_edges"] = edges;
  }
  j["count"] = r.topomaps.count;
  j["grid"] = r.topomaps.grid;
  j["extent_m"] = r.topomaps.extent;
  j["dropped"] = r.band_powers.dropped;
  j["notes"] = r.band_powers.notes;
  j["options"] = to_json(o);
  j["layout"] = {
      {"maps", "[count, bands, grid, grid] float32; row 0 = front (nose), column 0 = left; 0 outside the head"},
      {"mask", "[grid, grid] uint8, 1 inside the head circle"},
      {"valence/arousal", "[count] float32 in [-1, 1]; NaN when the source has no rating"},
      {"valence_raw/arousal_raw", "[count] float64 on the source's scale"},
      {"subject/trial/window", "[count] int64, 1-based"},
      {"band_power", "[count, bands, channels] float64, before log and normalisation"},
      {"positions", "[channels, 2] float64, projected electrode positions in metres (x right, y nose)"}};
  std::ofstream js(out / "topomaps.json");
  js << j.dump(2) << "\n";
  if (!js) throw Error((out / "topomaps.json").string(), "a writable file", "cannot write it");
  r.files.push_back(out / "topomaps.json");
  return r;
}

}  // namespace ferkit
