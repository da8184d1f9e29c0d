#include "ferkit/loader.h"

#include <map>
#include <set>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "ferkit/error.h"
#include "ferkit/model.h"
#include "ferkit/options.h"
#include "loader/loader_fixtures.h"

namespace ferkit {
namespace {

using test::TempDir;

std::vector<Batch> whole_epoch(DataLoader& loader, int64_t epoch) {
  loader.set_epoch(epoch);
  std::vector<Batch> out;
  Batch b;
  while (loader.next(b)) out.push_back(b);
  return out;
}

// Every switch on, so that determinism covers every random draw.
AugmentOptions busy_augment() {
  AugmentOptions a;
  a.noise_sigma = 4.0;
  a.rotation_degrees = 15;
  a.mixup_p = 0.4;
  a.cutmix_p = 0.4;
  return a;
}

void expect_same_batches(const std::vector<Batch>& a, const std::vector<Batch>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::equal(a[i].images, b[i].images)) << what << ", batch " << i;
    EXPECT_TRUE(torch::equal(a[i].targets, b[i].targets)) << what << ", batch " << i;
    EXPECT_TRUE(torch::equal(a[i].indices, b[i].indices)) << what << ", batch " << i;
    EXPECT_TRUE(torch::equal(a[i].votes, b[i].votes)) << what << ", batch " << i;
    EXPECT_TRUE(torch::equal(a[i].mix_lambda, b[i].mix_lambda)) << what << ", batch " << i;
  }
}

TEST(Loader, ShapesAndTypes) {
  torch::set_num_threads(1);
  TempDir dir("loader");
  Dataset d = test::png_dataset(dir, 11);
  LoaderOptions o;
  o.batch_size = 4;
  InputSpec in{40, 1, {0.5}, {0.5}};
  DataLoader loader(d, in, o);
  auto batches = whole_epoch(loader, 0);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(loader.batches_per_epoch(), 3);
  EXPECT_EQ(loader.samples_per_epoch(), 11);
  EXPECT_EQ(loader.dropped_per_epoch(), 0);
  const Batch& b = batches[0];
  EXPECT_EQ(b.images.sizes(), (torch::IntArrayRef{4, 1, 40, 40}));
  EXPECT_EQ(b.images.scalar_type(), torch::kFloat32);
  EXPECT_EQ(b.targets.sizes(), (torch::IntArrayRef{4, 8}));
  EXPECT_EQ(b.targets.scalar_type(), torch::kFloat32);
  EXPECT_EQ(b.labels.sizes(), (torch::IntArrayRef{4}));
  EXPECT_EQ(b.labels.scalar_type(), torch::kLong);
  EXPECT_EQ(b.indices.scalar_type(), torch::kLong);
  EXPECT_EQ(b.votes.sizes(), (torch::IntArrayRef{4, 10}));
  EXPECT_EQ(batches[2].size(), 3);  // the short last batch is kept
  for (int64_t j = 0; j < b.size(); ++j) {
    const Sample& s = d.samples[static_cast<size_t>(b.indices[j].item<int64_t>())];
    EXPECT_EQ(b.labels[j].item<int64_t>(), s.label);
    EXPECT_EQ(b.votes[j][s.label].item<float>(), s.votes[static_cast<size_t>(s.label)]);
  }
}

TEST(Loader, NormalisationByHand) {
  Dataset d = test::constant_memory_dataset({0, 51, 200, 255});
  LoaderOptions o;
  o.mode = "eval";
  o.shuffle = false;
  o.batch_size = 4;
  o.threads = 1;
  InputSpec in{48, 1, {0.4}, {0.25}};
  DataLoader loader(d, in, o);
  auto batches = whole_epoch(loader, 0);
  ASSERT_EQ(batches.size(), 1u);
  const float expected[] = {(0 / 255.0f - 0.4f) / 0.25f, (51 / 255.0f - 0.4f) / 0.25f, (200 / 255.0f - 0.4f) / 0.25f,
                            (255 / 255.0f - 0.4f) / 0.25f};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(batches[0].images[i].min().item<float>(), expected[i], 1e-5) << i;
    EXPECT_NEAR(batches[0].images[i].max().item<float>(), expected[i], 1e-5) << i;
  }
  EXPECT_FALSE(batches[0].votes.defined());  // no votes in this dataset
}

