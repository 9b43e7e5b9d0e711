// bench/console_queue: what a caseworker's console costs the server. Over real loopback HTTP against the
// whole server on a scratch database with N open tickets (default 1,000: a very bad day), the median and p95
// time of GET /api/v1/tickets (the queue, routed for the caller's languages, with counts) and of
// GET /api/v1/tickets/{id} (one conversation with its history and notes), against the baseline of
// GET /healthz measured in the same run; and the cost of one login (Argon2id, interactive limits), which is
// slow on purpose.
//
// Usage: bench_console_queue [tickets]
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bot/access/password.h"
#include "bot/app/app.h"
#include "bot/app/channels.h"
#include "bot/server/http_server.h"

namespace {

using namespace approdo;
using Clock = std::chrono::steady_clock;

struct Timing {
  double median_ms, p95_ms;
};

Timing time_get(httplib::Client& c, const std::string& path, const httplib::Headers& h, int reps) {
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    auto t0 = Clock::now();
    auto r = c.Get(path.c_str(), h);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!r || r->status != 200) {
      std::fprintf(stderr, "GET %s failed\n", path.c_str());
      std::exit(1);
    }
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[ms.size() * 95 / 100]};
}

}  // namespace

int main(int argc, char** argv) {
  int tickets = argc > 1 ? std::atoi(argv[1]) : 1000;
  auto dir = std::filesystem::temp_directory_path() / ("approdo-bench-console-" + std::to_string(getpid()));
  Config config;
  config.data_dir = dir.string();
  config.content_dir = std::string(APPRODO_SOURCE_DIR) + "/content";
  config.locales_dir = std::string(APPRODO_SOURCE_DIR) + "/locales";
  config.webchat = false;
  config.offer_all_after_minutes = 100000;  // routing does real work: most tickets are not in her languages
  {
    auto opened = App::open(config, {});
    if (!opened.app) {
      std::fprintf(stderr, "%s\n", opened.error.c_str());
      return 3;
    }
    App& app = *opened.app;
    Store& store = app.store();
    // N conversations, each with a few messages and replies and an open ticket; one in ten urgent.
    const char* langs[] = {"en", "fr", "ar", "fa", "ps", "uk"};
    for (int i = 0; i < tickets; ++i) {
      InboundMessage m;
      m.channel = "webchat";
      m.address = "person-" + std::to_string(i);
      m.text = "They say I am 19 but I am 16, what can I do?";
      std::string key = store.keyring().conversation_key("webchat", m.address);
      for (int k = 0; k < 3; ++k) {
        m.provider_id = std::to_string(i) + "-" + std::to_string(k);
        store.record_inbound({m});
      }
      TurnCommit turn;
      turn.conv_key = key;
      turn.channel = "webchat";
      turn.lang = langs[i % 6];
      turn.status = "handoff";
      turn.state_json = "{}";
      turn.replies = {{"A person from our team will write to you as soon as possible.", {}, turn.lang, "locale:handoff_opened"},
                      {"Age assessment\nYou have the right to be treated as a child.", {}, turn.lang, "article:age-assessment"}};
      turn.open_ticket = TicketRequest{i % 10 ? "asked" : "urgent", i % 10 ? "normal" : "urgent", turn.lang, "", "",
                                       "They say I am 19 but I am 16"};
      store.commit_turn(turn);
    }
    UserRecord u;
    u.name = "carla";
    u.role = "caseworker";
    u.languages = {"en", "it"};
    u.password_hash = access::hash_password("a long password");
    store.add_user(u);

    ChannelSet channels = build_channels(config);
    server::HttpServer http(
        {config, store, app.knowledge(), app.workers(), app.replies(), channels.channels, app.metrics()});
    std::string error;
    int port = http.bind("127.0.0.1", 0, &error);
    std::thread server([&] { http.run(); });
    httplib::Client c("127.0.0.1", port);
    c.set_tcp_nodelay(true);

    std::vector<double> login_ms;
    std::string cookie;
    for (int i = 0; i < 5; ++i) {
      auto t0 = Clock::now();
      auto r = c.Post("/api/v1/login", R"({"name":"carla","password":"a long password"})", "application/json");
      login_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (!r || r->status != 200) {
        std::fprintf(stderr, "login failed\n");
        std::exit(1);
      }
      cookie = r->get_header_value("Set-Cookie").substr(0, r->get_header_value("Set-Cookie").find(';'));
    }
    std::sort(login_ms.begin(), login_ms.end());
    httplib::Headers h{{"Cookie", cookie}};
    auto queue = nlohmann::json::parse(c.Get("/api/v1/tickets", h)->body);
    int64_t one = queue["tickets"][0]["id"];

    const int reps = 200;
    Timing health = time_get(c, "/healthz", {}, reps);
    Timing list = time_get(c, "/api/v1/tickets", h, reps);
    Timing view = time_get(c, "/api/v1/tickets/" + std::to_string(one), h, reps);
    std::printf("console with %d open tickets (%zu offered to an en/it caseworker), %d requests each:\n", tickets,
                queue["tickets"].size(), reps);
    std::printf("  %-28s median %7.3f ms  p95 %7.3f ms  (baseline)\n", "GET /healthz", health.median_ms, health.p95_ms);
    std::printf("  %-28s median %7.3f ms  p95 %7.3f ms  %6.1fx baseline\n", "GET /api/v1/tickets", list.median_ms,
                list.p95_ms, list.median_ms / health.median_ms);
    std::printf("  %-28s median %7.3f ms  p95 %7.3f ms  %6.1fx baseline\n", "GET /api/v1/tickets/{id}", view.median_ms,
                view.p95_ms, view.median_ms / health.median_ms);
    std::printf("  %-28s median %7.1f ms  (Argon2id, 64 MiB: slow on purpose)\n", "POST /api/v1/login",
                login_ms[login_ms.size() / 2]);
    http.stop();
    server.join();
    app.workers().wait_idle();
  }
  std::filesystem::remove_all(dir);
  return 0;
}
