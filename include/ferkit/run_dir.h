// The run directory every ferkit command that produces results writes.
//
//   ferkit::RunDir run = ferkit::RunDir::create("runs/mnv3s-ce", /*resume=*/false);
//   run.write_json("config.json", resolved_config);
//   run.append_jsonl("metrics.jsonl", {{"epoch", 1}, {"valid_acc", 0.81}});
//   run.append_csv("metrics.csv", row);           // header from the first row's keys
//   run.path() / "best.pt";
//
// Every run directory holds run.json (git commit, ferkit version, command line, start time, thread
// count), so a number can always be traced to the code and the machine that produced it.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace ferkit {

class RunDir {
 public:
  // Creates dir (and parents). An existing directory that already holds run.json is an error
  // unless resume is true (then run.json gains a "resumed" entry). command: the invoking command
  // line, recorded in run.json.
  static RunDir create(const std::filesystem::path& dir, bool resume, const std::string& command = "");
  // Opens an existing run directory for reading (run.json must exist).
  static RunDir open(const std::filesystem::path& dir);

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  // Atomic (temporary file + rename) JSON write, pretty-printed.
  void write_json(const std::string& name, const nlohmann::json& j) const;
  nlohmann::json read_json(const std::string& name) const;
  void append_jsonl(const std::string& name, const nlohmann::json& row) const;
  // Appends the values of a flat JSON object as a CSV row; writes the header (its keys, in order)
  // when the file is new. A row whose keys differ from the header is an error.
  void append_csv(const std::string& name, const nlohmann::json& row) const;

 private:
  explicit RunDir(std::filesystem::path p) : path_(std::move(p)) {}
  std::filesystem::path path_;
};

// Atomic JSON file write used by run directories and sidecars.
void write_json_file(const std::filesystem::path& file, const nlohmann::json& j);
nlohmann::json read_json_file(const std::filesystem::path& file);
// Current UTC time as ISO 8601 ("2026-11-25T13:33:49Z").
std::string utc_timestamp();

}  // namespace ferkit
