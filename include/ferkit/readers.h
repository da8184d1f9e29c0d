// Readers: one per source format, all producing ferkit::Dataset.
//
//   ferkit::ReadOptions o;
//   o.format = "affectnet-mini"; o.path = "data/affectnet_mini"; o.split = "train";
//   ferkit::Dataset d = ferkit::read_dataset(o);     // or read_affectnet_mini(o)
//
// Every reader maps its labels through a named mapping of taxonomy.h, records for each sample its
// split, its source and its provenance (the label file and line it came from), counts every row it
// drops in Dataset::dropped under the reason, and lists the image paths of dropped rows and of rows
// of other splits in Dataset::skipped_paths. Malformed input is a ferkit::Error naming the file and
// line (or the NPZ array and row). With split = train|valid|test, a source that has no split
// information is an Error rather than an empty dataset.
//
// Formats (ReadOptions::format) and their layouts:
//   ferplus           <root>/FER2013Train|FER2013Valid|FER2013Test/label.csv + PNGs; label.csv rows
//                     "name,(x, y, w, h),10 vote counts" (no header); targets by the FERPlus label
//                     rule (label_mode). Provenance "FER2013Train/label.csv:17".
//   ferplus-original  <root>/fer2013.csv (emotion,pixels,Usage) + <root>/fer2013new.csv (Usage,
//                     Image name, neutral ... contempt, unknown, NF), joined by row order: the row
//                     counts and every row's Usage must agree (an Error naming the row otherwise);
//                     rows with an empty Image name (removed by FERPlus) are dropped and counted.
//                     Usage Training/PublicTest/PrivateTest -> train/valid/test. Images go into
//                     Dataset::memory (48x48x1), path "fer2013.csv#<row>".
//   fer2013           fer2013.csv alone (the file, or a directory holding it): emotion 0..6 through
//                     the "fer2013" mapping, one-hot targets, no contempt; Usage optional.
//   npz               one .npz file: images [N,H,W] or [N,H,W,3] (RGB) uint8, targets [N,8]
//                     float32 (rows sum to 1 within 1e-3), optional labels [N] int64 and splits [N]
//                     int64 (0 train, 1 valid, 2 test, 3 unspecified). Provenance "<file>:<row>".
//   folder            <root>/<class folder>/**/*.png|jpg|jpeg|bmp, or
//                     <root>/<train|valid|val|test>/<class folder>/...; class folders are named by
//                     class_map (folder -> class name) or, without it, are class names/synonyms
//                     (the CK+48 names anger, contempt, disgust, fear, happy, sadness, surprise).
//                     A folder that names no class is an Error listing the known names; other
//                     files and hidden entries are dropped and counted. Files in sorted order.
//   affectnet         an AffectNet CSV (or a directory: its training*.csv and validation*.csv)
//                     with columns subDirectory_filePath, face_x, face_y, face_width,
//                     face_height, expression (others ignored); images under image_root or the
//                     CSV's folder. expression 0..7 through the "affectnet" mapping; 8 none,
//                     9 uncertain, 10 no-face dropped and counted by name; the face box becomes
//                     the crop; split from the file name (training* -> train, validation* ->
//                     valid, else unspecified).
//   affectnet-mini    <root>/labels_train.csv, labels_valid.csv (or labels_val.csv),
//                     labels_test.csv, any present (labels.csv: unspecified split). Header with a
//                     path column (pth, path, image, file, filepath or subDirectory_filePath; paths
//                     relative to <root>) and a label column (label, expression, emotion or
//                     class). Labels are class names/synonyms, or values looked up in
//                     <root>/class_map.json: {"0": "neutral", ...} or {"neutral": 0, ...}; a value
//                     the map sends to a name outside the taxonomy is dropped and counted.
//   rafdb             <root>/EmoLabel/list_patition_label.txt ("train_00001.jpg 5"; 1 surprise,
//                     2 fear, 3 disgust, 4 happiness, 5 sadness, 6 anger, 7 neutral) with images
//                     <root>/Image/aligned/<stem>_aligned.jpg; split from the train_/test_ prefix.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ferkit/dataset.h"

namespace ferkit {

// FERPlus label protocols, exactly as the FERPlus reference code defines them.
enum class FerplusLabelMode { kMajority, kProbability, kMultiTarget };
FerplusLabelMode parse_ferplus_label_mode(const std::string& name);  // majority|probability|crossentropy|multi_target
const char* ferplus_label_mode_name(FerplusLabelMode m);

struct ReadOptions {
  std::string format;             // one of reader_names()
  std::filesystem::path path;     // dataset root (or file, for npz / fer2013 / affectnet csv)
  std::string split = "all";      // all | train | valid | test
  std::string label_mode = "majority";  // FERPlus: majority | probability | crossentropy | multi_target
  // folder: sub-folder name -> class name (canonical or synonym); empty uses the folder names
  // themselves (ckplus names such as "happy" and "sadness" are understood).
  std::map<std::string, std::string> class_map;
  // affectnet: images directory when it differs from the CSV's folder.
  std::filesystem::path image_root;
};

Dataset read_dataset(const ReadOptions& options);
std::vector<std::string> reader_names();

// The FERPlus label rule on one row of 10 votes (neutral ... contempt, unknown, not-a-face).
// Returns the 8-class distribution, or false when the row is "unknown"/not-a-face (dropped).
bool ferplus_votes_to_target(const std::array<float, 10>& votes, FerplusLabelMode mode,
                             std::array<float, kNumClasses>& target);

// Individual readers (read_dataset dispatches to them by format name).
Dataset read_ferplus(const ReadOptions& o);
Dataset read_ferplus_original(const ReadOptions& o);
Dataset read_fer2013(const ReadOptions& o);
Dataset read_npz_dataset(const ReadOptions& o);
Dataset read_image_folder(const ReadOptions& o);
Dataset read_affectnet(const ReadOptions& o);
Dataset read_affectnet_mini(const ReadOptions& o);
Dataset read_rafdb(const ReadOptions& o);

// Writes images [N,H,W] uint8 (grayscale, resized to size x size) and targets [N,8] float32,
// plus labels [N] int64 and splits [N] int64, to an NPZ readable by read_npz_dataset and numpy.
void write_npz_dataset(const Dataset& d, const std::filesystem::path& file, int size = 48);

}  // namespace ferkit
