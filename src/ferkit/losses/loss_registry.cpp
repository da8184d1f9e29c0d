// The table of recipe loss terms. Adding a term: one file with its factory + one line here.
#include <map>

#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/options.h"
#include "ferkit/losses/loss_terms.h"

namespace ferkit {
namespace {

const std::map<std::string, LossFactory>& registry() {
  static const std::map<std::string, LossFactory> table = {
      {"arcface", make_arcface_term},
      {"ce", make_cross_entropy_term},
      {"focal", make_focal_term},
      {"kd", make_kd_term},
      {"kd_mse", make_kd_mse_term},
      {"dkd", make_dkd_term},
      {"multi_teacher", make_multi_teacher_term},
      {"negative", make_negative_term},
      {"proto_kd", make_proto_kd_term},
      {"d_geo", make_d_geo_term},
  };
  return table;
}

}  // namespace

std::vector<std::string> loss_names() {
  std::vector<std::string> names;
  for (const auto& kv : registry()) names.push_back(kv.first);
  return names;
}

torch::Tensor sum_terms(const LossTerms& terms) {
  FERKIT_CHECK(!terms.empty(), "loss: no terms to sum");
  torch::Tensor total = terms.front().second;
  for (size_t i = 1; i < terms.size(); ++i) total = total + terms[i].second;
  return total;
}

LossTerms CompositeLoss::forward(const LossBatch& batch) {
  LossTerms out;
  for (auto& t : terms_) t->compute(batch, out);
  return out;
}

bool CompositeLoss::needs_teacher() const {
  for (const auto& t : terms_)
    if (t->needs_teacher()) return true;
  return false;
}

bool CompositeLoss::needs_votes() const {
  for (const auto& t : terms_)
    if (t->needs_votes()) return true;
  return false;
}

CompositeLoss build_loss(const nlohmann::json& tables, const LossSetup& setup, const std::string& where) {
  FERKIT_CHECK(tables.is_array() && !tables.empty(),
               where << ": expected at least one [[loss]] table (for example name = \"ce\"), got " << tables.dump());
  CompositeLoss loss;
  for (size_t i = 0; i < tables.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    const auto& t = tables[i];
    FERKIT_CHECK(t.is_object() && t.contains("name") && t["name"].is_string(),
                 at << ": expected a table with a string 'name' (one of the loss terms), got " << t.dump());
    const std::string name = t["name"].get<std::string>();
    auto it = registry().find(name);
    if (it == registry().end()) {
      std::string known, guess = nearest_name(name, loss_names());
      for (const auto& n : loss_names()) known += (known.empty() ? "" : ", ") + n;
      throw Error(at + ".name", "one of " + known + (guess.empty() ? "" : " (did you mean '" + guess + "'?)"), "'" + name + "'");
    }
    nlohmann::json rest = t;
    rest.erase("name");
    loss.add(it->second(rest, at, setup));
  }
  return loss;
}

}  // namespace ferkit
