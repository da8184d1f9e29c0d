#include "ferkit/manifest.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include <opencv2/imgcodecs.hpp>

#include "ferkit/console.h"
#include "ferkit/csv.h"
#include "ferkit/error.h"
#include "ferkit/sha256.h"

namespace ferkit {

const std::string& manifest_header() {
  static const std::string h = [] {
    std::string s = "path,split,source,label,width,height,sha256";
    for (const auto& n : class_names()) s += ",p_" + n;
    return s;
  }();
  return h;
}

std::string ManifestRow::line() const {
  std::string s = csv_escape(path) + "," + split_name(split) + "," + csv_escape(source) + "," +
                  class_name(label) + "," + std::to_string(width) + "," + std::to_string(height) + "," + sha256;
  char buf[32];
  for (float t : target) {
    std::snprintf(buf, sizeof buf, ",%.6g", static_cast<double>(t));
    s += buf;
  }
  return s;
}

std::string Manifest::fingerprint() const {
  std::vector<std::string> lines;
  lines.reserve(rows.size());
  for (const auto& r : rows) lines.push_back(r.line());
  std::sort(lines.begin(), lines.end());
  Sha256 h;
  for (const auto& l : lines) h.update(l + "\n");
  return h.hex();
}

DatasetIdentity Manifest::identity() const {
  DatasetIdentity id;
  id.fingerprint = fingerprint();
  Sha256 h;
  for (const auto& r : rows) h.update(r.line() + "\n");
  id.order_digest = h.hex();
  id.count = static_cast<int64_t>(rows.size());
  return id;
}

void DatasetIdentity::require_same(const DatasetIdentity& other, const std::string& what) const {
  if (count != other.count)
    throw Error(what, "data for a dataset of " + std::to_string(other.count) + " samples",
                "data for " + std::to_string(count) + " samples (it belongs to another dataset)");
  if (fingerprint != other.fingerprint)
    throw Error(what, "dataset fingerprint " + other.fingerprint.substr(0, 16) + "...",
                "fingerprint " + fingerprint.substr(0, 16) + "... (same size, different content)");
  if (order_digest != other.order_digest)
    throw Error(what, "samples in the order of the dataset (order digest " + other.order_digest.substr(0, 16) + "...)",
                "the same samples in another order (" + order_digest.substr(0, 16) + "...)");
}

void Manifest::write_csv(const std::filesystem::path& file) const {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file);
  if (!out) throw Error(file.string(), "a writable manifest file", "cannot create it");
  out << manifest_header() << "\n";
  for (const auto& r : rows) out << r.line() << "\n";
  if (!out) throw Error(file.string(), "to write the whole manifest", "a write error");
}

Manifest Manifest::read_csv(const std::filesystem::path& file) {
  CsvReader r(file);
  std::vector<std::string> f;
  if (!r.next(f)) throw Error(file.string(), "a manifest header", "an empty file");
  const size_t n_fields = 7 + kNumClasses;
  if (f.size() != n_fields) throw Error(r.where(), "the manifest header (" + manifest_header() + ")", std::to_string(f.size()) + " fields");
  Manifest m;
  while (r.next(f)) {
    if (f.size() != n_fields)
      throw Error(r.where(), std::to_string(n_fields) + " fields", std::to_string(f.size()) + " fields");
    ManifestRow row;
    row.path = f[0];
    row.split = parse_split(f[1]);
    row.source = f[2];
    row.label = class_index(f[3]);
    row.width = static_cast<int>(parse_int(f[4], r.where(), "width"));
    row.height = static_cast<int>(parse_int(f[5], r.where(), "height"));
    row.sha256 = f[6];
    for (int k = 0; k < kNumClasses; ++k) row.target[k] = static_cast<float>(parse_double(f[7 + k], r.where(), "target " + class_name(k)));
    m.rows.push_back(std::move(row));
  }
  return m;
}

Manifest build_manifest(const Dataset& d, int threads) {
  Manifest m;
  m.rows.resize(d.samples.size());
  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::string first_error;
  ProgressBar bar("index", static_cast<int64_t>(d.samples.size()), "img");
  std::mutex bar_mutex;
  auto work = [&] {
    while (true) {
      size_t i = next.fetch_add(1);
      if (i >= d.samples.size()) return;
      const Sample& s = d.samples[i];
      ManifestRow& row = m.rows[i];
      row.path = s.image.path;
      row.target = s.target;
      row.label = s.label;
      row.split = s.split;
      row.source = s.source;
      try {
        if (s.image.memory_index >= 0) {
          const ImageStore& st = d.memory;
          row.width = st.width;
          row.height = st.height;
          row.sha256 = sha256_hex(st.image(s.image.memory_index), static_cast<size_t>(st.height) * st.width * st.channels);
        } else {
          auto path = d.root / s.image.path;
          std::ifstream in(path, std::ios::binary);
          if (!in) throw Error(path.string() + " (from " + s.provenance + ")", "a readable image", "no such file");
          std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
          row.sha256 = sha256_hex(bytes.data(), bytes.size());
          cv::Mat img = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
          if (img.empty()) throw Error(path.string() + " (from " + s.provenance + ")", "a decodable image", "a file OpenCV cannot decode");
          row.width = s.image.crop.empty() ? img.cols : s.image.crop.width;
          row.height = s.image.crop.empty() ? img.rows : s.image.crop.height;
        }
      } catch (const Error& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (first_error.empty()) first_error = e.what();
        next = d.samples.size();  // stop the others early
        return;
      }
      std::lock_guard<std::mutex> lock(bar_mutex);
      bar.advance();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, threads); ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  bar.finish();
  if (!first_error.empty()) throw Error(first_error + " (run 'ferkit data check' to list every problem)");
  return m;
}

}  // namespace ferkit
