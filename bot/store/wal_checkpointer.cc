#include "bot/store/wal_checkpointer.h"

#include <pthread.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>

namespace approdo {
namespace {

int on_wal_commit(void* self, sqlite3*, const char*, int pages) {
  static_cast<WalCheckpointer*>(self)->wal_grew(pages);
  return SQLITE_OK;
}

}  // namespace

WalCheckpointer::WalCheckpointer(SQLite::Database& writer, std::mutex& writer_mu, const std::string& path,
                                 int pages_per_checkpoint)
    : writer_(writer), writer_mu_(writer_mu), own_(path, SQLite::OPEN_READWRITE),
      pages_per_checkpoint_(pages_per_checkpoint) {
  own_.setBusyTimeout(5000);
  // A connection that has read nothing yet does not know the file is in WAL mode, and its checkpoints would
  // do nothing at all; the writer set WAL (a property of the file), so this only opens the log.
  own_.exec("PRAGMA journal_mode=WAL");
  own_.exec("PRAGMA wal_autocheckpoint=0");  // this connection only checkpoints, and only when asked
  sqlite3_wal_hook(writer_.getHandle(), on_wal_commit, this);  // also turns the writer's auto-checkpoint off
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "checkpoint");  // top -H, perf
    run();
  });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_wal_autocheckpoint(writer_.getHandle(), 1000);  // SQLite's default, and the hook is gone
}

void WalCheckpointer::wal_grew(int pages) {
  bool full;
  {
    std::lock_guard lock(mu_);
    wal_pages_ = pages;
    if (pages < last_pages_) ++restarts_;
    last_pages_ = pages;
    grew_ = true;
    full = pages >= pages_per_checkpoint_;
  }
  if (full) wake_.notify_one();
}

int64_t WalCheckpointer::checkpoints() const {
  std::lock_guard lock(mu_);
  return checkpoints_;
}

int64_t WalCheckpointer::log_restarts() const {
  std::lock_guard lock(mu_);
  return restarts_;
}

int WalCheckpointer::log_pages() const {
  std::lock_guard lock(mu_);
  return last_pages_;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait_for(lock, std::chrono::seconds(1),
                   [&] { return stopping_ || wal_pages_ >= pages_per_checkpoint_; });
    if (stopping_) return;
    if (!grew_) continue;
    grew_ = false;
    wal_pages_ = 0;  // until the next commit says otherwise
    lock.unlock();
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(own_.getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    // Under steady writes a passive checkpoint never catches up with the log's end, and the writer starts
    // the log again from its beginning only once it has: the file would grow without end. So, when the log
    // is long, a RESTART follows while no one writes: it copies only the pages written since the passive
    // one, and the next commit starts the log afresh.
    if (rc == SQLITE_OK && log >= pages_per_checkpoint_) {
      std::lock_guard writing(writer_mu_);
      rc = sqlite3_wal_checkpoint_v2(own_.getHandle(), nullptr, SQLITE_CHECKPOINT_RESTART, &log, &copied);
    }
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      std::fprintf(stderr, "store: checkpoint failed (tried again later): %s\n", sqlite3_errstr(rc));
    lock.lock();
    if (rc == SQLITE_OK) ++checkpoints_;
  }
}

}  // namespace approdo
