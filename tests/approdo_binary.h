// The real approdo binary as operators run it, for tests of the command line: run_approdo()
// (tests/run_approdo.h) runs one command to its end; ServeProcess keeps `approdo serve` running in the
// background on a config a test wrote (reading the port from the start-up line, so configs can ask for
// port 0), as a shell would start it. Test files only.
#pragma once

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/run_approdo.h"
#include "tests/test_support.h"

namespace approdo::testing {

class ServeProcess {
 public:
  ServeProcess(const std::string& config, std::string log) : log_(std::move(log)) {
    std::string cmd = "cd " + source_dir() + " && (" + APPRODO_BINARY + " serve --config " + config + " > " + log_ +
                      " 2>&1 & echo $!)";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return;
    if (fscanf(p, "%d", &pid_) != 1) pid_ = 0;
    pclose(p);
    std::string text = wait_for_log("serving on http://127.0.0.1:");
    auto at = text.find("serving on http://127.0.0.1:");
    if (at != std::string::npos) port_ = std::stoi(text.substr(at + 28));
  }
  ~ServeProcess() { stop(); }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  int port() const { return port_; }  // 0 when it did not start; log() says why
  std::string log() const {
    std::ifstream f(log_);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  // Waits up to 10 s for `text` to appear in the log; returns the log.
  std::string wait_for_log(const std::string& text) const {
    std::string l = log();
    for (int i = 0; i < 100 && l.find(text) == std::string::npos; ++i) {
      usleep(100 * 1000);
      l = log();
    }
    return l;
  }
  // SIGTERM, then waits until the server says it stopped. The process is not our child (a shell started
  // it), so its log is how we know. Returns whether it stopped.
  bool stop(int sig = SIGTERM) {
    if (pid_ <= 0) return false;
    kill(pid_, sig);
    pid_ = 0;
    return wait_for_log("approdo: stopped").find("approdo: stopped") != std::string::npos;
  }

 private:
  std::string log_;
  int pid_ = 0;
  int port_ = 0;
};

}  // namespace approdo::testing
