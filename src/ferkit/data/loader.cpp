// DataLoader: an epoch plan (which dataset indices form batch b) computed from the seed, and a
// pool of workers that turn planned batches into tensors ahead of the consumer. A batch is a pure
// function of (plan, batch index), so the number of workers and their timing cannot change it.
#include "ferkit/loader.h"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>

#include <opencv2/core.hpp>

#include "ferkit/balanced_sampler.h"
#include "ferkit/distributed.h"
#include "ferkit/error.h"
#include "ferkit/mixing.h"
#include "ferkit/model.h"

namespace ferkit {
namespace {

// Which dataset indices make up each batch of one epoch.
struct EpochPlan {
  int64_t epoch = 0;
  std::vector<int64_t> order;    // dataset indices, batch after batch
  std::vector<int64_t> repeat;   // how often order[k] occurred before position k (balanced mode)
  std::vector<int64_t> offsets;  // batch b = order[offsets[b], offsets[b + 1])
  int64_t batches() const { return static_cast<int64_t>(offsets.size()) - 1; }
};

std::string describe_sample(const Dataset& d, int64_t index) {
  const Sample& s = d.samples[static_cast<size_t>(index)];
  std::string where = (d.root / s.image.path).string();
  if (!s.provenance.empty()) where += " (from " + s.provenance + ")";
  return where;
}

InputSpec input_of(const ModelSpec& m) { return InputSpec{m.input_size, m.in_channels, m.mean, m.std}; }

}  // namespace

struct DataLoader::State {
  const Dataset& dataset;
  InputSpec input;
  LoaderOptions options;
  AugmentOptions augment;
  bool train = true;
  int64_t vote_width = 0;  // V when every sample has V votes, else 0
  std::unique_ptr<ClassBalancedSampler> sampler;
  int64_t batches_per_epoch = 0, samples_per_epoch = 0, dropped_per_epoch = 0;
  int shard_rank = 0, shard_count = 1;  // data-parallel part of every global batch

  // Decoded (and CLAHE'd) crops when cache_images; striped locks guard the slots.
  std::vector<cv::Mat> cache;
  std::array<std::mutex, 64> cache_locks;

  // Shared with the workers, under mu.
  std::mutex mu;
  std::condition_variable work_cv, ready_cv;
  std::shared_ptr<const EpochPlan> plan;
  int64_t generation = 0;   // bumped by set_epoch; results of older generations are discarded
  int64_t next_claim = 0;   // next batch a worker may start
  int64_t consumer = 0;     // next batch next() hands out
  struct Result {
    Batch batch;
    std::exception_ptr error;
  };
  std::map<int64_t, Result> done;
  bool stop = false;
  std::vector<std::thread> workers;

  State(const Dataset& d, const InputSpec& in, const LoaderOptions& o, const AugmentOptions& a)
      : dataset(d), input(in), options(o), augment(a) {}

