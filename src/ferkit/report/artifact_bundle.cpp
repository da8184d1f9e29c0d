// Packing and verifying artifact bundles (ferkit/report/artifact_bundle.h); zip through libzip.
#include "ferkit/report/artifact_bundle.h"

#include <zip.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "ferkit/console.h"
#include "ferkit/error.h"
#include "ferkit/report/sha256sums.h"
#include "ferkit/sha256.h"

namespace ferkit {
namespace {

namespace fs = std::filesystem;

bool is_zip(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".zip";
}

std::string bundle_path(const fs::path& rel) { return rel.generic_string(); }

// Regular files under dir (recursively), as paths relative to base.
void add_tree(const fs::path& base, const fs::path& dir, std::set<std::string>& out) {
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.insert(bundle_path(fs::relative(e.path(), base)));
}

std::set<std::string> select_files(const fs::path& run, const PackOptions& o) {
  std::set<std::string> files;
  const fs::path ckpt(o.checkpoint);
  fs::path sidecar = ckpt;
  sidecar.replace_extension(".json");
  for (const fs::path& f : {ckpt, sidecar}) {
    if (!fs::is_regular_file(run / f))
      throw Error((run / f).string(), "the checkpoint and its sidecar to bundle (--checkpoint)", "no such file");
    files.insert(bundle_path(f));
  }
  for (const char* f : {"prototypes.npz", "prototype_bank.npz", "metrics.json", "metrics.jsonl", "metrics.csv",
                        "predictions.csv", "config.json", "run.json", "dataset.json", "fingerprint.json"})
    if (fs::is_regular_file(run / f)) files.insert(f);
  for (const char* d : {"prototypes", "tables"})
    if (fs::is_directory(run / d)) add_tree(run, run / d, files);
  for (const auto& e : fs::directory_iterator(run)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".tex" || ext == ".md")) files.insert(e.path().filename().string());
  }
  for (const auto& x : o.extra) {
    const fs::path p = run / x;
    if (fs::is_directory(p)) add_tree(run, p, files);
    else if (fs::is_regular_file(p)) files.insert(bundle_path(fs::relative(p, run)));
    else throw Error(p.string(), "a file or folder of the run directory to include (--extra)", "no such file");
  }
  for (const auto& f : files) check_listable_path(f, (run / f).string());
  return files;
}

[[noreturn]] void zip_failure(zip_t* z, const fs::path& file, const std::string& doing) {
  const std::string why = zip_strerror(z);
  zip_discard(z);
  throw Error(file.string(), doing, why);
}

// Bundle path -> SHA-256 of the entries of a zip archive; SHA256SUMS text separately.
std::map<std::string, std::string> zip_digests(const fs::path& file, std::string& sums, bool& has_sums) {
  int err = 0;
  zip_t* z = zip_open(file.string().c_str(), ZIP_RDONLY, &err);
  if (!z) {
    zip_error_t e;
    zip_error_init_with_code(&e, err);
    const std::string why = zip_error_strerror(&e);
    zip_error_fini(&e);
    throw Error(file.string(), "a readable zip archive", why);
  }
  std::map<std::string, std::string> out;
  has_sums = false;
  const zip_int64_t n = zip_get_num_entries(z, 0);
  std::vector<char> buf(1 << 16);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(z, static_cast<zip_uint64_t>(i), 0);
    if (!name) zip_failure(z, file, "a readable entry name");
    const std::string entry = name;
    if (!entry.empty() && entry.back() == '/') continue;  // a directory entry
    zip_file_t* f = zip_fopen_index(z, static_cast<zip_uint64_t>(i), 0);
    if (!f) zip_failure(z, file, "a readable entry " + entry);
    Sha256 h;
    std::string text;
    zip_int64_t got;
    while ((got = zip_fread(f, buf.data(), buf.size())) > 0) {
      if (entry == "SHA256SUMS") text.append(buf.data(), static_cast<size_t>(got));
      else h.update(buf.data(), static_cast<size_t>(got));
    }
    zip_fclose(f);
    if (got < 0) zip_failure(z, file, "a readable entry " + entry);
    if (entry == "SHA256SUMS") {
      sums = text;
      has_sums = true;
    } else {
      out[entry] = h.hex();
    }
  }
  zip_discard(z);
  return out;
}

}  // namespace

