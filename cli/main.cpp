#include "commands.h"

int main(int argc, char** argv) {
  return ferkit::cli::run(std::vector<std::string>(argv + 1, argv + argc));
}
