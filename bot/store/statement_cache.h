// StatementCache: the statements prepared on one SQLite connection, each once for the connection's life
// (preparing SQL cost more than running it on the hot paths), handed out as a Reused that resets it after use.
// Used by the store's writer and by each of its readers (SqliteReaders).
//
// Thread-safety: none; the connection's owner (the writer under its mutex, a reader while lent) uses it.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace approdo {

// A statement prepared once for the life of its connection, reset (bindings cleared) when the handle goes out
// of scope: preparing SQL cost more than running it on the hot paths.
class Reused {
 public:
  explicit Reused(SQLite::Statement& s) : s_(s) {}
  ~Reused() {
    s_.tryReset();
    try {
      s_.clearBindings();
    } catch (const std::exception&) {  // cannot fail on a reset statement; never throw from here
    }
  }
  Reused(const Reused&) = delete;
  Reused& operator=(const Reused&) = delete;
  template <class... Args>
  void bind(Args&&... args) {
    s_.bind(std::forward<Args>(args)...);
  }
  int exec() { return s_.exec(); }
  bool executeStep() { return s_.executeStep(); }
  SQLite::Column getColumn(int i) const { return s_.getColumn(i); }
  SQLite::Statement& statement() { return s_; }

 private:
  SQLite::Statement& s_;
};

// A connection and the statements prepared on it, keyed by their SQL (a string literal).
class StatementCache {
 public:
  explicit StatementCache(SQLite::Database& db) : db_(db) {}
  Reused reuse(std::string_view sql) {
    auto& s = statements_[sql];
    if (!s) s = std::make_unique<SQLite::Statement>(db_, std::string(sql));
    return Reused(*s);
  }

 private:
  SQLite::Database& db_;
  std::unordered_map<std::string_view, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace approdo
