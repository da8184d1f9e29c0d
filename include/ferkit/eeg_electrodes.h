// Standard 10-20 / 10-05 electrode positions and their projection onto the topomap plane.
//
//   auto p = ferkit::find_electrode("Fz");                  // std::optional<ElectrodePosition>
//   ferkit::Point2 xy = ferkit::project_electrode(*p);      // metres, nose towards +y
//   auto pos = ferkit::topomap_positions({"F3", "Fz", "F4"}, "bdf channels");
//
// Positions: MNE's standard_1005 montage (Debian python3-mne,
// mne/channels/data/montages/standard_1005.elc: 343 named positions, covering the 10-20 system,
// the 14 Emotiv, the 32 BioSemi / MAHNOB channels, the old names T3 T4 T5 T6 and A1 A2 M1 M2),
// as MNE places them in its head coordinate frame (montage scaled to a 0.095 m head and
// transformed by its fiducials), stored in spherical coordinates: radius, azimuth from +x (right)
// towards +y (nose), polar angle from +z (vertex). Names match case-insensitively.
//
// Projection: azimuthal equidistant about the vertex, as MNE's _auto_topomap_coords with the default
// sphere (origin 0, radius 0.095 m): a point at polar angle theta lies at distance
// radius * theta / (pi/2) from the centre along its azimuth; the head outline is the circle of
// radius kHeadRadius.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ferkit {

inline constexpr double kHeadRadius = 0.095;  // metres (MNE's HEAD_SIZE_DEFAULT)

struct ElectrodePosition {
  const char* name;
  double radius;   // metres from the head-frame origin
  double azimuth;  // degrees, from +x (right ear) towards +y (nose)
  double polar;    // degrees, from +z (vertex)
};

struct Point2 {
  double x = 0, y = 0;
};

// Every position of the table, in its order.
const std::vector<ElectrodePosition>& standard_1005_positions();
std::optional<ElectrodePosition> find_electrode(const std::string& name);
Point2 project_electrode(const ElectrodePosition& p);
// Projected positions of channels, in order. An unknown name is an Error naming it and `where`.
std::vector<Point2> topomap_positions(const std::vector<std::string>& channels, const std::string& where);

}  // namespace ferkit
