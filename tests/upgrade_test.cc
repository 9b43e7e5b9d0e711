// Upgrading from the previous release: a database exactly as release 1 (schema v1) left it, with people in
// the middle of conversations, is migrated on start without losing or garbling anything, and the bot goes
// on where it stopped.
#include <doctest/doctest.h>

#include "bot/app/app.h"
#include "bot/store/migrations.h"
#include "bot/store/sqlite_store.h"
#include "tests/test_support.h"

namespace approdo {
namespace {

const std::string kAddress = "5550001";

// What release 1 left behind: a Telegram conversation in English with one message answered (its reply sent)
// and one received just before the server stopped (not yet answered), a reply still waiting to go out, and
// a ticket for a caseworker, still waiting or (`handed_back`) closed, the conversation back with the bot.
std::string write_release_1_database(const std::string& path, const Keyring& keys, bool handed_back = false) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec(std::string(store::kMigrations[0]));
  db.exec("PRAGMA user_version = 1");
  std::string key = keys.conversation_key("telegram", kAddress);
  std::string sealed = keys.seal(kAddress);
  SQLite::Statement c(db, "INSERT INTO conversations (key, channel, address_sealed, state, lang, status, created_at,"
                          " updated_at) VALUES (?, 'telegram', ?, '{\"stage\":\"ready\"}', 'en', ?, 1000, 2000)");
  c.bind(1, key);
  c.bind(2, sealed.data(), static_cast<int>(sealed.size()));
  c.bind(3, handed_back ? "bot" : "handoff");
  c.exec();
  SQLite::Statement m(db, "INSERT INTO messages (id, channel, provider_id, conv_key, kind, text, received_at, processed)"
                          " VALUES (1, 'telegram', '5001', ?1, 'text', 'hi', 1000, 1),"
                          " (2, 'telegram', '5002', ?1, 'text', 'what is the number for emergencies?', 2000, 0)");
  m.bind(1, key);
  m.exec();
  SQLite::Statement o(db, "INSERT INTO outbox (id, conv_key, channel, address_sealed, payload, status, delivery,"
                          " created_at, updated_at) VALUES"
                          " (1, ?1, 'telegram', NULL, '{\"text\":\"Hi!\",\"lang\":\"en\"}', 'sent', 'delivered', 1000, 1000),"
                          " (2, ?1, 'telegram', ?2, '{\"text\":\"A caseworker will write to you.\",\"lang\":\"en\"}',"
                          "  'pending', '', 1500, 1500)");
  o.bind(1, key);
  o.bind(2, sealed.data(), static_cast<int>(sealed.size()));
  o.exec();
  SQLite::Statement t(db, "INSERT INTO tickets (conv_key, status, priority, reason, lang, channel, summary, opened_at)"
                          " VALUES (?, ?, 'normal', 'asked', 'en', 'telegram', 'asked for a person', 1500)");
  t.bind(1, key);
  t.bind(2, handed_back ? "closed" : "waiting");
  t.exec();
  return key;
}

Keyring keyring_in(const std::string& dir) {
  auto k = Keyring::load_or_create(dir, {});
  REQUIRE(k.keyring);
  return *k.keyring;
}

TEST_CASE("a release 1 database is migrated with its data, and a copy of it is kept first") {
  testing::ScratchDir dir;
  auto keys = keyring_in(dir.path().string());
  const std::string path = dir.file("approdo.db");
  const std::string key = write_release_1_database(path, keys);

  SqliteStore s(path, keys);
  CHECK(s.current_version() == SqliteStore::schema_version());
  CHECK(s.integrity_ok());
  {
    SQLite::Database before(path + ".before-v1", SQLite::OPEN_READONLY);
    CHECK(before.execAndGet("PRAGMA user_version").getInt() == 1);
    CHECK(before.execAndGet("SELECT COUNT(*) FROM outbox").getInt() == 2);
  }
  auto conv = s.load_conversation(key);
  REQUIRE(conv);
  CHECK(conv->lang == "en");
  CHECK(conv->status == "handoff");
  CHECK(conv->state_json == R"({"stage":"ready"})");
  auto pending = s.pending_for(key);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].msg.text == "what is the number for emergencies?");
  auto tickets = s.open_tickets();
  REQUIRE(tickets.size() == 1);
  CHECK(tickets[0].summary == "asked for a person");
  // The waiting reply still goes to the right person: its sealed address opens with the same key.
  auto due = s.claim_due("telegram", 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].id == 2);
  CHECK(due[0].address == kAddress);
  CHECK(due[0].msg.text == "A caseworker will write to you.");
  s.mark_sent(2, "tg-2");
  // Schema v2's promise holds for the migrated rows: an erased reply's id is never given out again.
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    raw.exec("DELETE FROM outbox WHERE id = 2");
  }
  TurnCommit t;
  t.conv_key = key;
  t.channel = "telegram";
  t.status = "handoff";
  t.lang = "en";
  t.replies.push_back({"112", {}, "en", "test"});
  CHECK(s.commit_turn(t) == std::vector<int64_t>{3});
}

TEST_CASE("after the upgrade the bot answers the message release 1 left unanswered") {
  testing::ScratchDir dir;
  auto keys = keyring_in(dir.path().string());
  Config config;
  config.data_dir = dir.path().string();
  config.content_dir = testing::source_dir() + "/content";
  config.locales_dir = testing::source_dir() + "/locales";
  config.opening_hours = "24/7";
  const std::string key = write_release_1_database(config.sqlite_path(), keys, /*handed_back=*/true);

  auto opened = App::open(config, {});
  REQUIRE(opened.app);
  opened.app->workers().wait_idle();
  Store& s = opened.app->store();
  CHECK(s.pending_for(key).empty());
  // Answered from the knowledge base, in the language the conversation had chosen under release 1.
  auto rows = s.take_for_conversation(key, 2);
  REQUIRE(!rows.empty());
  CHECK(rows[0].msg.lang == "en");
  CHECK(rows[0].msg.source == "article:emergency-numbers");
}

}  // namespace
}  // namespace approdo
