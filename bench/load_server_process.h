// ServerProcess: `approdo serve` started as a child process for a load run, with what the run measures of
// it: start-up time (until it says it serves), CPU time (user + system, from /proc), peak resident memory
// (VmHWM) and the counters of /metrics. Its stderr is read on a thread of ours; lines are passed through
// (Approdo logs no personal data), except the routine start-up lines.
//
// Thread-safety: one owner thread.
#pragma once

#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace approdo::bench {

class ServerProcess {
 public:
  ServerProcess(const std::string& binary, const std::string& config_path) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    auto started = std::chrono::steady_clock::now();
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(fds[1], STDERR_FILENO);
      close(fds[0]);
      close(fds[1]);
      // A clean environment: APPRODO_* variables of the caller must not change the generated config.
      char* envp[] = {const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
      execle(binary.c_str(), "approdo", "serve", "--config", config_path.c_str(), static_cast<char*>(nullptr), envp);
      _exit(127);
    }
    close(fds[1]);
    err_ = fdopen(fds[0], "r");
    // Wait for "approdo: serving on http://HOST:PORT/ ...".
    char line[4096];
    std::string before;
    while (std::fgets(line, sizeof line, err_)) {
      std::string l(line);
      before += l;
      auto at = l.find("serving on http://");
      if (at == std::string::npos) continue;
      auto colon = l.find(':', at + 18);
      port_ = std::stoi(l.substr(colon + 1));
      break;
    }
    if (port_ <= 0) throw std::runtime_error("approdo serve did not start:\n" + before);
    startup_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    drain_ = std::thread([this] {
      char l[4096];
      while (std::fgets(l, sizeof l, err_)) std::fputs(l, stderr);
    });
  }

  ~ServerProcess() { stop(); }

  int port() const { return port_; }
  double startup_ms() const { return startup_ms_; }

  // CPU seconds (user + system) used so far.
  double cpu_seconds() const {
    std::ifstream f("/proc/" + std::to_string(pid_) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), {});
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));  // fields after "(comm)", from field 3
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stoll(field);
      if (i == 15) stime = std::stoll(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }

  // Peak resident memory so far, in MiB.
  double peak_rss_mib() const {
    std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(f, line);)
      if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
  }

  // The counters and gauges of /metrics, by name (empty when it does not answer).
  std::map<std::string, double> metrics() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    std::map<std::string, double> out;
    auto res = c.Get("/metrics");
    if (!res || res->status != 200) return out;
    std::istringstream in(res->body);
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      auto sp = line.rfind(' ');
      if (sp != std::string::npos) out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
    }
    return out;
  }

  // SIGTERM (the server finishes what it has in hand), then SIGKILL after `grace`.
  void stop(std::chrono::seconds grace = std::chrono::seconds(20)) {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + grace;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        std::fprintf(stderr, "load: approdo did not stop within %llds; killed\n", static_cast<long long>(grace.count()));
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    if (drain_.joinable()) drain_.join();
    if (err_) std::fclose(err_);
    err_ = nullptr;
  }

 private:
  pid_t pid_ = -1;
  FILE* err_ = nullptr;
  int port_ = 0;
  double startup_ms_ = 0;
  std::thread drain_;
};

}  // namespace approdo::bench
