// The one 8-class taxonomy of ferkit and the named mappings from every source's labels to it.
//
// Canonical order (FERPlus): neutral, happiness, surprise, sadness, anger, disgust, fear, contempt.
//
//   const auto& m = ferkit::label_mapping("affectnet");
//   int c = m.to_canonical(6);          // AffectNet 6 = anger -> ferkit::kAnger (4)
//   int d = m.to_canonical(9);          // 9 = uncertain -> ferkit::kDropped
//   ferkit::class_index("happy");        // accepts canonical names and common synonyms -> 1
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

namespace ferkit {

constexpr int kNumClasses = 8;
enum Emotion : int {
  kNeutral = 0, kHappiness = 1, kSurprise = 2, kSadness = 3,
  kAnger = 4, kDisgust = 5, kFear = 6, kContempt = 7,
};
// Returned by a mapping for a source label that has no canonical class (dropped and counted).
constexpr int kDropped = -1;

const std::array<std::string, kNumClasses>& class_names();
const std::string& class_name(int canonical_index);

// Canonical index for a class name or a common synonym ("happy", "sad", "angry", "fearful",
// "disgusted", "surprised", "neutral", "contempt", ...), case-insensitive. Throws ferkit::Error
// naming the known names when the name is unknown.
int class_index(const std::string& name);
// As class_index, but returns kDropped instead of throwing.
int try_class_index(const std::string& name);

// A named, tested map from a source's integer labels to canonical classes.
struct LabelMapping {
  std::string name;                 // e.g. "fer2013", "affectnet", "rafdb"
  std::vector<std::string> source_names;  // source label i is called source_names[i]
  std::vector<int> to_canonical_index;    // canonical class or kDropped per source label
  int first_label = 0;              // source labels are first_label, first_label+1, ...

  // Canonical class of a source label; kDropped for a label that maps nowhere. Throws
  // ferkit::Error for a label outside [first_label, first_label + size).
  int to_canonical(int source_label) const;
  bool in_range(int source_label) const;
  // Which canonical classes this source can produce at all.
  std::array<bool, kNumClasses> covered() const;
};

// Mappings: "ferplus" (identity over the 8 classes), "fer2013" (0 angry, 1 disgust, 2 fear,
// 3 happy, 4 sad, 5 surprise, 6 neutral), "affectnet" (0 neutral, 1 happy, 2 sad, 3 surprise,
// 4 fear, 5 disgust, 6 anger, 7 contempt; 8 none, 9 uncertain, 10 no-face dropped), "rafdb"
// (1 surprise, 2 fear, 3 disgust, 4 happiness, 5 sadness, 6 anger, 7 neutral), "ckplus"
// (folder names anger, contempt, disgust, fear, happy, sadness, surprise), "faceapi" (0 neutral,
// 1 happy, 2 sad, 3 angry, 4 fearful, 5 disgusted, 6 surprised).
const LabelMapping& label_mapping(const std::string& name);
std::vector<std::string> label_mapping_names();

}  // namespace ferkit
