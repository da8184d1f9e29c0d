// Band-power tables with ratings in a second table (GAMEEMO's derived tables and the like).
//
//   ferkit::BandPowerTableOptions o;
//   o.path = "../shared/data/eeg/gameemo-bandpower/bandpower_windows_12s.csv";
//   o.ratings = "../shared/data/eeg/gameemo-bandpower/sam_scores.csv";
//   ferkit::BandPowerSet s = ferkit::read_band_power_table(o);
//   s.rows.size();    // 2688 windows
//   s.bands;          // {"Delta", "Theta", "Alpha", "Beta"}: the bands the header has
//
// Band-power table: a CSV with id columns SUBJECT, GAME (the trial) and optionally WINDOW_INDEX,
// and one column `<CH>_<Band>_Power` per channel and band. Bands are those the header names (in
// order of first appearance); every channel must have the same band set and a known electrode
// position (eeg_electrodes.h), else an Error names the column. An empty cell is an Error naming the
// row and column. Columns that are neither ids nor band powers are ignored and listed in notes.
//
// Ratings table: a CSV with columns Subject ("S01" or 1), Path ("G1.pdf" = trial 1; a plain number
// also works) or Trial, Valence and Arousal on 1..9. Joined by (subject, trial): a band-power row
// without a rating, a rating without any band-power row, a duplicated rating and a rating outside
// 1..9 are Errors naming the file and line.
#pragma once

#include <string>

#include "ferkit/eeg_band_power.h"
#include "ferkit/eeg_signal.h"

namespace ferkit {

struct BandPowerTableOptions {
  std::string path;                // the band-power CSV
  std::string ratings;             // the ratings CSV ("" = no ratings: valence and arousal are NaN)
  std::vector<std::string> bands;  // bands to keep, by name (empty: all present)
  template <class V>
  void visit(V& v) {
    v("path", path, "band-power CSV");
    v("ratings", ratings, "ratings CSV (Subject, Path/Trial, Valence, Arousal)");
    v("bands", bands, "bands to keep by name (empty: all present)");
  }
};

BandPowerSet read_band_power_table(const BandPowerTableOptions& options);

}  // namespace ferkit
