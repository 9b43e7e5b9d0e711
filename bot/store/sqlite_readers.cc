#include "bot/store/sqlite_readers.h"

namespace approdo {

SqliteReaders::Reader::Reader(const std::string& path) : db(path, SQLite::OPEN_READONLY), statements(db) {
  db.setBusyTimeout(5000);
}

SqliteReaders::SqliteReaders(std::string path, std::size_t max_connections)
    : path_(std::move(path)), max_(std::max<std::size_t>(1, max_connections)) {}

SqliteReaders::~SqliteReaders() = default;

std::unique_ptr<SqliteReaders::Reader> SqliteReaders::take() {
  std::unique_lock lock(mu_);
  returned_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
  if (!idle_.empty()) {
    auto r = std::move(idle_.back());
    idle_.pop_back();
    return r;
  }
  ++open_;
  lock.unlock();
  try {
    return std::make_unique<Reader>(path_);  // opened outside the lock: it reads the schema
  } catch (...) {
    lock.lock();
    --open_;
    returned_.notify_one();
    throw;
  }
}

void SqliteReaders::give_back(std::unique_ptr<Reader> reader) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(reader));
  returned_.notify_one();
}

}  // namespace approdo
