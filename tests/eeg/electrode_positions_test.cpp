// The electrode table and its projection against MNE's standard_1005 montage and
// _find_topomap_coords.
#include <gtest/gtest.h>

#include <cmath>

#include "eeg_test_fixtures.h"
#include "ferkit/eeg_dreamer.h"
#include "ferkit/eeg_electrodes.h"
#include "ferkit/eeg_mahnob.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

TEST(ElectrodePositions, CoverTheMontagesWeRead) {
  for (const auto& c : dreamer_channels()) EXPECT_TRUE(find_electrode(c)) << c;
  for (const auto& c : mahnob_channels()) EXPECT_TRUE(find_electrode(c)) << c;
  for (const char* c : {"A1", "A2", "C3", "C4", "F3", "Fz", "F4", "P3", "Pz", "P4", "O1", "O2", "T3", "T5", "M1"})
    EXPECT_TRUE(find_electrode(c)) << c;
  EXPECT_TRUE(find_electrode("fp1"));
  EXPECT_FALSE(find_electrode("XYZ"));
}

TEST(ElectrodePositions, ProjectionGeometry) {
  // Cz near the vertex (MNE's head frame puts the origin between the ears, 2 cm below and behind
  // Cz's projection), Fpz towards the nose, T7 on the left, T8 on the right, Oz at the back.
  Point2 cz = project_electrode(*find_electrode("Cz")), fpz = project_electrode(*find_electrode("Fpz"));
  Point2 t7 = project_electrode(*find_electrode("T7")), t8 = project_electrode(*find_electrode("T8"));
  Point2 oz = project_electrode(*find_electrode("Oz"));
  EXPECT_LT(std::hypot(cz.x, cz.y), 0.02);
  EXPECT_GT(fpz.y, 0.07);
  EXPECT_LT(std::abs(fpz.x), 0.005);
  EXPECT_LT(t7.x, -0.06);
  EXPECT_GT(t8.x, 0.06);
  EXPECT_LT(oz.y, -0.06);
  EXPECT_LT(std::abs(oz.x), 0.005);
  // Equidistant: the distance from the centre is radius * polar angle / (pi / 2).
  auto p = *find_electrode("F3");
  Point2 f3 = project_electrode(p);
  EXPECT_NEAR(std::hypot(f3.x, f3.y), p.radius * p.polar / 90.0, 1e-12);
  try {
    topomap_positions({"Fz", "Qq7"}, "my.csv");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("my.csv: channel 'Qq7'"), std::string::npos) << e.what();
  }
}

// Every table entry equals MNE's position (head frame) and every projection equals MNE's topomap
// coordinates for the Emotiv, BioSemi-32 and real-BDF channel sets.
TEST(ElectrodePositions, MatchMneMontageAndTopomapCoordinates) {
  FERKIT_REQUIRE_PYTHON("mne");
  auto ref = test::python_json(
      "import json, numpy as np, mne\n"
      "from mne.channels.layout import _find_topomap_coords\n"
      "mont = mne.channels.make_standard_montage('standard_1005')\n"
      "info = mne.create_info(mont.ch_names, 1000., 'eeg'); info.set_montage(mont)\n"
      "pos = {c['ch_name']: c['loc'][:3].tolist() for c in info['chs']}\n"
      "sets = {'emotiv': 'AF3 F7 F3 FC5 T7 P7 O1 O2 P8 T8 FC6 F4 F8 AF4'.split(),\n"
      "        'biosemi32': [n for n in mne.channels.make_standard_montage('biosemi32').ch_names],\n"
      "        'bdf': 'A1 A2 C3 C4 F3 Fz F4 P3 Pz P4 O1 O2'.split()}\n"
      "proj = {}\n"
      "for k, names in sets.items():\n"
      "    i = mne.create_info(names, 100., 'eeg'); i.set_montage('standard_1005')\n"
      "    proj[k] = {'names': names, 'xy': _find_topomap_coords(i, None).tolist()}\n"
      "print(json.dumps({'pos': pos, 'proj': proj}))\n");
  const auto& pos = ref["pos"];
  ASSERT_EQ(pos.size(), standard_1005_positions().size());
  const double kDeg = M_PI / 180;
  for (const auto& e : standard_1005_positions()) {
    ASSERT_TRUE(pos.contains(e.name)) << e.name;
    auto xyz = pos[e.name].get<std::vector<double>>();
    double x = e.radius * std::sin(e.polar * kDeg) * std::cos(e.azimuth * kDeg);
    double y = e.radius * std::sin(e.polar * kDeg) * std::sin(e.azimuth * kDeg);
    double z = e.radius * std::cos(e.polar * kDeg);
    EXPECT_NEAR(x, xyz[0], 1e-9) << e.name;
    EXPECT_NEAR(y, xyz[1], 1e-9) << e.name;
    EXPECT_NEAR(z, xyz[2], 1e-9) << e.name;
  }
  for (const auto& [set, data] : ref["proj"].items()) {
    auto names = data["names"].get<std::vector<std::string>>();
    auto mine = topomap_positions(names, set);
    for (size_t i = 0; i < names.size(); ++i) {
      EXPECT_NEAR(mine[i].x, data["xy"][i][0].get<double>(), 1e-9) << set << " " << names[i];
      EXPECT_NEAR(mine[i].y, data["xy"][i][1].get<double>(), 1e-9) << set << " " << names[i];
    }
  }
}

}  // namespace
}  // namespace ferkit
