// FakeProvider: a stand-in for a messaging provider's API (Telegram, Meta, Twilio) — a small HTTP server on a
// free loopback port that records every request and answers with the responses a test queued (then a default).
// Not a mock of our code: our adapters talk real HTTP to it exactly as they would to the provider.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_support.h"

namespace approdo::testing {

class FakeProvider {
 public:
  struct Request {
    std::string method, path, body, content_type, authorization;
    int status = 0;  // what the stand-in answered: 2xx means the provider accepted the request
  };
  struct Response {
    int status = 200;
    std::string body = "{}";
    int delay_ms = 0;  // a slow provider; longer than the client's timeout, it is a timeout
  };

  // `port` 0: any free port; else that one (a test that starts the provider late, after refusals).
  explicit FakeProvider(Response default_response, int port = 0) : default_(std::move(default_response)) {
    server_.set_tcp_nodelay(true);
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      Response r;
      {
        std::lock_guard lock(mu_);
        r = default_;
        if (!queued_.empty()) {
          r = queued_.front();
          queued_.pop_front();
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(r.delay_ms));
      std::lock_guard lock(mu_);
      requests_.push_back({req.method, req.path, req.body, req.get_header_value("Content-Type"),
                           req.get_header_value("Authorization"), r.status});
      res.status = r.status;
      res.set_content(r.body, "application/json");
      cv_.notify_all();
    };
    server_.Post(".*", handler);
    server_.Get(".*", handler);
    port_ = port == 0 ? server_.bind_to_any_port("127.0.0.1") : (server_.bind_to_port("127.0.0.1", port) ? port : -1);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~FakeProvider() {
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void queue(Response r) {
    std::lock_guard lock(mu_);
    queued_.push_back(std::move(r));
  }
  // Waits (up to 10 s) until at least `n` requests arrived; returns all recorded so far.
  std::vector<Request> wait_for(std::size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return requests_.size() >= n; });
    return requests_;
  }
  std::vector<Request> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  httplib::Server server_;
  Response default_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Response> queued_;
  std::vector<Request> requests_;
  int port_ = 0;
  std::thread thread_;
};

inline std::string read_fixture(const std::string& path) {
  std::ifstream f(source_dir() + "/tests/fixtures/" + path);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

}  // namespace approdo::testing
