// Several datasets as one: `ferkit data merge` and recipes that train on more than one source.
//
//   std::vector<ferkit::ReadOptions> sources = {
//       ferkit::parse_source_spec("ferplus:../shared/data/ferplus:train"),
//       ferkit::parse_source_spec("folder:data/ckplus")};
//   ferkit::Dataset all = ferkit::merge_datasets(sources);
//   ferkit::build_manifest(all, 2).write_csv("merged.csv");   // the source column keeps provenance
//
// Contract: samples keep the order of the sources and, within one, the reader's order. Image paths
// are rewritten relative to the deepest folder that holds every source's root (so load_image and
// the manifest work on the merged dataset). Sample::source names the source: the reader's name
// ("ferplus", "affectnet", ...), with "-2", "-3" appended when two different datasets of the same
// kind are merged (the same format and path read for two splits keeps one name). In-memory images
// (fer2013, ferplus-original, npz) are concatenated; stores of different image sizes are an Error
// naming both sources. Each reader's dropped counts are kept, prefixed with the source name when
// it differs from the reader's format.
#pragma once

#include <string>
#include <vector>

#include "ferkit/readers.h"

namespace ferkit {

// "format:path[:split]" -> ReadOptions (split "all" when absent). Throws ferkit::Error naming the
// spec when the format or path is empty.
ReadOptions parse_source_spec(const std::string& spec);

Dataset merge_datasets(const std::vector<ReadOptions>& sources);

}  // namespace ferkit