TEST(Loader, SameSeedSameBatchesWhateverTheWorkerCount) {
  torch::set_num_threads(1);
  TempDir dir("loader");
  Dataset d = test::png_dataset(dir, 23);
  InputSpec in{48, 1, {0.5}, {0.5}};
  std::vector<std::vector<Batch>> runs;
  for (int threads : {1, 2, 0}) {
    LoaderOptions o;
    o.batch_size = 5;
    o.threads = threads;
    o.prefetch = 2;
    o.seed = 42;
    DataLoader loader(d, in, o, busy_augment());
    runs.push_back(whole_epoch(loader, 3));
  }
  expect_same_batches(runs[0], runs[1], "1 vs 2 workers");
  expect_same_batches(runs[0], runs[2], "1 worker vs the caller's thread");
  bool mixed = false;
  for (const auto& b : runs[0]) mixed = mixed || b.mix_lambda.lt(1.0).any().item<bool>();
  EXPECT_TRUE(mixed) << "mixing was never exercised";
}

TEST(Loader, EpochsDifferAndEachVisitsEverySampleOnce) {
  torch::set_num_threads(1);
  TempDir dir("loader");
  Dataset d = test::png_dataset(dir, 17);
  LoaderOptions o;
  o.batch_size = 4;
  o.seed = 1;
  AugmentOptions a;  // defaults: geometric and photometric jitter, no mixing
  DataLoader loader(d, InputSpec{48, 1, {0.5}, {0.5}}, o, a);
  std::map<int64_t, torch::Tensor> image_of[2];
  std::vector<int64_t> order[2];
  for (int64_t e = 0; e < 2; ++e) {
    std::multiset<int64_t> seen;
    for (const auto& b : whole_epoch(loader, e)) {
      EXPECT_EQ(b.epoch, e);
      for (int64_t j = 0; j < b.size(); ++j) {
        const int64_t i = b.indices[j].item<int64_t>();
        seen.insert(i);
        order[e].push_back(i);
        image_of[e][i] = b.images[j];
      }
    }
    ASSERT_EQ(seen.size(), 17u);
    for (int64_t i = 0; i < 17; ++i) EXPECT_EQ(seen.count(i), 1u) << "epoch " << e << ", index " << i;
  }
  EXPECT_NE(order[0], order[1]);
  int differing = 0;
  for (int64_t i = 0; i < 17; ++i) differing += torch::equal(image_of[0][i], image_of[1][i]) ? 0 : 1;
  EXPECT_GE(differing, 15);  // new augmentation for (nearly) every sample
  // Replaying epoch 0 gives it back exactly.
  auto again = whole_epoch(loader, 0);
  int64_t k = 0;
  for (const auto& b : again)
    for (int64_t j = 0; j < b.size(); ++j, ++k) {
      ASSERT_EQ(b.indices[j].item<int64_t>(), order[0][static_cast<size_t>(k)]);
      EXPECT_TRUE(torch::equal(b.images[j], image_of[0][order[0][static_cast<size_t>(k)]]));
    }
}

TEST(Loader, EvalModeIsExactlyThePreprocessing) {
  TempDir dir("loader");
  Dataset d = test::png_dataset(dir, 7, 4, 60);  // 60x60 sources: the resize is exercised
  for (int channels : {1, 3}) {
    for (bool clahe : {false, true}) {
      InputSpec in{48, channels, {0.485, 0.456, 0.406}, {0.229, 0.224, 0.225}};
      if (channels == 1) in = InputSpec{48, 1, {0.5}, {0.25}};
      LoaderOptions o;
      o.mode = "eval";
      o.shuffle = false;
      o.batch_size = 3;
      AugmentOptions a = busy_augment();  // ignored in eval mode, except CLAHE
      a.clahe = clahe;
      DataLoader loader(d, in, o, a);
      for (const auto& b : whole_epoch(loader, 5)) {
        EXPECT_TRUE(torch::equal(b.mix_lambda, torch::ones({b.size()})));
        for (int64_t j = 0; j < b.size(); ++j) {
          const int64_t i = b.indices[j].item<int64_t>();
          cv::Mat face = load_image(d, d.samples[static_cast<size_t>(i)], channels == 1);
          if (clahe) face = apply_clahe(face, 2.0, 8);  // checked against cv::createCLAHE in augment_test
          std::vector<float> expected = preprocess_face(face, in);
          torch::Tensor want = torch::from_blob(expected.data(), {channels, 48, 48}, torch::kFloat32);
          EXPECT_TRUE(torch::equal(b.images[j], want)) << channels << " channels, clahe " << clahe << ", index " << i;
        }
      }
    }
  }
}

