// HttpServer: every HTTP route of Approdo — provider webhooks, the web chat, health and metrics. It only
// verifies, parses and records (through the channel adapters and the store) and hands conversations to the
// dialogue workers; it never decides what the bot says.
//
// Lifecycle (cpp-httplib needs it exactly so, see shared notes): bind() on the main thread, run() on its own
// thread, stop() from any thread — it stops accepting and returns after in-flight requests finished.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "bot/app/config.h"
#include "bot/core/channel.h"
#include "bot/core/metrics.h"
#include "bot/dialogue/conversation_workers.h"
#include "bot/kb/knowledge.h"
#include "bot/store/outbox_signal.h"
#include "bot/store/store.h"

namespace httplib {
class Server;
}

namespace approdo::server {

class ConsoleApi;

struct ServerParts {
  const Config& config;
  Store& store;
  KnowledgeHolder& knowledge;
  dialogue::ConversationWorkers& workers;
  OutboxSignal& replies;
  const std::map<std::string, std::unique_ptr<Channel>>& channels;  // configured channels, by name
  Metrics& metrics;  // the bot's counters: /metrics serves them, with gauges read from the store
};

class HttpServer {
 public:
  explicit HttpServer(ServerParts parts);
  ~HttpServer();

  // Binds host:port (port 0 = any free port). Returns the port, or -1 with `error` set.
  int bind(const std::string& host, int port, std::string* error);
  void run();   // serves until stop(); call after a successful bind()
  void stop();

 private:
  void add_routes();

  ServerParts parts_;
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<ConsoleApi> console_;
  std::atomic<int> long_polls_{0};
  Counter &recorded_, &duplicates_, &refused_, &record_failures_;
  CounterFamily& webchat_sent_;
};

}  // namespace approdo::server
