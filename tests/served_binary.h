// ServedBinary: the real `approdo serve` binary as a child process of the test, on a scratch data directory,
// with everything it logs appended to one file — for tests that kill it with SIGKILL and start it again, or
// that read its logs and database files afterwards. Used from the test's thread only.
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "tests/test_support.h"

namespace approdo::testing {

class ServedBinary {
 public:
  // `config_yaml` is written to a file; listen, data_dir, content_dir and locales_dir are added by us.
  explicit ServedBinary(const std::string& config_yaml) {
    config_ = dir_.write("approdo.yaml", config_yaml + "\nlisten: {host: 127.0.0.1, port: 0}\ndata_dir: " + data_dir() +
                                             "\ncontent_dir: " + source_dir() +
                                             "/content\nlocales_dir: " + source_dir() + "/locales\n");
    log_ = dir_.file("serve.log");
  }
  ~ServedBinary() {
    if (pid_ > 0) kill_hard();
  }

  // Starts the server and waits (up to 20 s) until it serves; returns false when it did not come up, and
  // then prints what it logged unless the caller expects the refusal.
  enum class Expect { kServing, kRefusal };
  bool start(Expect expect = Expect::kServing) {
    std::size_t from = log().size();
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      execl(APPRODO_BINARY, APPRODO_BINARY, "serve", "--config", config_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    const std::string marker = "serving on http://127.0.0.1:";
    for (int i = 0; i < 400; ++i) {
      std::string text = log().substr(from);
      if (auto at = text.find(marker); at != std::string::npos) {
        port_ = std::stoi(text.substr(at + marker.size()));
        return true;
      }
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (expect == Expect::kServing) MESSAGE("approdo serve did not start:\n" << log().substr(from));
    pid_ = -1;
    return false;
  }
  void kill_hard() {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // SIGTERM: the graceful stop; returns the exit code.
  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_tcp_nodelay(true);
    c.set_connection_timeout(2, 0);
    c.set_read_timeout(10, 0);
    return c;
  }
  std::string log() const {
    std::ifstream f(log_);
    return std::string((std::istreambuf_iterator<char>(f)), {});
  }
  std::string data_dir() const { return (dir_.path() / "var").string(); }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& config_path() const { return config_; }

 private:
  ScratchDir dir_;
  std::string config_, log_;
  pid_t pid_ = -1;
  int port_ = -1;
};

}  // namespace approdo::testing
