// On the real FERPlus release in ../shared/data/ferplus (skipped when it is absent).
#include <gtest/gtest.h>

#include <iostream>

#include "ferkit/integrity.h"
#include "ferkit/readers.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

void check_split(const std::string& split) {
  ReadOptions o;
  o.format = "ferplus";
  o.path = test::ferplus_dir();
  o.split = split;
  const Dataset d = read_dataset(o);
  ASSERT_FALSE(d.samples.empty());
  const auto counts = d.class_counts();
  std::cout << "FERPlus " << split << " (majority): " << d.samples.size() << " samples, " << d.total_dropped()
            << " dropped\n";
  int64_t sum = 0;
  for (int k = 0; k < kNumClasses; ++k) {
    std::cout << "  " << class_name(k) << " " << counts[k] << "\n";
    EXPECT_GT(counts[k], 0) << class_name(k);
    sum += counts[k];
  }
  EXPECT_EQ(sum, static_cast<int64_t>(d.samples.size()));
  for (const auto& s : d.samples) ASSERT_EQ(s.split, parse_split(split));
  CheckOptions c;
  c.expected_size = 48;
  c.max_listed = 3;
  const CheckReport r = check_dataset(d, c);
  EXPECT_TRUE(r.ok()) << r.text();
  EXPECT_EQ(r.count("missing_file"), 0);
  EXPECT_EQ(r.count("image_without_label"), 0) << r.text();
}

TEST(RealFerplus, TrainSplitLoadsAndChecksClean) {
  FERKIT_REQUIRE_FERPLUS();
  check_split("train");
}

TEST(RealFerplus, ValidSplitLoadsAndChecksClean) {
  FERKIT_REQUIRE_FERPLUS();
  check_split("valid");
}

}  // namespace
}  // namespace ferkit