  cv::Mat decode(int64_t index);
  Batch produce(const EpochPlan& plan, int64_t b);
  std::shared_ptr<const EpochPlan> make_plan(int64_t epoch) const;
  void worker_loop();
  void size_epoch();
  int64_t window() const { return std::max<int64_t>(options.prefetch, std::max(options.threads, 1)); }
};

cv::Mat DataLoader::State::decode(int64_t index) {
  const bool cached = options.cache_images;
  if (cached) {
    std::lock_guard<std::mutex> lock(cache_locks[static_cast<size_t>(index) % cache_locks.size()]);
    if (!cache[static_cast<size_t>(index)].empty()) return cache[static_cast<size_t>(index)];
  }
  const Sample& s = dataset.samples[static_cast<size_t>(index)];
  cv::Mat img;
  try {
    img = load_image(dataset, s, input.channels == 1);
  } catch (const cv::Exception& e) {
    throw Error(describe_sample(dataset, index), "an image OpenCV can decode", e.what());
  }
  if (augment.clahe) img = apply_clahe(img, augment.clahe_clip_limit, augment.clahe_tile);
  if (cached) {
    // Two workers may decode the same index at once; both results are equal, keep the first.
    std::lock_guard<std::mutex> lock(cache_locks[static_cast<size_t>(index) % cache_locks.size()]);
    cv::Mat& slot = cache[static_cast<size_t>(index)];
    if (slot.empty()) slot = img;
    return slot;
  }
  return img;
}

Batch DataLoader::State::produce(const EpochPlan& plan, int64_t b) {
  const int64_t global_begin = plan.offsets[static_cast<size_t>(b)];
  const ShardRange part = shard_range(plan.offsets[static_cast<size_t>(b) + 1] - global_begin, shard_rank, shard_count);
  const int64_t begin = global_begin + part.begin, end = global_begin + part.end;
  const int64_t n = end - begin;
  const int64_t per = static_cast<int64_t>(input.channels) * input.size * input.size;
  Batch out;
  out.epoch = plan.epoch;
  out.batch_index = b;
  out.global_size = plan.offsets[static_cast<size_t>(b) + 1] - global_begin;
  out.images = torch::empty({n, input.channels, input.size, input.size}, torch::kFloat32);
  out.targets = torch::empty({n, kNumClasses}, torch::kFloat32);
  out.labels = torch::empty({n}, torch::kLong);
  out.indices = torch::empty({n}, torch::kLong);
  if (vote_width > 0) out.votes = torch::empty({n, vote_width}, torch::kFloat32);
  float* images = out.images.data_ptr<float>();
  float* targets = out.targets.data_ptr<float>();
  int64_t* labels = out.labels.data_ptr<int64_t>();
  int64_t* indices = out.indices.data_ptr<int64_t>();
  float* votes = vote_width > 0 ? out.votes.data_ptr<float>() : nullptr;
  for (int64_t j = 0; j < n; ++j) {
    const size_t k = static_cast<size_t>(begin + j);
    const int64_t index = plan.order[k];
    const Sample& s = dataset.samples[static_cast<size_t>(index)];
    cv::Mat img = decode(index);
    try {
      if (train) {
        AugmentRng rng = augment_rng(static_cast<uint64_t>(options.seed), plan.epoch, index, plan.repeat[k]);
        img = augment_face(img, input, augment, rng);
      }
      preprocess_face_into(img, input, images + j * per);
    } catch (const std::exception& e) {
      throw Error(describe_sample(dataset, index), "an image the augmentation and preprocessing accept", e.what());
    }
    std::copy(s.target.begin(), s.target.end(), targets + j * kNumClasses);
    labels[j] = s.label;
    indices[j] = index;
    if (votes) std::copy(s.votes.begin(), s.votes.end(), votes + j * vote_width);
  }
  out.mix_lambda = torch::ones({n}, torch::kFloat32);
  out.mix_partner = torch::arange(n, torch::kLong);
  if (train && n > 1 && (augment.mixup_p > 0 || augment.cutmix_p > 0)) {
    AugmentRng rng(derive_seed(static_cast<uint64_t>(options.seed), static_cast<uint64_t>(plan.epoch),
                               static_cast<uint64_t>(b), 2));
    mix_batch(out, augment, rng);
  }
  return out;
}

std::shared_ptr<const EpochPlan> DataLoader::State::make_plan(int64_t epoch) const {
  auto plan = std::make_shared<EpochPlan>();
  plan->epoch = epoch;
  const int64_t bs = static_cast<int64_t>(options.batch_size) * shard_count;  // a global batch
  AugmentRng rng(derive_seed(static_cast<uint64_t>(options.seed), static_cast<uint64_t>(epoch), 0, 1));
  if (sampler) {
    auto batches = sampler->epoch(batches_per_epoch, bs, rng);
    plan->offsets.push_back(0);
    for (const auto& batch : batches) {
      plan->order.insert(plan->order.end(), batch.begin(), batch.end());
      plan->offsets.push_back(static_cast<int64_t>(plan->order.size()));
    }
    std::vector<int64_t> seen(dataset.samples.size(), 0);
    plan->repeat.resize(plan->order.size());
    for (size_t k = 0; k < plan->order.size(); ++k) plan->repeat[k] = seen[static_cast<size_t>(plan->order[k])]++;
    return plan;
  }
  plan->order.resize(dataset.samples.size());
  std::iota(plan->order.begin(), plan->order.end(), 0);
  if (options.shuffle) std::shuffle(plan->order.begin(), plan->order.end(), rng);
  plan->order.resize(static_cast<size_t>(samples_per_epoch));  // drop_last: the tail, counted
  plan->repeat.assign(plan->order.size(), 0);
  for (int64_t b = 0; b <= batches_per_epoch; ++b) plan->offsets.push_back(std::min(b * bs, samples_per_epoch));
  return plan;
}

void DataLoader::State::worker_loop() {
  std::unique_lock<std::mutex> lock(mu);
  while (!stop) {
    if (plan && next_claim < plan->batches() && next_claim < consumer + window()) {
      const int64_t b = next_claim++;
      const int64_t gen = generation;
      std::shared_ptr<const EpochPlan> p = plan;
      lock.unlock();
      Result r;
      try {
        r.batch = produce(*p, b);
      } catch (...) {
        r.error = std::current_exception();  // rethrown by next() on the caller's thread
      }
      lock.lock();
      if (gen == generation) {
        done[b] = std::move(r);
        ready_cv.notify_all();
      }
      continue;
    }
    work_cv.wait(lock);
  }
}

// Epoch sizes from the global batch (batch_size x shard_count).
void DataLoader::State::size_epoch() {
  const int64_t n = static_cast<int64_t>(dataset.samples.size());
  const int64_t bs = static_cast<int64_t>(options.batch_size) * shard_count;
  batches_per_epoch = options.drop_last ? n / bs : (n + bs - 1) / bs;
  if (sampler) {
    batches_per_epoch = std::max<int64_t>(batches_per_epoch, 1);
    samples_per_epoch = batches_per_epoch * bs;  // full batches drawn with replacement
    dropped_per_epoch = 0;
  } else {
    samples_per_epoch = options.drop_last ? batches_per_epoch * bs : n;
    dropped_per_epoch = n - samples_per_epoch;
  }
}

DataLoader::DataLoader(const Dataset& dataset, const ModelSpec& model, const LoaderOptions& options,
                       const AugmentOptions& augment)
    : DataLoader(dataset, input_of(model), options, augment) {}

DataLoader::DataLoader(const Dataset& dataset, const InputSpec& input, const LoaderOptions& options,
                       const AugmentOptions& augment)
    : state_(std::make_unique<State>(dataset, input, options, augment)) {
  State& st = *state_;
  const LoaderOptions& o = st.options;
  if (o.batch_size < 1) throw Error("loader.batch_size", "a value >= 1", std::to_string(o.batch_size));
  if (o.threads < 0) throw Error("loader.threads", "a value >= 0", std::to_string(o.threads));
  if (o.prefetch < 1) throw Error("loader.prefetch", "a value >= 1", std::to_string(o.prefetch));
  if (o.mode != "train" && o.mode != "eval") throw Error("loader.mode", "\"train\" or \"eval\"", "\"" + o.mode + "\"");
  if (input.channels != 1 && input.channels != 3)
    throw Error("loader input", "1 (gray) or 3 (RGB) channels", std::to_string(input.channels));
  if (input.size < 1) throw Error("loader input", "a size >= 1", std::to_string(input.size));
  validate(st.augment);
  if (dataset.samples.empty())
    throw Error("loader", "a dataset with at least one sample", "an empty dataset (" + dataset.format + ")");
  st.train = o.mode == "train";

  const size_t v = dataset.samples.front().votes.size();
  bool same = v > 0;
  std::vector<int> labels;
  labels.reserve(dataset.samples.size());
  for (size_t i = 0; i < dataset.samples.size(); ++i) {
    const Sample& s = dataset.samples[i];
    if (s.label < 0 || s.label >= kNumClasses)
      throw Error(s.provenance.empty() ? "sample " + std::to_string(i) : s.provenance,
                  "a label in [0, " + std::to_string(kNumClasses) + ")", std::to_string(s.label));
    same = same && s.votes.size() == v;
    labels.push_back(s.label);
  }
  st.vote_width = same ? static_cast<int64_t>(v) : 0;

  if (o.balanced) st.sampler = std::make_unique<ClassBalancedSampler>(labels);
  st.size_epoch();
  if (o.cache_images) st.cache.resize(dataset.samples.size());
  for (int t = 0; t < o.threads; ++t) st.workers.emplace_back([&st] { st.worker_loop(); });
}

DataLoader::~DataLoader() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stop = true;
  }
  state_->work_cv.notify_all();
  for (auto& w : state_->workers) w.join();
}

