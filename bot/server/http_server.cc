#include "bot/server/http_server.h"

#include <httplib.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "adapters/webchat/webchat.h"
#include "bot/core/untrusted_json.h"
#include "bot/delivery/channel_sender.h"
#include "bot/text/utf8.h"
#include "bot/server/console_api.h"
#include "bot/server/metrics_page.h"

namespace approdo::server {
namespace {

// Providers send a few KiB; WhatsApp may batch up to 3 MB in one POST (its documented maximum), everything
// else is held to 1 MiB.
constexpr std::size_t kMaxBodyBytes = 3 << 20;
constexpr std::size_t kMaxOtherBodyBytes = 1 << 20;
constexpr auto kLongPollWait = std::chrono::seconds(20);

void json_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(nlohmann::json{{"error", message}}.dump(), "application/json");
}

HttpRequest to_request(const httplib::Request& req) {
  HttpRequest r;
  r.method = req.method;
  r.path = req.path;
  r.target = req.target;
  r.body = req.body;
  for (const auto& [name, value] : req.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[lower] = value;
  }
  for (const auto& [name, value] : req.params) r.query.emplace(name, value);
  return r;
}

}  // namespace

HttpServer::HttpServer(ServerParts parts)
    : parts_(parts),
      http_(std::make_unique<httplib::Server>()),
      recorded_(parts_.metrics.counter("approdo_inbound_recorded_total",
                                       "Messages recorded from webhooks and the web chat.")
                    .with({})),
      duplicates_(parts_.metrics.counter("approdo_inbound_duplicates_total", "Provider retries recognised and skipped.")
                      .with({})),
      refused_(parts_.metrics.counter("approdo_requests_refused_total",
                                      "Requests refused (bad signature, malformed body).")
                   .with({})),
      record_failures_(parts_.metrics.counter("approdo_record_failures_total",
                                              "Webhooks answered 503 because the store failed.")
                           .with({})),
      webchat_sent_(delivery::sent_messages(parts_.metrics)) {
  int threads = std::max(2, parts_.config.http_threads);
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_tcp_nodelay(true);
  http_->set_payload_max_length(kMaxBodyBytes);
  http_->set_keep_alive_max_count(100);
  http_->set_keep_alive_timeout(5);
  http_->set_read_timeout(10, 0);
  http_->set_write_timeout(10, 0);
  http_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    // The one boundary where unexpected failures (database, I/O) become an answer: 503, so providers retry.
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "http: request failed: %s\n", e.what());
    } catch (...) {
      std::fprintf(stderr, "http: request failed\n");
    }
    json_error(res, 503, "temporarily unavailable, try again");
  });
  add_routes();
}

HttpServer::~HttpServer() = default;

int HttpServer::bind(const std::string& host, int port, std::string* error) {
  int bound = port == 0 ? http_->bind_to_any_port(host) : (http_->bind_to_port(host, port) ? port : -1);
  if (bound < 0 && error) *error = "cannot listen on " + host + ":" + std::to_string(port) + " (in use?)";
  return bound;
}

void HttpServer::run() { http_->listen_after_bind(); }

