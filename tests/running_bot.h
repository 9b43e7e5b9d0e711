// RunningBot: the whole server — App, channels, HTTP on a free loopback port — started in-process on a
// scratch database, for tests that talk to it over real HTTP. WebChatUser is a person in the web chat.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "bot/app/app.h"
#include "bot/app/channels.h"
#include "bot/server/http_server.h"
#include "tests/test_support.h"

namespace approdo::testing {

// A client of a server on this machine, as the tests use it: no Nagle delay, patient with long polls.
inline httplib::Client loopback_client(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_tcp_nodelay(true);
  c.set_read_timeout(30, 0);
  return c;
}

class RunningBot {
 public:
  // `config.content_dir` empty: the repository's content.
  // `env`: APPRODO_* variables as the process would see them (e.g. a shared APPRODO_SECRET_KEY).
  explicit RunningBot(Config config = {}, delivery::RetryPolicy policy = {},
                      const std::map<std::string, std::string>& env = {}) {
    config.data_dir = dir_.path().string();
    if (config.content_dir == Config{}.content_dir) config.content_dir = source_dir() + "/content";
    config.locales_dir = source_dir() + "/locales";
    config.listen_host = "127.0.0.1";
    config.opening_hours = "24/7";
    config_ = config;
    auto opened = App::open(config_, env);
    if (!opened.app) throw std::runtime_error(opened.error);
    app_ = std::move(opened.app);
    channels_ = build_channels(config_);
    start_senders(channels_, app_->store(), app_->replies(), app_->metrics(), policy);
    http_ = std::make_unique<server::HttpServer>(server::ServerParts{
        config_, app_->store(), app_->knowledge(), app_->workers(), app_->replies(), channels_.channels,
        app_->metrics()});
    std::string error;
    port_ = http_->bind("127.0.0.1", 0, &error);
    if (port_ < 0) throw std::runtime_error(error);
    thread_ = std::thread([this] { http_->run(); });
  }
  ~RunningBot() {
    http_->stop();
    thread_.join();
  }

  int port() const { return port_; }
  App& app() { return *app_; }
  httplib::Client client() const { return loopback_client(port_); }

 private:
  ScratchDir dir_;
  Config config_;
  std::unique_ptr<App> app_;
  ChannelSet channels_;
  std::unique_ptr<server::HttpServer> http_;
  int port_ = -1;
  std::thread thread_;
};

// One person in the web chat: sends a line, collects the bot's replies (long-poll until `count` arrived).
class WebChatUser {
 public:
  WebChatUser(const RunningBot& bot, std::string session) : WebChatUser(bot.port(), std::move(session)) {}
  WebChatUser(int port, std::string session) : client_(loopback_client(port)), session_(std::move(session)) {}

  int send(const std::string& text, const char* field = "text") {
    nlohmann::json body{{"session", session_}, {"id", "m" + std::to_string(++sent_)}, {field, text}};
    auto r = client_.Post("/webchat/send", body.dump(), "application/json");
    return r ? r->status : -1;
  }
  // Replies that arrived since the last call, waiting until at least `count` are there.
  std::vector<nlohmann::json> replies(std::size_t count = 1) {
    std::vector<nlohmann::json> out;
    for (int i = 0; i < 2 && out.size() < count; ++i) {
      auto r = client_.Get(("/webchat/poll?session=" + session_ + "&after=" + std::to_string(after_)).c_str());
      if (!r || r->status != 200) {
        MESSAGE("poll failed: " << (r ? std::to_string(r->status) : httplib::to_string(r.error())));
        break;
      }
      auto body = nlohmann::json::parse(r->body);  // kept in a variable: a range-for over a temporary's member dangles
      for (auto& m : body["messages"]) {
        after_ = std::max<int64_t>(after_, m["id"].get<int64_t>());
        out.push_back(m);
      }
    }
    return out;
  }

 private:
  httplib::Client client_;
  std::string session_;
  int sent_ = 0;
  int64_t after_ = 0;
};

}  // namespace approdo::testing
