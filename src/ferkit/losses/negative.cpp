// Recipe term "negative": negative (complementary-label) learning, L = -log(1 - p_ybar), with the
// complementary labels from one of four sources (uniform | votes | teacher | selective = NLNL).
#include <cmath>
#include <limits>
#include <random>

#include "ferkit/complementary_labels.h"
#include "ferkit/error.h"
#include "ferkit/loss_term.h"
#include "ferkit/options.h"
#include "ferkit/losses/loss_terms.h"
#include "ferkit/losses/teacher_selection.h"

namespace ferkit {

torch::Tensor negative_learning_loss(const torch::Tensor& logits, const torch::Tensor& mask) {
  FERKIT_CHECK(logits.dim() == 2, "negative learning: logits must be [B, K], got " << logits.sizes());
  FERKIT_CHECK(mask.defined() && mask.sizes() == logits.sizes(),
               "negative learning: complementary mask " << (mask.defined() ? mask.sizes() : logits.sizes().slice(0, 0))
                                                        << " must match logits " << logits.sizes());
  const int64_t k = logits.size(1);
  // log(1 - p_c) = logsumexp_{j != c} z_j - logsumexp_j z_j: no cancellation when p_c -> 1.
  torch::Tensor eye = torch::eye(k, logits.options().dtype(torch::kBool));
  torch::Tensor others = logits.unsqueeze(1).expand({logits.size(0), k, k})
                             .masked_fill(eye.unsqueeze(0), -std::numeric_limits<double>::infinity());
  torch::Tensor log_not = torch::logsumexp(others, 2) - torch::logsumexp(logits, 1, true);  // [B, K]
  torch::Tensor w = mask.to(logits.dtype());
  torch::Tensor per_row_weight = w.sum(1);
  torch::Tensor has = per_row_weight > 0;
  const int64_t rows = has.sum().item<int64_t>();
  if (rows == 0) return logits.sum() * 0.0;  // keeps the graph; nothing to learn from
  torch::Tensor per_row = -(w * log_not).sum(1) / per_row_weight.clamp_min(1e-12);
  return per_row.masked_select(has).sum() / static_cast<double>(rows);
}

namespace {

struct NegativeOptions {
  double weight = 1.0;            // lambda_neg (>= 0)
  std::string source = "uniform"; // uniform | votes | teacher | selective
  int k = 1;                      // complementary labels per sample (votes: 0 = every unvoted class)
  std::string confusion;          // teacher: confusion-matrix file (JSON/CSV/metrics.json); empty = teacher logits
  int teacher = 0;                // teacher: recipe teacher whose probabilities weight the draw (no confusion file)
  int nl_epochs = 1;              // selective: epochs of plain negative learning
  int selnl_epochs = 1;           // selective: then epochs of selective negative learning
  double selnl_threshold = 0.125; // selective: SelNL keeps samples with p_y above this (1/K)
  double selpl_threshold = 0.5;   // selective: SelPL trains cross-entropy on samples with p_y above this
  double selpl_weight = 1.0;      // selective: weight of the SelPL cross-entropy
  template <class V>
  void visit(V& v) {
    v("weight", weight, "lambda_neg, the multiplier of this term (>= 0)");
    v("source", source, "complementary labels: uniform | votes | teacher | selective");
    v("k", k, "complementary labels per sample (votes: 0 = all unvoted classes)");
    v("confusion", confusion, "teacher source: confusion matrix file (JSON, CSV or a run's metrics.json)");
    v("teacher", teacher, "teacher source without a confusion file: index of the recipe teacher");
    v("nl_epochs", nl_epochs, "selective: epochs of negative learning");
    v("selnl_epochs", selnl_epochs, "selective: epochs of selective negative learning after NL");
    v("selnl_threshold", selnl_threshold, "selective: SelNL keeps samples with p_y above this");
    v("selpl_threshold", selpl_threshold, "selective: SelPL keeps samples with p_y above this");
    v("selpl_weight", selpl_weight, "selective: weight of the SelPL cross-entropy");
  }
};

class NegativeTerm : public LossTerm {
 public:
  NegativeTerm(const NegativeOptions& o, int64_t seed, std::vector<std::vector<double>> confusion)
      : o_(o), seed_(seed), confusion_(std::move(confusion)) {}
  std::string name() const override { return "negative"; }
  bool needs_teacher() const override { return o_.source == "teacher" && confusion_.empty(); }
  bool needs_votes() const override { return o_.source == "votes"; }

