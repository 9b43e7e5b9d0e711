#include "bot/store/backup.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "bot/store/sqlite_store.h"
#include "tests/test_support.h"

namespace approdo {
namespace {

Keyring keyring_in(const std::string& dir) {
  auto k = Keyring::load_or_create(dir, {});
  REQUIRE(k.keyring);
  return *k.keyring;
}

// One person writes `text`; the turn marks it processed and queues one reply, as the dialogue does.
void exchange(Store& s, const std::string& address, const std::string& id, const std::string& text) {
  InboundMessage m;
  m.channel = "telegram";
  m.provider_id = id;
  m.address = address;
  m.text = text;
  for (const auto& key : s.record_inbound({m}).conv_keys) {
    TurnCommit t;
    t.conv_key = key;
    t.channel = "telegram";
    t.status = "bot";
    t.lang = "en";
    for (const auto& p : s.pending_for(key)) t.processed_ids.push_back(p.id);
    t.replies.push_back({"reply to " + id, {}, "en", "test"});
    s.commit_turn(t);
  }
}

int64_t scalar(const std::string& db_path, const std::string& sql) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

TEST_CASE("a backup taken while turns are being saved holds whole turns, and is one self-contained file") {
  testing::ScratchDir dir;
  auto keys = keyring_in(dir.path().string());
  SqliteStore s(dir.file("live.db"), keys);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      exchange(s, std::to_string(i % 7), "m" + std::to_string(i), "question " + std::to_string(i));
      ++written;
    }
  });
  while (written < 20) std::this_thread::yield();
  int64_t previous = 0;
  for (int b = 0; b < 5; ++b) {
    std::string copy = dir.file("b" + std::to_string(b) + ".db");
    BackupResult r = backup_database(dir.file("live.db"), copy);
    REQUIRE(r.error.empty());
    CHECK(!std::filesystem::exists(copy + "-wal"));
    CHECK(scalar(copy, "PRAGMA user_version") == SqliteStore::schema_version());
    int64_t messages = scalar(copy, "SELECT COUNT(*) FROM messages");
    // A turn marks its message answered and queues its reply in one transaction: a torn copy would hold
    // one without the other. (The last message may be recorded and not yet answered: it resumes on start.)
    int64_t answered = scalar(copy, "SELECT COUNT(*) FROM messages WHERE processed = 1");
    CHECK(scalar(copy, "SELECT COUNT(*) FROM outbox") == answered);
    CHECK(messages - answered <= 1);
    CHECK(r.summary.messages == messages);
    CHECK(messages >= previous);
    previous = messages;
  }
  stop = true;
  writer.join();
  CHECK(previous >= 20);
  CHECK(s.count("messages") >= previous);  // the server kept writing throughout
}

// A database at `db` where one person has written once and been answered.
void one_exchange(const std::string& db, const Keyring& keys) {
  SqliteStore s(db, keys);
  exchange(s, "1", "m1", "hello");
}

TEST_CASE("restore puts a backup back, migrates nothing it need not, and keeps the database it replaced") {
  testing::ScratchDir dir;
  auto keys = keyring_in(dir.path().string());
  const std::string db = dir.file("approdo.db");
  one_exchange(db, keys);
  REQUIRE(backup_database(db, dir.file("backup.db")).error.empty());
  {
    SqliteStore s(db, keys);
    exchange(s, "2", "m2", "after the backup");
  }
  BackupResult r = restore_database(dir.file("backup.db"), db, keys);
  REQUIRE(r.error.empty());
  CHECK(r.summary.describe() == "schema v" + std::to_string(SqliteStore::schema_version()) +
                                   ": 1 conversation, 1 message, 1 reply, 0 tickets");
  SqliteStore restored(db, keys);
  CHECK(restored.count("messages") == 1);
  CHECK(restored.integrity_ok());
  CHECK(scalar(db + ".before-restore", "SELECT COUNT(*) FROM messages") == 2);
}

TEST_CASE("restore refuses what it cannot use, with the reason, and leaves the database as it was") {
  testing::ScratchDir dir;
  auto keys = keyring_in(dir.path().string());
  const std::string db = dir.file("approdo.db");
  one_exchange(db, keys);
  REQUIRE(backup_database(db, dir.file("good.db")).error.empty());

  auto refused = [&](const std::string& file, const Keyring& k) {
    BackupResult r = restore_database(file, db, k);
    CHECK(scalar(db, "SELECT COUNT(*) FROM messages") == 1);
    CHECK(!std::filesystem::exists(db + ".before-restore"));
    return r.error;
  };
  CHECK(refused(dir.file("missing.db"), keys) == dir.file("missing.db") + ": no such file");
  CHECK(refused(dir.write("notes.txt", "not a database at all, just some text\n"), keys).find(
            "notes.txt: not an Approdo database") != std::string::npos);
  {
    SQLite::Database other(dir.file("other.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    other.exec("CREATE TABLE t (x); PRAGMA user_version = 1");
  }
  CHECK(refused(dir.file("other.db"), keys) == dir.file("other.db") + ": not an Approdo database");

  testing::ScratchDir elsewhere;
  CHECK(refused(dir.file("good.db"), keyring_in(elsewhere.path().string())).find(
            "good.db: made with a different secret key") != std::string::npos);

  REQUIRE(backup_database(db, dir.file("future.db")).error.empty());
  {
    SQLite::Database future(dir.file("future.db"), SQLite::OPEN_READWRITE);
    future.exec("PRAGMA user_version = " + std::to_string(SqliteStore::schema_version() + 1));
  }
  CHECK(refused(dir.file("future.db"), keys).find("made by a newer Approdo") != std::string::npos);
}

TEST_CASE("backup of a data directory without a database says where it looked") {
  testing::ScratchDir dir;
  BackupResult r = backup_database(dir.file("approdo.db"), dir.file("copy.db"));
  CHECK(r.error == "no database at " + dir.file("approdo.db") + " (check data_dir)");
  CHECK(!std::filesystem::exists(dir.file("copy.db")));
}

}  // namespace
}  // namespace approdo
