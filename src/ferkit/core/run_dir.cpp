#include "ferkit/run_dir.h"

#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "ferkit/csv.h"
#include "ferkit/error.h"
#include "ferkit/version.h"

namespace ferkit {

std::string utc_timestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_json_file(const std::filesystem::path& file, const nlohmann::json& j) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  auto tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) throw Error(file.string(), "a writable location", "cannot create it");
    out << j.dump(2) << "\n";
    if (!out) throw Error(file.string(), "to write the whole file", "a write error");
  }
  std::filesystem::rename(tmp, file);
}

nlohmann::json read_json_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw Error(file.string(), "a readable JSON file", std::filesystem::exists(file) ? "cannot open it" : "no such file");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(file.string(), "valid JSON", e.what());
  }
}

RunDir RunDir::create(const std::filesystem::path& dir, bool resume, const std::string& command) {
  std::filesystem::create_directories(dir);
  RunDir r(dir);
  const auto run_json = dir / "run.json";
  if (std::filesystem::exists(run_json)) {
    if (!resume)
      throw Error(dir.string(), "a new run directory (or --resume to continue the run in it)", "an existing run");
    nlohmann::json j = read_json_file(run_json);
    j["resumed"].push_back({{"at", utc_timestamp()}, {"git_commit", git_commit()}, {"command", command}});
    write_json_file(run_json, j);
  } else {
    if (resume) throw Error(dir.string(), "a run directory with run.json to resume", "none");
    write_json_file(run_json, {{"git_commit", git_commit()},
                               {"ferkit_version", kVersion},
                               {"started", utc_timestamp()},
                               {"command", command},
                               {"hardware_threads", std::thread::hardware_concurrency()}});
  }
  return r;
}

RunDir RunDir::open(const std::filesystem::path& dir) {
  if (!std::filesystem::exists(dir / "run.json"))
    throw Error(dir.string(), "a ferkit run directory (with run.json)", std::filesystem::exists(dir) ? "no run.json" : "no such directory");
  return RunDir(dir);
}

void RunDir::write_json(const std::string& name, const nlohmann::json& j) const { write_json_file(path_ / name, j); }
nlohmann::json RunDir::read_json(const std::string& name) const { return read_json_file(path_ / name); }

void RunDir::append_jsonl(const std::string& name, const nlohmann::json& row) const {
  std::ofstream out(path_ / name, std::ios::app);
  if (!out) throw Error((path_ / name).string(), "a writable file", "cannot open it");
  out << row.dump() << "\n";
}

void RunDir::append_csv(const std::string& name, const nlohmann::json& row) const {
  FERKIT_CHECK(row.is_object(), "append_csv: expected a flat JSON object, got " << row.type_name());
  const auto file = path_ / name;
  std::string header, line;
  for (auto it = row.begin(); it != row.end(); ++it) {
    header += (header.empty() ? "" : ",") + csv_escape(it.key());
    std::string v = it->is_string() ? it->get<std::string>() : it->dump();
    line += (it == row.begin() ? "" : ",") + csv_escape(v);
  }
  bool fresh = !std::filesystem::exists(file);
  if (!fresh) {
    std::ifstream in(file);
    std::string first;
    std::getline(in, first);
    if (first != header) throw Error(file.string() + ":1", "header " + header, first);
  }
  std::ofstream out(file, std::ios::app);
  if (!out) throw Error(file.string(), "a writable file", "cannot open it");
  if (fresh) out << header << "\n";
  out << line << "\n";
}

}  // namespace ferkit