  void compute(const LossBatch& b, LossTerms& out) override {
    const torch::Tensor& z = b.student.logits;
    const int64_t k = z.size(1);
    std::mt19937_64 rng(complementary_seed(seed_, b.epoch, b.step));
    ComplementaryDraw d;
    if (o_.source == "uniform" || o_.source == "selective") {
      d = draw_uniform_complementary(b.labels, k, o_.k, rng);
    } else if (o_.source == "votes") {
      FERKIT_CHECK(b.votes.defined(), "loss term 'negative' (source = votes) needs annotator votes, but the batch "
                                      "has none: the training data has no votes (use FERPlus or another source)");
      d = draw_vote_complementary(b.votes, b.labels, k, o_.k, rng);
    } else {  // teacher
      torch::Tensor weights;
      if (!confusion_.empty()) {
        FERKIT_CHECK(static_cast<int64_t>(confusion_.size()) == k,
                     "loss term 'negative': confusion matrix is " << confusion_.size() << "x, logits have " << k << " classes");
        torch::Tensor c = torch::empty({k, k}, torch::kFloat64);
        for (int64_t r = 0; r < k; ++r)
          for (int64_t col = 0; col < k; ++col) c[r][col] = confusion_[r][col];
        weights = c.index_select(0, b.labels.to(torch::kLong).cpu());
      } else {
        weights = torch::softmax(select_teacher(b, o_.teacher, "negative").detach().to(torch::kFloat64), 1);
      }
      d = draw_weighted_complementary(weights, b.labels, o_.k, rng);
    }
    rows_without_ += d.rows_without;
    torch::Tensor mask = d.mask.to(z.device());
    if (o_.source != "selective") {
      out.emplace_back("negative", o_.weight * negative_learning_loss(z, mask));
      return;
    }
    // NLNL phases: the confidence of the given label decides which samples take part.
    const NlnlPhase phase = nlnl_phase(b.epoch, o_.nl_epochs, o_.selnl_epochs);
    torch::Tensor py = torch::softmax(z.detach(), 1).gather(1, b.labels.to(torch::kLong).unsqueeze(1)).squeeze(1);
    torch::Tensor zero = z.sum() * 0.0;
    if (phase == NlnlPhase::kNegative) {
      out.emplace_back("negative", o_.weight * negative_learning_loss(z, mask));
      out.emplace_back("negative_selpl", zero);
    } else if (phase == NlnlPhase::kSelectiveNegative) {
      mask = mask * (py > o_.selnl_threshold).to(mask.dtype()).unsqueeze(1);
      out.emplace_back("negative", o_.weight * negative_learning_loss(z, mask));
      out.emplace_back("negative_selpl", zero);
    } else {
      torch::Tensor keep = py > o_.selpl_threshold;
      const int64_t n = keep.sum().item<int64_t>();
      torch::Tensor ce = n == 0 ? zero
                                : torch::nn::functional::cross_entropy(z.index({keep}), b.labels.to(torch::kLong).index({keep}));
      out.emplace_back("negative", zero);
      out.emplace_back("negative_selpl", o_.selpl_weight * ce);
    }
  }

 private:
  NegativeOptions o_;
  int64_t seed_;
  std::vector<std::vector<double>> confusion_;
  int64_t rows_without_ = 0;
};

}  // namespace

std::shared_ptr<LossTerm> make_negative_term(const nlohmann::json& table, const std::string& where, const LossSetup& setup) {
  NegativeOptions o;
  bind_options(table, o, where);
  FERKIT_CHECK(o.weight >= 0, where << ".weight (lambda_neg) must be >= 0, got " << o.weight);
  FERKIT_CHECK(o.source == "uniform" || o.source == "votes" || o.source == "teacher" || o.source == "selective",
               where << ".source must be uniform, votes, teacher or selective, got '" << o.source << "'");
  FERKIT_CHECK(o.k >= (o.source == "votes" ? 0 : 1),
               where << ".k must be >= " << (o.source == "votes" ? "0 (0 = all)" : "1") << ", got " << o.k);
  FERKIT_CHECK(o.nl_epochs >= 0 && o.selnl_epochs >= 0, where << ": nl_epochs and selnl_epochs must be >= 0");
  FERKIT_CHECK(o.selnl_threshold >= 0 && o.selnl_threshold < 1 && o.selpl_threshold >= 0 && o.selpl_threshold < 1,
               where << ": selnl_threshold and selpl_threshold must be in [0, 1)");
  std::vector<std::vector<double>> confusion;
  if (o.source == "teacher") {
    if (!o.confusion.empty()) {
      confusion = read_confusion_matrix(o.confusion, 8);
    } else {
      FERKIT_CHECK(setup.num_teachers > 0, where << ": source = \"teacher\" (teacher-guided complementary labels) needs a "
                                                   "teacher: set confusion = FILE (a confusion matrix or a run's "
                                                   "metrics.json) or add a [[teacher]] to the recipe");
      require_teacher_index(o.teacher, setup, where);
    }
  }
  return std::make_shared<NegativeTerm>(o, setup.seed, std::move(confusion));
}

}  // namespace ferkit