TEST(Loader, CacheDoesNotChangeBatches) {
  torch::set_num_threads(1);
  TempDir dir("loader");
  Dataset d = test::png_dataset(dir, 9);
  std::vector<std::vector<Batch>> runs;
  for (bool cache : {false, true}) {
    LoaderOptions o;
    o.batch_size = 4;
    o.cache_images = cache;
    DataLoader loader(d, InputSpec{48, 1, {0.5}, {0.5}}, o, busy_augment());
    runs.push_back(whole_epoch(loader, 0));
    if (cache) {
      std::filesystem::remove(dir / d.samples[0].image.path);  // decoded copy is held in memory
      runs.push_back(whole_epoch(loader, 0));
    }
  }
  expect_same_batches(runs[0], runs[1], "cache off vs on");
  expect_same_batches(runs[0], runs[2], "cache on, second pass");
}

TEST(Loader, DropLastIsCounted) {
  TempDir dir("loader");
  Dataset d = test::png_dataset(dir, 23);
  LoaderOptions o;
  o.batch_size = 5;
  o.drop_last = true;
  o.mode = "eval";
  DataLoader loader(d, InputSpec{48, 1, {0.5}, {0.5}}, o);
  EXPECT_EQ(loader.batches_per_epoch(), 4);
  EXPECT_EQ(loader.samples_per_epoch(), 20);
  EXPECT_EQ(loader.dropped_per_epoch(), 3);
  std::set<int64_t> seen;
  for (const auto& b : whole_epoch(loader, 0)) {
    EXPECT_EQ(b.size(), 5);
    for (int64_t j = 0; j < b.size(); ++j) seen.insert(b.indices[j].item<int64_t>());
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()) + loader.dropped_per_epoch(), 23);
}

TEST(Loader, BalancedBatchesHoldEveryClassTwice) {
  torch::set_num_threads(1);
  TempDir dir("loader");
  // 30 images, labels skewed: 24 of class 0, 4 of class 1, 2 of class 2.
  Dataset d = test::png_dataset(dir, 30);
  for (size_t i = 0; i < d.samples.size(); ++i) {
    d.samples[i].label = i < 24 ? 0 : i < 28 ? 1 : 2;
    d.samples[i].target = one_hot(d.samples[i].label);
  }
  LoaderOptions o;
  o.batch_size = 8;
  o.balanced = true;
  DataLoader loader(d, InputSpec{32, 1, {0.5}, {0.5}}, o);
  EXPECT_EQ(loader.batches_per_epoch(), 4);
  for (int64_t e = 0; e < 5; ++e)
    for (const auto& b : whole_epoch(loader, e)) {
      ASSERT_EQ(b.size(), 8);
      for (int c = 0; c < 3; ++c) EXPECT_GE(b.labels.eq(c).sum().item<int64_t>(), 2) << "epoch " << e << ", class " << c;
    }
}

TEST(Loader, UnreadableImageIsAnErrorOnTheCallersThread) {
  TempDir dir("loader");
  Dataset d = test::png_dataset(dir, 12);
  std::filesystem::remove(dir / "img6.png");
  test::write_text(dir / "img9.png", "not a png");
  for (int threads : {0, 2}) {
    LoaderOptions o;
    o.batch_size = 4;
    o.shuffle = false;
    o.threads = threads;
    DataLoader loader(d, InputSpec{48, 1, {0.5}, {0.5}}, o);
    for (int pass = 0; pass < 2; ++pass) {  // usable again after set_epoch
      loader.set_epoch(pass);
      Batch b;
      ASSERT_TRUE(loader.next(b));
      try {
        loader.next(b);
        FAIL() << "expected an error for the missing file";
      } catch (const Error& e) {
        const std::string w = e.what();
        EXPECT_NE(w.find("img6.png"), std::string::npos) << w;
        EXPECT_NE(w.find("labels.csv:7"), std::string::npos) << w;
        EXPECT_NE(w.find("no such file"), std::string::npos) << w;
      }
      try {
        loader.next(b);
        FAIL() << "expected an error for the undecodable file";
      } catch (const Error& e) {
        const std::string w = e.what();
        EXPECT_NE(w.find("img9.png"), std::string::npos) << w;
        EXPECT_NE(w.find("labels.csv:10"), std::string::npos) << w;
      }
      EXPECT_FALSE(loader.next(b));
    }
  }
}

