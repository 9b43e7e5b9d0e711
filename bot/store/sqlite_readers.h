// SqliteReaders: read-only connections to one SQLite database in WAL mode, lent out one call at a time, so
// that the hot reads (a conversation's pending messages and state, its tickets, the outbox's next due time)
// see the last committed state without waiting for the writer's mutex or its commits. Each connection keeps
// its prepared statements; a statement is reset after each use (Reused), so no read snapshot stays open and
// checkpoints are never held back by an idle reader.
//
// Thread-safety: with() may be called from any thread; a connection is used by one caller at a time. Opens at
// most `max_connections`; a caller beyond that waits for one to come back. Errors: opening or reading a
// database throws SQLite::Exception (the README's rule for database failures).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bot/store/statement_cache.h"

namespace approdo {

class SqliteReaders {
 public:
  SqliteReaders(std::string path, std::size_t max_connections);
  ~SqliteReaders();

  // Runs `read` with a connection of its own, then gives the connection back (also when `read` throws).
  template <class Read>
  auto with(Read&& read) {
    Lease lease(*this);
    return read(lease.reader->statements);
  }

 private:
  struct Reader {
    explicit Reader(const std::string& path);
    SQLite::Database db;  // declared before the statements: they must die first
    StatementCache statements;
  };
  struct Lease {
    explicit Lease(SqliteReaders& pool) : pool(pool), reader(pool.take()) {}
    ~Lease() { pool.give_back(std::move(reader)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    SqliteReaders& pool;
    std::unique_ptr<Reader> reader;
  };
  std::unique_ptr<Reader> take();
  void give_back(std::unique_ptr<Reader> reader);

  const std::string path_;
  const std::size_t max_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Reader>> idle_;
  std::size_t open_ = 0;  // idle + lent out
};

}  // namespace approdo
