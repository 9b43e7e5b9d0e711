#include "bot/store/backup.h"

#include <filesystem>

#include "bot/store/sqlite_store.h"

namespace approdo {
namespace {

namespace fs = std::filesystem;

std::string plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

int64_t count_rows(SQLite::Database& db, const char* table) {
  return db.execAndGet(std::string("SELECT COUNT(*) FROM ") + table).getInt64();
}

DatabaseSummary summarize(SQLite::Database& db) {
  DatabaseSummary s;
  s.schema_version = db.execAndGet("PRAGMA user_version").getInt();
  s.conversations = count_rows(db, "conversations");
  s.messages = count_rows(db, "messages");
  s.outbox = count_rows(db, "outbox");
  s.tickets = count_rows(db, "tickets");
  return s;
}

void remove_with_journals(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix);
}

// Why `file` cannot be restored with `keyring`, or "" when it can.
std::string unusable_backup(const std::string& file, const Keyring& keyring) {
  if (!fs::is_regular_file(file)) return file + ": no such file";
  try {
    SQLite::Database db(file, SQLite::OPEN_READONLY);
    if (db.execAndGet("PRAGMA quick_check").getString() != "ok") return file + ": the database is damaged";
    int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version < 1 || !db.tableExists("conversations") || !db.tableExists("outbox"))
      return file + ": not an Approdo database";
    if (version > SqliteStore::schema_version())
      return file + ": made by a newer Approdo (schema v" + std::to_string(version) + ", this one knows up to v" +
             std::to_string(SqliteStore::schema_version()) + "): install that version to restore it";
    SQLite::Statement q(db, "SELECT address_sealed FROM conversations LIMIT 1");
    if (q.executeStep()) {
      const auto& col = q.getColumn(0);
      std::string sealed(static_cast<const char*>(col.getBlob()), static_cast<size_t>(col.getBytes()));
      if (!keyring.open(sealed))
        return file + ": made with a different secret key; restore the approdo.key (or APPRODO_SECRET_KEY) it "
                      "was made with first";
    }
  } catch (const SQLite::Exception& e) {
    return file + ": not an Approdo database (" + e.getErrorStr() + ")";
  }
  return {};
}

}  // namespace

std::string DatabaseSummary::describe() const {
  return "schema v" + std::to_string(schema_version) + ": " + plural(conversations, "conversation", "conversations") +
         ", " + plural(messages, "message", "messages") + ", " + plural(outbox, "reply", "replies") + ", " +
         plural(tickets, "ticket", "tickets");
}

void copy_database(SQLite::Database& source, const std::string& dest) {
  const std::string partial = dest + ".partial";
  remove_with_journals(partial);
  {
    SQLite::Database copy(partial, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    // One step: the copy is the moment the step began, whatever other connections commit meanwhile.
    SQLite::Backup(copy, source).executeStep(-1);
    copy.exec("PRAGMA journal_mode=DELETE");  // a single file, readable without its -wal
    if (copy.execAndGet("PRAGMA quick_check").getString() != "ok")
      throw std::runtime_error("the copy in " + partial + " failed its check");
  }
  fs::rename(partial, dest);
}

BackupResult backup_database(const std::string& db_path, const std::string& dest) {
  BackupResult r;
  if (!fs::is_regular_file(db_path)) {
    r.error = "no database at " + db_path + " (check data_dir)";
    return r;
  }
  SQLite::Database source(db_path, SQLite::OPEN_READWRITE);
  source.setBusyTimeout(5000);
  copy_database(source, dest);
  SQLite::Database copy(dest, SQLite::OPEN_READONLY);
  r.summary = summarize(copy);
  return r;
}

BackupResult restore_database(const std::string& backup, const std::string& db_path, const Keyring& keyring) {
  BackupResult r;
  r.error = unusable_backup(backup, keyring);
  if (!r.error.empty()) return r;
  if (fs::exists(db_path)) {
    SQLite::Database current(db_path, SQLite::OPEN_READWRITE);
    copy_database(current, db_path + ".before-restore");
  }
  const std::string incoming = db_path + ".restoring";
  {
    SQLite::Database source(backup, SQLite::OPEN_READONLY);
    copy_database(source, incoming);
  }
  remove_with_journals(db_path);
  fs::rename(incoming, db_path);
  SqliteStore migrated(db_path, keyring);  // applies the migrations a backup from an older release needs
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  r.summary = summarize(db);
  return r;
}

}  // namespace approdo
