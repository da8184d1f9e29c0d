#include "ferkit/options.h"

#include <gtest/gtest.h>

namespace ferkit {
namespace {

struct Inner {
  double lr = 0.1;
  std::vector<int> milestones = {3, 6};
  template <class V> void visit(V& v) {
    v("lr", lr, "learning rate");
    v("milestones", milestones, "epochs");
  }
};
struct Outer {
  int epochs = 10;
  bool ema = false;
  std::string name = "b0";
  Inner schedule;
  template <class V> void visit(V& v) {
    v("epochs", epochs, "epochs");
    v("ema", ema, "weight EMA");
    v("name", name, "run name");
    v("schedule", schedule, "schedule");
  }
};

TEST(Options, TomlOverridesAndJsonRoundTrip) {
  auto cfg = parse_toml("epochs = 3\n[schedule]\nlr = 0.5\nmilestones = [1, 2, 4]\n", "recipe.toml");
  apply_override(cfg, "schedule.lr=0.25");
  apply_override(cfg, "name=kd");
  Outer o;
  bind_options(cfg, o, "recipe");
  EXPECT_EQ(o.epochs, 3);
  EXPECT_DOUBLE_EQ(o.schedule.lr, 0.25);
  EXPECT_EQ(o.schedule.milestones, (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(o.name, "kd");
  EXPECT_FALSE(o.ema);
  auto j = to_json(o);
  Outer back;
  bind_options(j, back, "recipe");
  EXPECT_EQ(to_json(back), j);
}

TEST(Options, UnknownKeySuggestsNearest) {
  auto cfg = parse_toml("[schedule]\nrl = 0.5\n", "recipe.toml");
  Outer o;
  try {
    bind_options(cfg, o, "recipe");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("recipe.schedule.rl"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("did you mean 'recipe.schedule.lr'"), std::string::npos) << e.what();
  }
}

TEST(Options, WrongTypeNamesKeyAndValue) {
  auto cfg = parse_toml("epochs = \"ten\"\n", "recipe.toml");
  Outer o;
  try {
    bind_options(cfg, o, "recipe");
    FAIL();
  } catch (const Error& e) {
    std::string w = e.what();
    EXPECT_NE(w.find("recipe.epochs"), std::string::npos) << w;
    EXPECT_NE(w.find("an integer"), std::string::npos) << w;
  }
}

TEST(Options, TomlSyntaxErrorNamesLine) {
  try {
    parse_toml("epochs = 3\nlr = = 2\n", "bad.toml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.toml:2"), std::string::npos) << e.what();
  }
}

TEST(Options, NearestNameRejectsFarGuesses) {
  EXPECT_EQ(nearest_name("epocs", {"epochs", "ema"}), "epochs");
  EXPECT_EQ(nearest_name("completely_different", {"epochs", "ema"}), "");
}

}  // namespace
}  // namespace ferkit
