#include "bot/store/sqlite_readers.h"

#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "bot/store/wal_checkpointer.h"
#include "tests/test_support.h"

namespace approdo {
namespace {

SQLite::Database wal_database(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.setBusyTimeout(5000);  // as the store's writer: a RESTART checkpoint holds writers back for a moment
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("CREATE TABLE IF NOT EXISTS t (x INTEGER)");
  return db;
}

int64_t rows(SqliteReaders& readers) {
  return readers.with([](StatementCache& c) {
    Reused q = c.reuse("SELECT COUNT(*) FROM t");
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

TEST_CASE("readers see what the writer committed, never what it has not yet, and read while it writes") {
  testing::ScratchDir dir;
  SQLite::Database writer = wal_database(dir.file("r.db"));
  SqliteReaders readers(dir.file("r.db"), 2);
  CHECK(rows(readers) == 0);
  writer.exec("INSERT INTO t VALUES (1)");
  CHECK(rows(readers) == 1);
  {
    SQLite::Transaction tx(writer, SQLite::TransactionBehavior::IMMEDIATE);
    writer.exec("INSERT INTO t VALUES (2)");
    CHECK(rows(readers) == 1);  // the writer holds its lock: a reader is not kept waiting, and sees the last commit
    tx.commit();
  }
  CHECK(rows(readers) == 2);
}

TEST_CASE("readers: many threads share a few connections; a failed read gives its connection back") {
  testing::ScratchDir dir;
  SQLite::Database writer = wal_database(dir.file("r.db"));
  writer.exec("INSERT INTO t VALUES (1)");
  SqliteReaders readers(dir.file("r.db"), 2);
  CHECK_THROWS_AS(readers.with([](StatementCache& c) { return c.reuse("SELECT nope FROM t").executeStep(); }),
                  SQLite::Exception);
  std::atomic<int64_t> seen{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 200; ++k) seen += rows(readers);
    });
  for (auto& t : threads) t.join();
  CHECK(seen == 8 * 200);  // nobody waited forever for one of the two connections
}

TEST_CASE("the checkpointer copies the log back on its own thread, so the log stops growing") {
  testing::ScratchDir dir;
  std::string path = dir.file("c.db");
  SQLite::Database writer = wal_database(path);
  SqliteReaders readers(path, 1);
  std::mutex writing;  // as the store's mu_: held for every write
  WalCheckpointer checkpointer(writer, writing, path, 50);
  auto insert = [&](const std::string& value) {
    std::lock_guard lock(writing);
    writer.exec("INSERT INTO t VALUES ('" + value + "')");
  };
  std::string wide(2000, 'x');
  for (int i = 0; i < 2000; ++i) insert(wide);
  for (int i = 0; i < 100 && checkpointer.checkpoints() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(checkpointer.checkpoints() > 0);
  // Under steady writes the log still starts again from its beginning (how often depends on how fast the
  // machine copies pages back), so it does not grow with what is written: these 6,000 commits of a 2 KB row
  // add over 12,000 pages to the log.
  int64_t restarts = checkpointer.log_restarts();
  for (int i = 0; i < 6000; ++i) insert(wide);
  CHECK(checkpointer.log_restarts() > restarts);
  CHECK(checkpointer.log_pages() < 12000);
  CHECK(rows(readers) == 8000);
}

}  // namespace
}  // namespace approdo
