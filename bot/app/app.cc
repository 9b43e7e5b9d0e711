#include "bot/app/app.h"

#include <cstdio>
#include <filesystem>

#include "bot/handoff/opening_hours.h"
#include "bot/store/pg_store.h"
#include "bot/store/sqlite_store.h"
#include "bot/store/pg_store.h"
#include "bot/store/sqlite_store.h"

namespace approdo {

App::~App() {
  {
    std::lock_guard lock(watch_mu_);
    stopping_ = true;
  }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  if (workers_) workers_->stop();
}

int App::apply_retention() {
  int64_t cutoff = now_ms() - static_cast<int64_t>(config_.retention_days) * 24 * 3600 * 1000;
  int erased = store_->erase_inactive_before(cutoff);
  if (erased > 0) std::fprintf(stderr, "retention: erased %d inactive conversations\n", erased);
  return erased;
}

void App::watch_content() {
  std::unique_lock lock(watch_mu_);
  int64_t next_retention = 0;
  while (!watch_cv_.wait_for(lock, std::chrono::milliseconds(config_.content_check_ms), [&] { return stopping_; })) {
    lock.unlock();
    try {
      if (knowledge_->changed_on_disk()) reload_knowledge();
      if (now_ms() >= next_retention) {
        apply_retention();
        next_retention = now_ms() + 3600 * 1000;
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "maintenance: %s\n", e.what());  // retried on the next round
    }
    lock.lock();
  }
}

App::OpenResult App::open(const Config& config, const std::map<std::string, std::string>& env) {
  OpenResult out;
  std::unique_ptr<App> app(new App(config));
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    out.error = "cannot create data_dir '" + config.data_dir + "': " + ec.message();
    return out;
  }
  auto keys = Keyring::load_or_create(config.data_dir, env);
  if (!keys.keyring) {
    out.error = keys.error;
    return out;
  }
  if (keys.created) out.notes.push_back("created a new secret key in " + keys.source + " (back it up)");
  std::string hours_error;
  auto hours = handoff::OpeningHours::parse(config.opening_hours, &hours_error);
  if (!hours) {
    out.error = "opening_hours: " + hours_error;
    return out;
  }
  // The URL is not repeated in a message: it may hold a password.
  std::string db_name = config.uses_postgresql() ? "the PostgreSQL database (store)" : config.sqlite_path();
  try {
    if (config.uses_postgresql())
      app->store_ = std::make_unique<PgStore>(config.store, *keys.keyring);
    else
      app->store_ = std::make_unique<SqliteStore>(config.sqlite_path(), *keys.keyring);
    app->store_->release_stale_claims();
  } catch (const std::exception& e) {
    out.error = "cannot open " + db_name + ": " + e.what();
    return out;
  }
  app->knowledge_ = std::make_unique<KnowledgeHolder>(config.content_dir, config.locales_dir);
  if (!app->knowledge_->reload()) {
    out.error = "the knowledge base has errors (run `approdo lint`):";
    for (const auto& e : app->knowledge_->status().errors) out.error += "\n  " + e;
    return out;
  }
  App* raw = app.get();
  app->workers_ = std::make_unique<dialogue::ConversationWorkers>(
      *app->store_, *app->knowledge_, *hours, std::max(1, config.dialogue_threads),
      [raw](const std::string&, const std::string&) { raw->replies_.ring(); });
  app->workers_->start();
  app->watcher_ = std::thread([raw] { raw->watch_content(); });
  out.app = std::move(app);
  return out;
}

bool App::reload_knowledge() {
  bool swapped = knowledge_->reload();
  auto status = knowledge_->status();
  if (swapped) {
    std::fprintf(stderr, "knowledge: version %d loaded\n", status.version);
  } else {
    std::fprintf(stderr, "knowledge: reload refused, still serving version %d:\n", status.version);
    for (const auto& e : status.errors) std::fprintf(stderr, "  %s\n", e.c_str());
  }
  return swapped;
}

}  // namespace approdo
