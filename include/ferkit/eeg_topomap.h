// Topographic maps: channel values interpolated onto an N x N grid inside the head outline.
//
//   auto pos = ferkit::topomap_positions(channels, "my channels");
//   ferkit::TopomapInterpolator interp(pos, /*grid=*/32);
//   std::vector<double> img = interp.interpolate(values);   // 32*32, NaN outside the head
//
//   ferkit::TopomapSet maps = ferkit::build_topomaps(band_powers, ferkit::TopomapOptions{});
//   ferkit::write_topomaps_npz(maps, "out/topomaps.npz");   // maps [M, B, N, N] + ratings + ids
//   ferkit::write_topomap_png(maps, "out/topomaps.png", 8); // first 8 maps x B band panels
//
// Interpolation: cubic Clough-Tocher on the Delaunay triangulation, as MNE's plot_topomap does by
// default (image_interp='cubic', extrapolate='head', border='mean'): a ring of extra points on a
// circle of radius 1.1 * E + d (E the image half-width below, d the median Delaunay edge between
// electrodes; max(12, round(2 pi / asin(d / E))) points) takes the mean value of the electrodes it
// is joined to;
// gradients are estimated by the global curvature-minimising iteration of Nielson (1983) and Renka &
// Cline (1984) (tolerance 1e-6, at most 400 sweeps), and each triangle is split into three cubic
// Bezier patches (Clough-Tocher) that are C1 across edges. Chosen over a biharmonic spline because
// it is what MNE (and hence most published EEG topomaps) draws, so maps agree with MNE's image up to
// the ring placement and the reference test can hold a tight tolerance; and it is local (one
// electrode moves only nearby triangles), where a biharmonic spline is global and swings between
// sparse electrodes: on 20 random value sets at the 14 Emotiv sites a biharmonic spline correlated
// with MNE's image at a median of 0.88, as low as 0.71. One deviation: d is the median over all
// three edges of every triangle (MNE takes two of each triangle's edges in Qhull's vertex order,
// not reproducible here).
// Delaunay triangulation: cv::Subdiv2D.
//
// Grid: pixel (row i, column j) lies at x = -E + 2E j / (N-1) (left ear to right ear) and
// y = +E - 2E i / (N-1) (nose at the top, row 0), E = R * max(1, 1.01 * max|electrode| / R) with
// R = kHeadRadius, as MNE sizes its image; pixels with x^2 + y^2 > E^2 are outside the head.
//
// Maps per subject and band: band powers (optionally log10) are interpolated, then z-scored over
// the subject's windows and in-head pixels and min-max scaled to [0, 1] (normalise =
// "zscore_minmax"), or only z-scored ("zscore"), or left as they are ("none"). Pixels outside the
// head are 0 in the NPZ and flagged by `mask`.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "ferkit/eeg_band_power.h"
#include "ferkit/eeg_electrodes.h"

namespace ferkit {

class TopomapInterpolator {
 public:
  // At least 3 electrodes, not all on a line, no two at the same place (else an Error).
  TopomapInterpolator(std::vector<Point2> electrodes, int grid, double head_radius = kHeadRadius);

  int grid() const { return grid_; }
  double extent() const { return extent_; }  // E, half the image width in metres
  Point2 pixel(int row, int col) const;
  bool inside(int row, int col) const { return inside_[static_cast<size_t>(row * grid_ + col)] != 0; }
  const std::vector<uint8_t>& mask() const { return inside_; }
  const std::vector<Point2>& extra_points() const { return extra_; }

  // grid * grid values, row-major, NaN outside the head. values: one per electrode.
  std::vector<double> interpolate(const std::vector<double>& values) const;
  // The interpolant at arbitrary points (NaN outside the triangulation).
  std::vector<double> interpolate_at(const std::vector<double>& values, const std::vector<Point2>& points) const;

 private:
  struct Triangle {
    std::array<int, 3> v;          // vertex indices, counter-clockwise
    std::array<int, 3> neighbour;  // triangle across the edge opposite v[k], -1 on the hull
    std::array<double, 3> g;       // Clough-Tocher edge-direction coefficients
  };
  struct Location {
    int triangle = -1;
    std::array<double, 3> b{};  // barycentric coordinates
  };
  Location locate(const Point2& p) const;
  std::vector<double> with_extras(const std::vector<double>& values) const;
  std::vector<std::array<double, 2>> gradients(const std::vector<double>& f) const;
  double evaluate(const Location& at, const std::vector<double>& f,
                  const std::vector<std::array<double, 2>>& grad) const;

  int grid_;
  double extent_;
  size_t electrodes_;
  std::vector<Point2> points_;  // electrodes, then the extra ring
  std::vector<Point2> extra_;
  std::vector<Triangle> triangles_;
  std::vector<std::vector<int>> vertex_neighbours_;
  std::vector<uint8_t> inside_;
  std::vector<Location> pixels_;
};

struct TopomapOptions {
  int grid = 32;                            // N: maps are N x N
  bool log_power = true;                    // interpolate log10(band power) (needs positive powers)
  std::string normalise = "zscore_minmax";  // per subject and band: zscore_minmax | zscore | none
  template <class V>
  void visit(V& v) {
    v("grid", grid, "map size N (maps are N x N)");
    v("log_power", log_power, "interpolate log10 of the band power");
    v("normalise", normalise, "per subject and band: zscore_minmax, zscore or none");
  }
};

struct TopomapSet {
  int64_t count = 0, bands = 0, grid = 0;
  double extent = 0;                             // E in metres
  std::vector<float> maps;                       // [count, bands, grid, grid], 0 outside the head
  std::vector<uint8_t> mask;                     // [grid, grid], 1 inside the head
  std::vector<float> valence, arousal;           // [count], normalised to [-1, 1] (NaN when unrated)
  std::vector<double> valence_raw, arousal_raw;  // [count], the source's scale
  std::vector<int64_t> subject, trial, window;   // [count]
  std::vector<double> band_power;                // [count, bands, channels], as read or computed
  std::vector<std::string> band_names, channels;
  std::vector<Point2> positions;        // projected electrode positions, metres
  std::vector<std::string> provenance;  // [count]
};

TopomapSet build_topomaps(const BandPowerSet& set, const TopomapOptions& options);
// maps, mask, valence, arousal, valence_raw, arousal_raw, subject, trial, window, band_power,
// positions; the names of bands and channels go to the job's JSON side file.
void write_topomaps_npz(const TopomapSet& maps, const std::filesystem::path& file);
// A grid of panels: one row per map (the first `rows`), one column per band, viridis colour map over
// each band's range in the drawn rows, head outline and electrode dots. Returns the rows drawn.
int64_t write_topomap_png(const TopomapSet& maps, const std::filesystem::path& file, int64_t rows, int panel = 128);

}  // namespace ferkit
