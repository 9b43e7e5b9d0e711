// App: the running bot without its HTTP face — keys, store, knowledge base and dialogue workers, wired
// together and started in the right order. `approdo serve` puts the HTTP server in front of it; `approdo
// chat` and the tests talk to it directly through the same pipeline (record → dialogue → outbox).
//
// Owned by main() (or a test); its parts are used from many threads as each part's header says.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bot/app/config.h"
#include "bot/core/metrics.h"
#include "bot/dialogue/conversation_workers.h"
#include "bot/kb/knowledge.h"
#include "bot/store/keyring.h"
#include "bot/store/outbox_signal.h"
#include "bot/store/store.h"

namespace approdo {

class App {
 public:
  struct OpenResult;
  // Creates data_dir if needed, loads keys, opens and migrates the database, loads the knowledge base
  // (failing when it has errors: never start on broken content) and starts the dialogue workers, which
  // resume any message left unanswered by a previous run.
  static OpenResult open(const Config& config, const std::map<std::string, std::string>& env);
  ~App();

  Store& store() { return *store_; }
  KnowledgeHolder& knowledge() { return *knowledge_; }
  dialogue::ConversationWorkers& workers() { return *workers_; }
  OutboxSignal& replies() { return replies_; }
  Metrics& metrics() { return metrics_; }  // this bot's counters, served on /metrics
  const Config& config() const { return config_; }

  // Loads the knowledge base again (SIGHUP); logs and counts the outcome. Returns whether it swapped. A
  // watcher thread does the same by itself whenever a file under content/ or locales/ changes.
  bool reload_knowledge();
  // Erases conversations inactive for `retention_days` (run by the watcher thread every hour). Returns the count.
  int apply_retention();

 private:
  explicit App(Config config) : config_(std::move(config)) {}
  void watch_content();
  CounterFamily& reloads();

  Config config_;
  Metrics metrics_;  // before the parts that count in it
  std::unique_ptr<Store> store_;
  std::unique_ptr<KnowledgeHolder> knowledge_;
  OutboxSignal replies_;
  std::unique_ptr<dialogue::ConversationWorkers> workers_;
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool stopping_ = false;
  std::thread watcher_;  // last: stopped first
};

struct App::OpenResult {
  std::unique_ptr<App> app;
  std::vector<std::string> notes;  // what happened (key file created, database migrated)
  std::string error;               // empty on success
};

}  // namespace approdo
