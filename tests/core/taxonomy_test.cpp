#include "ferkit/error.h"
#include "ferkit/taxonomy.h"

#include <gtest/gtest.h>

namespace ferkit {
namespace {

TEST(Taxonomy, CanonicalOrderIsFerplus) {
  const std::vector<std::string> expected = {"neutral", "happiness", "surprise", "sadness",
                                             "anger", "disgust", "fear", "contempt"};
  ASSERT_EQ(class_names().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(class_names()[i], expected[i]);
}

TEST(Taxonomy, SynonymsMapToCanonical) {
  EXPECT_EQ(class_index("happy"), kHappiness);
  EXPECT_EQ(class_index("SAD"), kSadness);
  EXPECT_EQ(class_index("angry"), kAnger);
  EXPECT_EQ(class_index("fearful"), kFear);
  EXPECT_EQ(class_index("disgusted"), kDisgust);
  EXPECT_EQ(class_index("surprised"), kSurprise);
  EXPECT_THROW(class_index("bored"), Error);
  EXPECT_EQ(try_class_index("bored"), kDropped);
}

TEST(Taxonomy, Fer2013Mapping) {
  const auto& m = label_mapping("fer2013");
  const int expected[] = {kAnger, kDisgust, kFear, kHappiness, kSadness, kSurprise, kNeutral};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(m.to_canonical(i), expected[i]) << i;
  EXPECT_THROW(m.to_canonical(7), Error);
  EXPECT_FALSE(m.covered()[kContempt]);
}

TEST(Taxonomy, AffectnetMappingDropsNoneUncertainNoFace) {
  const auto& m = label_mapping("affectnet");
  const int expected[] = {kNeutral, kHappiness, kSadness, kSurprise, kFear, kDisgust, kAnger, kContempt};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(m.to_canonical(i), expected[i]) << i;
  for (int i = 8; i <= 10; ++i) EXPECT_EQ(m.to_canonical(i), kDropped) << i;
  EXPECT_THROW(m.to_canonical(11), Error);
  EXPECT_THROW(m.to_canonical(-1), Error);
}

TEST(Taxonomy, RafdbMappingStartsAtOne) {
  const auto& m = label_mapping("rafdb");
  const int expected[] = {kSurprise, kFear, kDisgust, kHappiness, kSadness, kAnger, kNeutral};
  for (int i = 1; i <= 7; ++i) EXPECT_EQ(m.to_canonical(i), expected[i - 1]) << i;
  EXPECT_THROW(m.to_canonical(0), Error);
  EXPECT_THROW(m.to_canonical(8), Error);
}

TEST(Taxonomy, CkplusAndFaceapiMappings) {
  const auto& ck = label_mapping("ckplus");
  const int ck_expected[] = {kAnger, kContempt, kDisgust, kFear, kHappiness, kSadness, kSurprise};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(ck.to_canonical(i), ck_expected[i]) << i;
  EXPECT_FALSE(ck.covered()[kNeutral]);
  const auto& fa = label_mapping("faceapi");
  const int fa_expected[] = {kNeutral, kHappiness, kSadness, kAnger, kFear, kDisgust, kSurprise};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(fa.to_canonical(i), fa_expected[i]) << i;
  EXPECT_FALSE(fa.covered()[kContempt]);
}

TEST(Taxonomy, UnknownMappingNamesTheKnownOnes) {
  try {
    label_mapping("kdef");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("affectnet"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ferkit