void HttpServer::stop() {
  // stop() before the listener runs would be lost (cpp-httplib #1371): wait until it runs.
  for (int i = 0; i < 500 && !http_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  console_->end_streams();
  http_->stop();
}

void HttpServer::add_routes() {
  auto& svr = *http_;

  svr.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    auto status = parts_.knowledge.status();
    nlohmann::json j{{"status", "ok"},
                     {"knowledge_version", status.version},
                     {"knowledge_reload_ok", status.ok},
                     {"knowledge_errors", status.errors},  // the last refused edit, for editors
                     {"schema_version", parts_.store.current_version()}};
    res.set_content(j.dump(), "application/json");
  });

  svr.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_page(parts_.metrics, parts_.store, parts_.knowledge.status(), now_ms()),
                    "text/plain; version=0.0.4");
  });

  // Webhooks: the adapter verifies and parses; we record before answering, so a 200 means "kept".
  auto webhook = [this](const httplib::Request& req, httplib::Response& res) {
    std::string name = req.matches[1];
    if (name != "whatsapp" && req.body.size() > kMaxOtherBodyBytes) return json_error(res, 413, "body too large");
    auto it = parts_.channels.find(name);
    if (it == parts_.channels.end()) return json_error(res, 404, "channel '" + name + "' is not configured");
    WebhookResult result = it->second->handle(to_request(req));
    if (result.status >= 400) {
      refused_.add();
      std::fprintf(stderr, "webhook %s: refused (%d): %s\n", name.c_str(), result.status, result.error.c_str());
    }
    if (!result.messages.empty()) {
      RecordResult recorded;
      try {
        recorded = parts_.store.record_inbound(result.messages);
      } catch (const std::exception& e) {
        record_failures_.add();
        std::fprintf(stderr, "webhook %s: not recorded: %s\n", name.c_str(), e.what());
        return json_error(res, 503, "temporarily unavailable, try again");
      }
      recorded_.add(recorded.inserted);
      duplicates_.add(recorded.duplicates);
      for (const auto& key : recorded.conv_keys) parts_.workers.submit(key);
    }
    res.status = result.status;
    res.set_content(result.body, result.content_type);
  };
  svr.Post(R"(/webhooks/([a-z]+))", webhook);
  svr.Get(R"(/webhooks/([a-z]+))", webhook);  // WhatsApp's subscription check

  console_ = std::make_unique<ConsoleApi>(parts_);  // the caseworker API and console: bot/server/console_api.cc
  console_->add_routes(svr);
  if (!parts_.config.webchat) return;

  // The page, its script and styles, all from this origin: no inline script or style, no framing.
  auto webchat_file = [](std::string_view body, const char* type) {
    return [body, type](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Security-Policy",
                     "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
                     "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Referrer-Policy", "no-referrer");
      res.set_content(std::string(body), type);
    };
  };
  svr.Get("/", webchat_file(webchat::page(), "text/html; charset=utf-8"));
  svr.Get("/webchat/page.js", webchat_file(webchat::page_script(), "text/javascript; charset=utf-8"));
  svr.Get("/webchat/page.css", webchat_file(webchat::page_style(), "text/css; charset=utf-8"));

  svr.Post("/webchat/send", [this](const httplib::Request& req, httplib::Response& res) {
    if (req.body.size() > kMaxOtherBodyBytes) return json_error(res, 413, "body too large");
    auto parsed = webchat::parse_post(req.body);
    if (!parsed.error.empty()) {
      refused_.add();
      return json_error(res, 400, parsed.error);
    }
    RecordResult recorded = parts_.store.record_inbound({parsed.message});  // throws → 503
    recorded_.add(recorded.inserted);
    duplicates_.add(recorded.duplicates);
    for (const auto& key : recorded.conv_keys) parts_.workers.submit(key);
    res.status = 202;
    res.set_content(R"({"ok":true})", "application/json");
  });

  svr.Get("/webchat/poll", [this](const httplib::Request& req, httplib::Response& res) {
    std::string session = req.get_param_value("session");
    if (!webchat::valid_session(session)) return json_error(res, 400, "'session' must be 16-64 lower-case hex digits");
    int64_t after = 0;
    try {
      after = std::stoll(req.has_param("after") ? req.get_param_value("after") : "0");
    } catch (const std::exception&) {
      return json_error(res, 400, "'after' must be a number");
    }
    std::string key = parts_.store.keyring().conversation_key("webchat", session);
    // A long poll holds a server thread: at most half of them may wait, so webhooks always find one free.
    bool may_wait = ++long_polls_ <= std::max(1, parts_.config.http_threads / 2);
    auto deadline = std::chrono::steady_clock::now() + kLongPollWait;
    std::vector<OutboxRow> rows;
    for (;;) {
      uint64_t seen = parts_.replies.generation();
      rows = parts_.store.take_for_conversation(key, after);
      auto now = std::chrono::steady_clock::now();
      if (!rows.empty() || !may_wait || now >= deadline) break;
      // Replies saved by this instance ring at once; with several instances (PostgreSQL) the reply may come
      // from another one, which cannot ring here: look again every quarter second.
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      if (parts_.config.uses_postgresql()) wait = std::min(wait, std::chrono::milliseconds(250));
      parts_.replies.wait_after(seen, wait);
    }
    --long_polls_;
    for (const auto& row : rows)  // the page took them: as a provider accepting a reply
      webchat_sent_.with({"webchat", or_unknown(row.msg.lang)}).add();
    res.set_header("Cache-Control", "no-store");
    res.set_content(webchat::render_poll(rows), "application/json");
  });
}

}  // namespace approdo::server
