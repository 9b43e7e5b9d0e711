#include "bot/app/app.h"

#include <cstdio>
#include <filesystem>

#include "bot/handoff/opening_hours.h"
#include "bot/app/open_store.h"

namespace approdo {
namespace {

// `approdo admin rotate-key` re-keys the database, then moves approdo.key.next over approdo.key. Stopped in
// between, it leaves the database on the new key beside the old key file: finish the move.
bool finish_rotation(const std::string& data_dir) {
  std::filesystem::path dir(data_dir);
  std::error_code ec;
  if (!std::filesystem::exists(dir / "approdo.key.next")) return false;
  std::filesystem::rename(dir / "approdo.key.next", dir / "approdo.key", ec);
  return !ec;
}

}  // namespace

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
  std::string db_name = store_name(config);
  try {
    app->store_ = open_store(config, *keys.keyring);
    if (!app->store_->key_matches() && keys.source != "environment" && finish_rotation(config.data_dir)) {
      keys = Keyring::load_or_create(config.data_dir, env);
      if (!keys.keyring) {
        out.error = keys.error;
        return out;
      }
      app->store_.reset();
      app->store_ = open_store(config, *keys.keyring);
      out.notes.push_back("finished an interrupted key rotation (approdo.key.next is now approdo.key)");
    }
    if (!app->store_->key_matches()) {
      out.error = "the secret key from " + keys.source + " is not the key " + db_name +
                  " was written with (nothing in it could be read): set the right APPRODO_SECRET_KEY or key file";
      return out;
    }
    if (!app->store_->integrity_ok()) {
      out.error = db_name + " failed its integrity check: restore it from a backup (see README)";
      return out;
    }
    if (int interrupted = app->store_->release_stale_claims())
      out.notes.push_back(std::to_string(interrupted) +
                          " replies were being sent when the last run stopped: sending them again");
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
  for (const char* result : {"ok", "refused"}) app->reloads().with({result});  // both read 0 from the start
  App* raw = app.get();
  app->workers_ = std::make_unique<dialogue::ConversationWorkers>(
      *app->store_, *app->knowledge_, *hours, std::max(1, config.dialogue_threads),
      [raw](const std::string& channel) { raw->replies_.ring(channel); }, app->metrics_,
      config.flood_per_minute);
  app->workers_->start();
  app->watcher_ = std::thread([raw] { raw->watch_content(); });
  out.app = std::move(app);
  return out;
}

CounterFamily& App::reloads() {
  return metrics_.counter("approdo_knowledge_reloads_total",
                          "Reloads of the knowledge base after an edit: ok (swapped in) or refused (had errors).",
                          {"result"});
}

bool App::reload_knowledge() {
  bool swapped = knowledge_->reload();
  reloads().with({swapped ? "ok" : "refused"}).add();
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
