// Readers: one per source format, all producing ferkit::Dataset.
//
// Formats (ReadOptions::format):
//   ferplus           FERPlus release layout: <root>/FER2013Train|Valid|Test/label.csv + PNGs
//   ferplus-original  <root>/fer2013.csv (emotion, pixels, Usage) + <root>/fer2013new.csv (votes)
//   fer2013           <root>/fer2013.csv alone, 7 classes, single labels (or path to the csv)
//   npz               pre-packed arrays: images [N,48,48] uint8, targets [N,8] float32 (a file)
//   folder            <root>/<class name>/*.png|jpg (CK+48 layout); names mapped by class_map
//   affectnet         a CSV (subDirectory_filePath, face_x, face_y, face_width, face_height,
//                     expression) with images under root; the face box is cropped
//   affectnet-mini    <root>/labels_train.csv|labels_valid.csv|labels_test.csv + class_map.json
//   rafdb             <root>/EmoLabel/list_patition_label.txt + <root>/Image/aligned/*_aligned.jpg
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
