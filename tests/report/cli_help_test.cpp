// The CLI reads like a manual: every command has a description and, on every leaf command, a
// footer with an example that runs that command; docs/cli.md lists every command with an example;
// errors are one line.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "commands.h"
#include "ferkit/report/install_paths.h"
#include "support/test_support.h"

namespace ferkit {
namespace {

struct Command {
  std::string path;  // "data index"
  CLI::App* app;
};

// CLI11 keeps option groups among the subcommands, with empty names: they are not commands.
std::vector<CLI::App*> named_subcommands(CLI::App* app) {
  return app->get_subcommands([](CLI::App* sub) { return !sub->get_name().empty(); });
}

std::vector<Command> all_commands(CLI::App& root) {
  std::vector<Command> out;
  std::function<void(CLI::App*, const std::string&)> walk = [&](CLI::App* app, const std::string& prefix) {
    for (CLI::App* sub : named_subcommands(app)) {
      const std::string path = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
      out.push_back({path, sub});
      walk(sub, path);
    }
  };
  walk(&root, "");
  return out;
}

TEST(CliHelp, EveryLeafCommandHasAnExampleInItsFooter) {
  CLI::App app;
  cli::register_all_commands(app);
  const auto commands = all_commands(app);
  ASSERT_GE(commands.size(), 20u);
  for (const auto& c : commands) {
    EXPECT_FALSE(c.app->get_description().empty()) << "ferkit " << c.path << " has no description";
    if (!named_subcommands(c.app).empty()) continue;
    EXPECT_NE(c.app->get_footer().find("ferkit " + c.path), std::string::npos)
        << "ferkit " << c.path << ": the footer has no example running it";
  }
}

TEST(CliHelp, DocsListEveryCommandWithAnExample) {
  const std::string doc = test::read_text(source_dir() / "docs/cli.md");
  ASSERT_FALSE(doc.empty()) << "docs/cli.md is missing";
  CLI::App app;
  cli::register_all_commands(app);
  for (const auto& c : all_commands(app)) {
    EXPECT_NE(doc.find("## ferkit " + c.path + "\n"), std::string::npos) << "docs/cli.md has no '## ferkit " << c.path << "'";
    if (named_subcommands(c.app).empty())
      EXPECT_NE(doc.find("\nferkit " + c.path + " "), std::string::npos) << "docs/cli.md has no example of ferkit " << c.path;
  }
}

TEST(CliHelp, TopLevelHelpAndOneLineErrors) {
  auto r = test::run_cli({"--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* s : {"demo", "report", "tables", "artifacts", "doctor", "The first five minutes"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
  r = test::run_cli({"artifacts", "verify", "/nonexistent/bundle.zip"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind("ferkit: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  r = test::run_cli({"--quiet", "doctor", "--no-peers"});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.err.empty()) << r.err;
}

}  // namespace
}  // namespace ferkit