PackResult pack_artifacts(const fs::path& run_dir, const fs::path& out, const PackOptions& o) {
  if (!fs::is_directory(run_dir)) throw Error(run_dir.string(), "a run directory to pack", "no such directory");
  const std::set<std::string> files = select_files(run_dir, o);
  PackResult r;
  r.bundle = out;
  r.zip = is_zip(out);
  std::vector<Sha256Entry> entries;
  for (const auto& f : files) {
    entries.push_back({f, sha256_file(run_dir / f)});
    r.files.push_back(f);
    r.bytes += static_cast<int64_t>(fs::file_size(run_dir / f));
  }
  const std::string sums = format_sha256sums(entries);
  if (r.zip) {
    if (out.has_parent_path()) fs::create_directories(out.parent_path());
    fs::path tmp = out;
    tmp += ".tmp";
    fs::remove(tmp);
    int err = 0;
    zip_t* z = zip_open(tmp.string().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z) throw Error(out.string(), "a writable location for the bundle", "cannot create it");
    for (const auto& f : files) {
      zip_source_t* src = zip_source_file(z, (run_dir / f).string().c_str(), 0, -1);
      const zip_int64_t index = src ? zip_file_add(z, f.c_str(), src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) : -1;
      if (index < 0) {
        if (src) zip_source_free(src);
        zip_failure(z, out, "to add " + f);
      }
      // Stored, not deflated: weights hardly compress, and unzip tools need nothing special.
      zip_set_file_compression(z, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
    }
    zip_source_t* src = zip_source_buffer(z, sums.data(), sums.size(), 0);  // read at zip_close, sums outlives it
    if (!src || zip_file_add(z, "SHA256SUMS", src, ZIP_FL_OVERWRITE) < 0) {
      if (src) zip_source_free(src);
      zip_failure(z, out, "to add SHA256SUMS");
    }
    if (zip_close(z) != 0) zip_failure(z, out, "to write the archive");
    fs::rename(tmp, out);
  } else {
    if (fs::exists(out) && !(fs::is_directory(out) && fs::is_empty(out)))
      throw Error(out.string(), "a new or empty directory for the bundle (or a .zip file name)", "an existing non-empty path");
    for (const auto& f : files) {
      fs::create_directories((out / f).parent_path());
      fs::copy_file(run_dir / f, out / f);
    }
    std::ofstream s(out / "SHA256SUMS", std::ios::binary);
    s << sums;
    if (!s) throw Error((out / "SHA256SUMS").string(), "a writable file", "a write error");
  }
  info("packed " + std::to_string(files.size()) + " files (" + std::to_string(r.bytes) + " bytes) into " + out.string());
  return r;
}

VerifyResult verify_artifacts(const fs::path& bundle) {
  std::map<std::string, std::string> present;  // bundle path -> digest
  std::string sums;
  bool has_sums = false;
  if (fs::is_directory(bundle)) {
    std::set<std::string> files;
    add_tree(bundle, bundle, files);
    for (const auto& f : files) {
      if (f == "SHA256SUMS") continue;
      present[f] = sha256_file(bundle / f);
    }
    has_sums = fs::is_regular_file(bundle / "SHA256SUMS");
    if (has_sums) {
      std::ifstream in(bundle / "SHA256SUMS", std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      sums = ss.str();
    }
  } else if (fs::is_regular_file(bundle)) {
    present = zip_digests(bundle, sums, has_sums);
  } else {
    throw Error(bundle.string(), "a bundle (a directory or a .zip archive)", "no such file or directory");
  }
  if (!has_sums) throw Error(bundle.string(), "a SHA256SUMS file at the top of the bundle", "none");
  VerifyResult r;
  std::set<std::string> listed;
  for (const auto& e : parse_sha256sums(sums, (bundle / "SHA256SUMS").string())) {
    listed.insert(e.path);
    auto it = present.find(e.path);
    if (it == present.end()) r.missing.push_back(e.path);
    else if (it->second != e.digest) r.mismatched.push_back(e.path);
    else r.verified.push_back(e.path);
  }
  for (const auto& [path, digest] : present)
    if (!listed.count(path)) r.extra.push_back(path);
  return r;
}

std::string VerifyResult::text() const {
  std::string s;
  for (const auto& f : mismatched) s += "MISMATCH " + f + "\n";
  for (const auto& f : missing) s += "MISSING  " + f + "\n";
  for (const auto& f : extra) s += "EXTRA    " + f + "\n";
  s += std::to_string(verified.size()) + " verified, " + std::to_string(mismatched.size()) + " mismatched, " +
       std::to_string(missing.size()) + " missing, " + std::to_string(extra.size()) + " extra: " +
       (ok() ? "OK" : "FAILED") + "\n";
  return s;
}

}  // namespace ferkit
