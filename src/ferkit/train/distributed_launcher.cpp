// The local launcher behind `ferkit train --nproc N`: fork + exec of the same program once per
// rank with torch's launcher variables set, then supervision. Hand-written on POSIX calls because
// torch's launcher (torchrun) is Python; what it adds here is fail-fast: the first rank that
// fails takes the others down, so a dead rank never leaves its peers hanging in a collective.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "ferkit/console.h"
#include "ferkit/distributed.h"
#include "ferkit/error.h"

namespace ferkit {
namespace {

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  return "ended with wait status " + std::to_string(status);
}

}  // namespace

// A port the kernel considers free right now (bound to port 0, then released).
int free_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error("launcher", "a socket to find a free port", std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw Error("launcher", "a free loopback port", why);
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

int launch_local_ranks(const std::string& program, const std::vector<std::string>& args, int nproc,
                       const DistributedOptions& base) {
  if (nproc < 1) throw Error("--nproc", "a value >= 1", std::to_string(nproc));
  DistributedOptions o = base;
  o.world_size = nproc;
  o.rank = 0;
  validate(o);
  if (o.master_port == 0) o.master_port = free_local_port();

  std::vector<std::string> argv_s;
  argv_s.push_back(program);
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<pid_t> pids(static_cast<size_t>(nproc), -1);
  for (int r = 0; r < nproc; ++r) {
    const pid_t pid = ::fork();
    if (pid < 0) {
      for (pid_t p : pids)
        if (p > 0) ::kill(p, SIGKILL);
      throw Error("launcher", "fork() of rank " + std::to_string(r), std::strerror(errno));
    }
    if (pid == 0) {
      // Child: only async-signal-safe work until exec (setenv is fine in the fresh child).
      ::setenv("MASTER_ADDR", o.master_addr.c_str(), 1);
      ::setenv("MASTER_PORT", std::to_string(o.master_port).c_str(), 1);
      ::setenv("RANK", std::to_string(r).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      std::vector<char*> argv;
      for (auto& a : argv_s) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(program.c_str(), argv.data());
      const std::string msg = "ferkit launcher: exec " + program + " failed: " + std::strerror(errno) + "\n";
      (void)!::write(2, msg.data(), msg.size());
      ::_exit(127);
    }
    pids[static_cast<size_t>(r)] = pid;
  }
  info("launched " + std::to_string(nproc) + " ranks on " + o.master_addr + ":" + std::to_string(o.master_port));

  // Supervise: poll every rank each round, so that the first failure, whichever rank it is, is
  // seen at once. Ranks that failed in the same round are all named (their order is unknown).
  int running = nproc;
  while (running > 0) {
    std::vector<std::string> failures;
    bool reaped = false;
    for (int r = 0; r < nproc; ++r) {
      pid_t& pid = pids[static_cast<size_t>(r)];
      if (pid <= 0) continue;
      int status = 0;
      const pid_t got = ::waitpid(pid, &status, WNOHANG);
      if (got == 0 || (got < 0 && errno == EINTR)) continue;
      reaped = true;
      pid = -1;
      --running;
      if (got > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) continue;
      failures.push_back("rank " + std::to_string(r) + " " + (got > 0 ? describe_status(status) : "could not be waited for"));
    }
    if (!failures.empty()) {
      // Stop the survivors: SIGTERM, then SIGKILL after the grace period.
      for (pid_t p : pids)
        if (p > 0) ::kill(p, SIGTERM);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.kill_grace_s);
      for (pid_t& p : pids) {
        while (p > 0) {
          if (::waitpid(p, nullptr, WNOHANG) != 0) {
            p = -1;
          } else if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(p, SIGKILL);
            ::waitpid(p, nullptr, 0);
            p = -1;
          } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }
      }
      std::string found;
      for (const auto& f : failures) found += (found.empty() ? "" : ", ") + f;
      throw Error("ferkit launcher (" + std::to_string(nproc) + " ranks)", "every rank to finish with status 0",
                  found + (running > 0 ? "; the other ranks were stopped" : ""));
    }
    if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

}  // namespace ferkit
