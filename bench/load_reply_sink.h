// ReplySink: the stand-in for the providers' send APIs during a load run — a small HTTP server on loopback
// that takes every reply Approdo sends (WhatsApp /{phone_number_id}/messages, Twilio Messages.json), tells
// the Conversations whose it was, and answers as the provider does (the shared fixtures' success bodies).
// Unlike tests/fake_provider.h it keeps no copy of the requests: a run sends hundreds of thousands.
//
// Thread-safety: constructed and destroyed on one thread; its handlers run on its own pool.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/twilio/twilio.h"
#include "bench/load_conversations.h"
#include "bench/load_webhooks.h"

namespace approdo::bench {

inline int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

class ReplySink {
 public:
  ReplySink(const std::string& source_dir, Conversations& people) : people_(people) {
    whatsapp_ok_ = read_file(source_dir + "/tests/fixtures/whatsapp/send_ok.json");
    twilio_ok_ = read_file(source_dir + "/tests/fixtures/twilio/send_201.json");
    // A thread per connection (cpp-httplib): enough for every sender thread's connection, as a real provider
    // takes them all at once; with fewer, the senders beyond would wait for a free thread.
    server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
    server_.set_tcp_nodelay(true);
    server_.set_keep_alive_max_count(1 << 30);  // the senders keep their connections
    server_.Post(R"(/v21\.0/\d+/messages)", [this](const httplib::Request& req, httplib::Response& res) {
      auto j = nlohmann::json::parse(req.body, nullptr, false);
      replied(j.is_object() ? j.value("to", "") : "");
      res.set_content(whatsapp_ok_, "application/json");
    });
    server_.Post(R"(/2010-04-01/Accounts/\w+/Messages\.json)", [this](const httplib::Request& req, httplib::Response& res) {
      auto form = twilio::parse_form(req.body);
      auto to = form.find("To");
      replied(to == form.end() ? "" : to->second);
      res.status = 201;
      res.set_content(twilio_ok_, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~ReplySink() {
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  int64_t unknown() const { return unknown_.load(); }  // replies to addresses no person of the run has

 private:
  void replied(const std::string& address) {
    int person = person_of(address);
    if (person < 0) ++unknown_;
    people_.replied(person, steady_ns());
  }

  Conversations& people_;
  std::string whatsapp_ok_, twilio_ok_;
  httplib::Server server_;
  int port_ = 0;
  std::atomic<int64_t> unknown_{0};
  std::thread thread_;
};

}  // namespace approdo::bench
