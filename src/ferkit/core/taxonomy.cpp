#include "ferkit/taxonomy.h"

#include <algorithm>
#include <cctype>

#include "ferkit/error.h"

namespace ferkit {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

const std::map<std::string, int>& synonyms() {
  static const std::map<std::string, int> table = {
      {"neutral", kNeutral},     {"neutrality", kNeutral},
      {"happiness", kHappiness}, {"happy", kHappiness},   {"joy", kHappiness},
      {"surprise", kSurprise},   {"surprised", kSurprise},
      {"sadness", kSadness},     {"sad", kSadness},
      {"anger", kAnger},         {"angry", kAnger},
      {"disgust", kDisgust},     {"disgusted", kDisgust},
      {"fear", kFear},           {"fearful", kFear},      {"afraid", kFear},
      {"contempt", kContempt},   {"contemptuous", kContempt},
  };
  return table;
}

LabelMapping make(const std::string& name, int first, std::vector<std::string> source_names) {
  LabelMapping m;
  m.name = name;
  m.first_label = first;
  for (const auto& s : source_names) m.to_canonical_index.push_back(try_class_index(s));
  m.source_names = std::move(source_names);
  return m;
}

const std::map<std::string, LabelMapping>& registry() {
  static const std::map<std::string, LabelMapping> table = [] {
    std::map<std::string, LabelMapping> t;
    std::vector<std::string> canonical(class_names().begin(), class_names().end());
    t["ferplus"] = make("ferplus", 0, canonical);
    t["fer2013"] = make("fer2013", 0, {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"});
    t["affectnet"] = make("affectnet", 0, {"neutral", "happy", "sad", "surprise", "fear", "disgust",
                                           "anger", "contempt", "none", "uncertain", "no-face"});
    t["rafdb"] = make("rafdb", 1, {"surprise", "fear", "disgust", "happiness", "sadness", "anger", "neutral"});
    t["ckplus"] = make("ckplus", 0, {"anger", "contempt", "disgust", "fear", "happy", "sadness", "surprise"});
    t["faceapi"] = make("faceapi", 0, {"neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"});
    return t;
  }();
  return table;
}

}  // namespace

const std::array<std::string, kNumClasses>& class_names() {
  static const std::array<std::string, kNumClasses> names = {
      "neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt"};
  return names;
}

const std::string& class_name(int canonical_index) {
  FERKIT_CHECK(canonical_index >= 0 && canonical_index < kNumClasses,
               "class index must be in [0, " << kNumClasses << "), got " << canonical_index);
  return class_names()[canonical_index];
}

int try_class_index(const std::string& name) {
  auto it = synonyms().find(lower(name));
  return it == synonyms().end() ? kDropped : it->second;
}

int class_index(const std::string& name) {
  int c = try_class_index(name);
  if (c == kDropped) {
    std::string known;
    for (const auto& n : class_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error("class name '" + name + "'", "one of " + known + " (or a synonym such as happy, sad, angry)", "");
  }
  return c;
}

bool LabelMapping::in_range(int source_label) const {
  return source_label >= first_label &&
         source_label < first_label + static_cast<int>(to_canonical_index.size());
}

int LabelMapping::to_canonical(int source_label) const {
  if (!in_range(source_label)) {
    throw Error("label mapping '" + name + "'",
                "a label in [" + std::to_string(first_label) + ", " +
                    std::to_string(first_label + static_cast<int>(to_canonical_index.size()) - 1) + "]",
                std::to_string(source_label));
  }
  return to_canonical_index[source_label - first_label];
}

std::array<bool, kNumClasses> LabelMapping::covered() const {
  std::array<bool, kNumClasses> c{};
  for (int k : to_canonical_index)
    if (k != kDropped) c[k] = true;
  return c;
}

const LabelMapping& label_mapping(const std::string& name) {
  auto it = registry().find(name);
  if (it == registry().end()) {
    std::string known;
    for (const auto& kv : registry()) known += (known.empty() ? "" : ", ") + kv.first;
    throw Error("label mapping '" + name + "'", "one of " + known, "");
  }
  return it->second;
}

std::vector<std::string> label_mapping_names() {
  std::vector<std::string> names;
  for (const auto& kv : registry()) names.push_back(kv.first);
  return names;
}

}  // namespace ferkit