void DataLoader::shard(int rank, int world_size) {
  State& st = *state_;
  if (world_size < 1 || rank < 0 || rank >= world_size)
    throw Error("loader shard", "0 <= rank < world_size", "rank " + std::to_string(rank) + " of " + std::to_string(world_size));
  if (st.plan) throw Error("loader shard", "a call before the first set_epoch()/next()", "a loader already started");
  st.shard_rank = rank;
  st.shard_count = world_size;
  st.size_epoch();
}

void DataLoader::set_epoch(int64_t epoch) {
  State& st = *state_;
  auto plan = st.make_plan(epoch);
  {
    std::lock_guard<std::mutex> lock(st.mu);
    st.plan = std::move(plan);
    ++st.generation;
    st.next_claim = 0;
    st.consumer = 0;
    st.done.clear();
  }
  st.work_cv.notify_all();
}

bool DataLoader::next(Batch& batch) {
  State& st = *state_;
  if (!st.plan) set_epoch(0);
  if (st.consumer >= st.plan->batches()) return false;
  if (st.workers.empty()) {
    const int64_t b = st.consumer++;
    batch = st.produce(*st.plan, b);
    return true;
  }
  State::Result r;
  {
    std::unique_lock<std::mutex> lock(st.mu);
    const int64_t b = st.consumer;
    st.ready_cv.wait(lock, [&] { return st.done.count(b) > 0; });
    r = std::move(st.done[b]);
    st.done.erase(b);
    ++st.consumer;
  }
  st.work_cv.notify_all();  // the prefetch window moved
  if (r.error) std::rethrow_exception(r.error);
  batch = std::move(r.batch);
  return true;
}

int64_t DataLoader::epoch() const { return state_->plan ? state_->plan->epoch : 0; }
int64_t DataLoader::batches_per_epoch() const { return state_->batches_per_epoch; }
int64_t DataLoader::samples_per_epoch() const { return state_->samples_per_epoch; }
int64_t DataLoader::dropped_per_epoch() const { return state_->dropped_per_epoch; }
const LoaderOptions& DataLoader::options() const { return state_->options; }
const InputSpec& DataLoader::input() const { return state_->input; }

}  // namespace ferkit