TEST(Loader, InvalidOptionsNameTheField) {
  TempDir dir("loader");
  Dataset d = test::png_dataset(dir, 2);
  LoaderOptions o;
  o.mode = "training";
  try {
    DataLoader loader(d, InputSpec{}, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("loader.mode"), std::string::npos) << e.what();
  }
  LoaderOptions zero;
  zero.batch_size = 0;
  EXPECT_THROW(DataLoader(d, InputSpec{}, zero), Error);
  AugmentOptions a;
  a.brightness = -1;
  EXPECT_THROW(DataLoader(d, InputSpec{}, LoaderOptions{}, a), Error);
  EXPECT_THROW(DataLoader(Dataset{}, InputSpec{}, LoaderOptions{}), Error);
}

TEST(Loader, ModelSpecGivesTheInput) {
  TempDir dir("loader");
  Dataset d = test::png_dataset(dir, 3);
  ModelSpec spec;
  spec.input_size = 56;
  spec.in_channels = 3;
  spec.mean = {0.5, 0.5, 0.5};
  spec.std = {0.2, 0.2, 0.2};
  LoaderOptions o;
  o.mode = "eval";
  DataLoader loader(d, spec, o);
  EXPECT_EQ(loader.input().size, 56);
  auto batches = whole_epoch(loader, 0);
  EXPECT_EQ(batches[0].images.sizes(), (torch::IntArrayRef{3, 3, 56, 56}));
}

TEST(Loader, ImagesToTensorIsThePreprocessing) {
  std::vector<cv::Mat> crops = {test::pattern_image(80, 64, 3, 1), test::pattern_image(48, 48, 1, 2),
                                test::pattern_image(20, 30, 3, 3)};
  InputSpec in{48, 3, {0.5, 0.4, 0.3}, {0.2, 0.3, 0.4}};
  torch::Tensor t = images_to_tensor(crops, in);
  ASSERT_EQ(t.sizes(), (torch::IntArrayRef{3, 3, 48, 48}));
  for (size_t i = 0; i < crops.size(); ++i) {
    std::vector<float> expected = preprocess_face(crops[i], in);
    EXPECT_TRUE(torch::equal(t[static_cast<int64_t>(i)], torch::from_blob(expected.data(), {3, 48, 48})));
  }
  EXPECT_EQ(images_to_tensor({}, in).size(0), 0);
  try {
    images_to_tensor({crops[0], cv::Mat()}, in);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("crop 1 of 2"), std::string::npos) << e.what();
  }
}

TEST(Loader, OptionsLoadFromTomlByFieldName) {
  auto cfg = parse_toml(
      "[loader]\nbatch_size = 32\nthreads = 1\nprefetch = 2\nseed = 7\nshuffle = false\ndrop_last = true\n"
      "mode = \"eval\"\nbalanced = true\ncache_images = true\n"
      "[augment]\ncrop_padding = 2\nflip_p = 0.25\nrotation_degrees = 5.0\nscale_jitter = 0.05\n"
      "translate_jitter = 0.05\nbrightness = 0.1\ncontrast = 0.3\nnoise_sigma = 2.0\nclahe = true\n"
      "clahe_clip_limit = 3.0\nclahe_tile = 4\nmixup_alpha = 0.4\nmixup_p = 0.3\ncutmix_alpha = 0.5\ncutmix_p = 0.2\n"
      "corruption_p = 0.4\ncorruption_max_severity = 2\ncorruption_names = [\"jpeg\", \"low_light\"]\ngrey_colour_mix_p = 0.1\n",
      "recipe.toml");
  LoaderOptions lo;
  AugmentOptions ao;
  bind_options(cfg["loader"], lo, "loader");
  bind_options(cfg["augment"], ao, "augment");
  // Every field was given a non-default value: each must have been read through visit().
  const auto lo_default = to_json(LoaderOptions{}), ao_default = to_json(AugmentOptions{});
  for (auto it = cfg["loader"].begin(); it != cfg["loader"].end(); ++it) {
    EXPECT_EQ(to_json(lo)[it.key()], it.value()) << it.key();
    EXPECT_NE(lo_default[it.key()], it.value()) << it.key();
  }
  for (auto it = cfg["augment"].begin(); it != cfg["augment"].end(); ++it) {
    EXPECT_EQ(to_json(ao)[it.key()], it.value()) << it.key();
    EXPECT_NE(ao_default[it.key()], it.value()) << it.key();
  }
  EXPECT_EQ(to_json(lo).size(), cfg["loader"].size());
  EXPECT_EQ(to_json(ao).size(), cfg["augment"].size());
  EXPECT_NO_THROW(validate(ao));
}

}  // namespace
}  // namespace ferkit
