// CheckReport: totals, lookup and the two renderings (text for people, JSON for tools).
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ferkit/error.h"
#include "ferkit/integrity.h"

namespace ferkit {

const char* severity_name(Severity s) { return s == Severity::kError ? "error" : "warning"; }

int64_t CheckReport::errors() const {
  int64_t n = 0;
  for (const auto& r : reasons)
    if (r.severity == Severity::kError) n += r.count;
  return n;
}

int64_t CheckReport::warnings() const {
  int64_t n = 0;
  for (const auto& r : reasons)
    if (r.severity == Severity::kWarning) n += r.count;
  return n;
}

const CheckReason& CheckReport::reason(const std::string& id) const {
  for (const auto& r : reasons)
    if (r.id == id) return r;
  std::string known;
  for (const auto& r : reasons) known += (known.empty() ? "" : ", ") + r.id;
  throw Error("check reason '" + id + "'", "one of " + known, "");
}

std::string CheckReport::text() const {
  std::ostringstream os;
  char buf[256];
  os << "data check: " << format << " at " << root.string() << ", " << samples << " samples\n";
  if (!balance.empty()) {
    std::snprintf(buf, sizeof buf, "%-12s", "split");
    os << buf;
    for (const auto& n : class_names()) {
      std::snprintf(buf, sizeof buf, "%10s", n.c_str());
      os << buf;
    }
    os << "     total\n";
    for (const auto& b : balance) {
      std::snprintf(buf, sizeof buf, "%-12s", split_name(b.split));
      os << buf;
      for (int64_t c : b.counts) {
        std::snprintf(buf, sizeof buf, "%10lld", static_cast<long long>(c));
        os << buf;
      }
      std::snprintf(buf, sizeof buf, "%10lld\n", static_cast<long long>(b.total));
      os << buf;
    }
  }
  for (const auto& [why, n] : dropped) os << "dropped by the reader " << n << ": " << why << "\n";
  for (const auto& r : reasons) {
    const char* tag = r.count == 0 ? "ok" : severity_name(r.severity);
    std::snprintf(buf, sizeof buf, "%-8s %-29s %8lld  %s\n", tag, r.id.c_str(), static_cast<long long>(r.count),
                  r.description.c_str());
    os << buf;
    for (const auto& f : r.first) os << "           " << f.where << ": " << f.detail << "\n";
    if (r.count > static_cast<int64_t>(r.first.size()))
      os << "           ... and " << (r.count - static_cast<int64_t>(r.first.size())) << " more\n";
  }
  os << (ok() ? "passed" : "FAILED") << ": " << errors() << " errors, " << warnings() << " warnings\n";
  return os.str();
}

nlohmann::json CheckReport::to_json() const {
  nlohmann::json j;
  j["format"] = format;
  j["root"] = root.string();
  j["samples"] = samples;
  j["ok"] = ok();
  j["errors"] = errors();
  j["warnings"] = warnings();
  j["dropped"] = dropped;
  j["balance"] = nlohmann::json::array();
  for (const auto& b : balance) {
    nlohmann::json row;
    row["split"] = split_name(b.split);
    for (int k = 0; k < kNumClasses; ++k) row["counts"][class_name(k)] = b.counts[k];
    row["total"] = b.total;
    j["balance"].push_back(row);
  }
  j["reasons"] = nlohmann::json::array();
  for (const auto& r : reasons) {
    nlohmann::json x;
    x["id"] = r.id;
    x["description"] = r.description;
    x["severity"] = severity_name(r.severity);
    x["count"] = r.count;
    x["first"] = nlohmann::json::array();
    for (const auto& f : r.first) x["first"].push_back({{"where", f.where}, {"detail", f.detail}});
    j["reasons"].push_back(x);
  }
  return j;
}

}  // namespace ferkit
