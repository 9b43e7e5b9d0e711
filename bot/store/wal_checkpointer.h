// WalCheckpointer: copies the write-ahead log back into an SQLite database on a thread and connection of its
// own. The writer's automatic checkpoint is turned off (it ran inside a commit, under the store's mutex, and
// its fsync held up every webhook waiting for that commit); instead the writer's WAL hook calls
// wal_grew() after each commit, and once the log holds `pages_per_checkpoint` pages (or a second has passed
// since the last checkpoint with anything new) this thread runs a PASSIVE checkpoint, which never blocks the
// writer or the readers, then — if the log is long — a RESTART under the writer's mutex, which holds the
// writers back only while it copies what was written meanwhile, so that the log starts again from its
// beginning and stays short. (Without the mutex a busy writer would starve it: SQLite's busy handler polls,
// and the writer takes the lock again between two commits.)
//
// Thread-safety: wal_grew() from the writer's thread (inside its commit: it only records and signals);
// everything else on the owner's thread. Construction opens a connection and throws SQLite::Exception if it
// cannot; failures of a checkpoint are logged and tried again (the log only grows meanwhile).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace approdo {

class WalCheckpointer {
 public:
  // Installs itself as `writer`'s WAL hook (replacing the automatic checkpoint) and starts the thread.
  // `writer_mu` is held by whoever writes through `writer` (the checkpointer takes it for a RESTART).
  WalCheckpointer(SQLite::Database& writer, std::mutex& writer_mu, const std::string& path,
                  int pages_per_checkpoint = 1000);
  ~WalCheckpointer();  // stops the thread and gives the writer its automatic checkpoint back
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  void wal_grew(int pages);
  int64_t checkpoints() const;  // completed so far (tests)
  int64_t log_restarts() const;  // commits that found the log started again from its beginning (tests)
  int log_pages() const;         // the pages the log held after the last commit (tests)

 private:
  void run();

  SQLite::Database& writer_;
  std::mutex& writer_mu_;
  SQLite::Database own_;
  const int pages_per_checkpoint_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  int wal_pages_ = 0;     // the log's size after the last commit, 0 once checkpointed
  int last_pages_ = 0;    // the log's size after the last commit
  int64_t restarts_ = 0;
  bool grew_ = false;     // committed since the last checkpoint
  bool stopping_ = false;
  int64_t checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace approdo
