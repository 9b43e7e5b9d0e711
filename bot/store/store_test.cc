#include "bot/store/sqlite_store.h"

#include <doctest/doctest.h>

#include <thread>

#include "bot/store/migrations.h"
#include "tests/test_support.h"

namespace approdo {
namespace {

Keyring test_keyring(const testing::ScratchDir& dir) {
  auto k = Keyring::load_or_create(dir.path().string(), {});
  REQUIRE(k.keyring);
  return *k.keyring;
}

InboundMessage text_from(const std::string& address, const std::string& id, const std::string& text) {
  InboundMessage m;
  m.channel = "telegram";
  m.provider_id = id;
  m.address = address;
  m.text = text;
  return m;
}

// A bot turn on Telegram that answers with `texts`, in order.
TurnCommit replies_to(const std::string& key, const std::vector<std::string>& texts) {
  TurnCommit t;
  t.conv_key = key;
  t.channel = "telegram";
  t.status = "bot";
  for (const auto& text : texts) t.replies.push_back({text, {}, "en", ""});
  return t;
}

TEST_CASE("a new database is migrated to the current schema, and opening it again changes nothing") {
  testing::ScratchDir dir;
  auto keys = test_keyring(dir);
  {
    SqliteStore s(dir.file("a.db"), keys);
    CHECK(s.current_version() == SqliteStore::schema_version());
    CHECK(s.integrity_ok());
  }
  SqliteStore again(dir.file("a.db"), keys);
  CHECK(again.current_version() == SqliteStore::schema_version());
}

TEST_CASE("every earlier schema version migrates forward without losing rows") {
  testing::ScratchDir dir;
  auto keys = test_keyring(dir);
  for (int from = 0; from < SqliteStore::schema_version(); ++from) {
    std::string path = dir.file("v" + std::to_string(from) + ".db");
    {
      SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      for (int v = 0; v < from; ++v) db.exec(std::string(store::kMigrations[v]));
      db.exec("PRAGMA user_version = " + std::to_string(from));
      if (from >= 1) {
        db.exec("INSERT INTO conversations (key, channel, address_sealed, created_at, updated_at)"
                " VALUES ('k', 'telegram', x'00', 1, 1)");
        db.exec("INSERT INTO outbox (conv_key, channel, payload, created_at, updated_at)"
                " VALUES ('k', 'telegram', '{\"text\":\"hi\"}', 1, 1)");
      }
    }
    SqliteStore s(path, keys);
    CHECK(s.current_version() == SqliteStore::schema_version());
    CHECK(s.count("conversations") == (from >= 1 ? 1 : 0));
    CHECK(s.count("outbox") == (from >= 1 ? 1 : 0));
  }
}

TEST_CASE("a provider's retry is recorded once") {
  testing::ScratchDir dir;
  SqliteStore s(dir.file("a.db"), test_keyring(dir));
  auto first = s.record_inbound({text_from("42", "m1", "hello")});
  CHECK(first.inserted == 1);
  CHECK(first.conv_keys.size() == 1);
  auto retry = s.record_inbound({text_from("42", "m1", "hello")});
  CHECK(retry.inserted == 0);
  CHECK(retry.duplicates == 1);
  CHECK(retry.conv_keys.empty());
  CHECK(s.count("messages") == 1);
  CHECK(s.pending_for(first.conv_keys[0]).size() == 1);
}

TEST_CASE("concurrent webhooks are committed together, each caller getting its own result") {
  testing::ScratchDir dir;
  SqliteStore s(dir.file("a.db"), test_keyring(dir));
  // Threads t and t + 4 post the same provider ids (a provider's retry racing the original): each message
  // must be recorded once, and exactly one of the two callers told it is new.
  constexpr int kThreads = 8, kWebhooks = 150;
  std::vector<RecordResult> totals(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWebhooks; ++i) {
        std::string id = "m" + std::to_string(t % 4) + "-" + std::to_string(i);
        auto r = s.record_inbound({text_from("person" + std::to_string(i % 10), id, "hello")});
        totals[t].inserted += r.inserted;
        totals[t].duplicates += r.duplicates;
        CHECK(r.inserted + r.duplicates == 1);
        CHECK(r.conv_keys.size() == static_cast<std::size_t>(r.inserted));
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    CHECK(totals[t].inserted + totals[t + 4].inserted == kWebhooks);
    CHECK(totals[t].duplicates + totals[t + 4].duplicates == kWebhooks);
  }
  CHECK(s.count("messages") == 4 * kWebhooks);
  CHECK(s.count("conversations") == 10);
}

TEST_CASE("the address is stored only sealed, and conversation keys do not reveal it") {
  testing::ScratchDir dir;
  auto keys = test_keyring(dir);
  const std::string phone = "+393331234567";
  std::string key;
  {
    SqliteStore s(dir.file("a.db"), keys);
    key = s.record_inbound({text_from(phone, "m1", "ciao")}).conv_keys.at(0);
    TurnCommit t;
    t.conv_key = key;
    t.channel = "telegram";
    t.status = "bot";
    t.replies.push_back({"hi", {}, "en", "locale:welcome"});
    s.commit_turn(t);
    auto due = s.claim_due("telegram", 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].address == phone);
  }
  CHECK(key.find("393331234567") == std::string::npos);
  SQLite::Database raw(dir.file("a.db"));
  SQLite::Statement q(raw, "SELECT COUNT(*) FROM conversations WHERE instr(CAST(address_sealed AS TEXT), '3331234567') > 0");
  REQUIRE(q.executeStep());
  CHECK(q.getColumn(0).getInt() == 0);
}

TEST_CASE("a turn saves state, replies and ticket together; one open ticket per conversation") {
  testing::ScratchDir dir;
  SqliteStore s(dir.file("a.db"), test_keyring(dir));
  auto rec = s.record_inbound({text_from("7", "m1", "help")});
  std::string key = rec.conv_keys.at(0);
  auto pending = s.pending_for(key);
  REQUIRE(pending.size() == 1);
  TurnCommit t;
  t.conv_key = key;
  t.channel = "telegram";
  t.processed_ids = {pending[0].id};
  t.state_json = R"({"stage":"ready"})";
  t.lang = "fa";
  t.status = "handoff";
  t.replies = {{"one", {}, "fa", "x"}, {"two", {{"article:a", "A"}}, "fa", "y"}};
  t.open_ticket = TicketRequest{"asked", "normal", "fa", "", "", ""};
  auto ids = s.commit_turn(t);
  CHECK(ids.size() == 2);
  CHECK(s.pending_for(key).empty());
  auto conv = s.load_conversation(key);
  REQUIRE(conv);
  CHECK(conv->lang == "fa");
  CHECK(conv->status == "handoff");
  CHECK(s.waiting_tickets() == 1);
  CHECK(s.has_open_ticket(key));
  // A second request (now urgent) raises the existing ticket instead of queueing the person twice.
  t.processed_ids.clear();
  t.replies.clear();
  t.open_ticket = TicketRequest{"urgent", "urgent", "fa", "", "danger", ""};
  s.commit_turn(t);
  CHECK(s.count("tickets") == 1);
}

TEST_CASE("the outbox keeps each conversation's replies in order") {
  testing::ScratchDir dir;
  SqliteStore s(dir.file("a.db"), test_keyring(dir));
  std::string key = s.record_inbound({text_from("9", "m1", "x")}).conv_keys.at(0);
  s.commit_turn(replies_to(key, {"first", "second"}));
  auto a = s.claim_due("telegram", 10);
  REQUIRE(a.size() == 1);  // only the oldest of a conversation is in flight
  CHECK(a[0].msg.text == "first");
  CHECK(s.claim_due("telegram", 10).empty());
  s.mark_retry(a[0].id, 0, "timeout");
  auto again = s.claim_due("telegram", 10);
  REQUIRE(again.size() == 1);
  CHECK(again[0].msg.text == "first");
  CHECK(again[0].attempts == 1);
  s.mark_sent(again[0].id, "p1");
  auto b = s.claim_due("telegram", 10);
  REQUIRE(b.size() == 1);
  CHECK(b[0].msg.text == "second");
}

TEST_CASE("a claim takes the oldest due reply of each conversation, oldest first, up to the limit") {
  testing::ScratchDir dir;
  SqliteStore s(dir.file("a.db"), test_keyring(dir));
  auto reply = [&](const std::string& address, const std::string& text) {
    TurnCommit t;
    t.conv_key = s.record_inbound({text_from(address, "in-" + text, "x")}).conv_keys.at(0);
    t.channel = "telegram";
    t.status = "bot";
    t.replies = {{text, {}, "en", ""}};
    s.commit_turn(t);
  };
  reply("a", "a1");
  reply("b", "b1");
  reply("a", "a2");
  reply("c", "c1");
  auto first = s.claim_due("telegram", 2);
  REQUIRE(first.size() == 2);
  CHECK(first[0].msg.text == "a1");
  CHECK(first[1].msg.text == "b1");
  auto second = s.claim_due("telegram", 10);
  REQUIRE(second.size() == 1);  // a2 waits for a1, still in flight
  CHECK(second[0].msg.text == "c1");
  s.mark_retry(first[0].id, now_ms() + 60'000, "timeout");  // a1 not due: a2 still waits behind it
  CHECK(s.claim_due("telegram", 10).empty());
}

TEST_CASE("claims left by a crash are released on start") {
  testing::ScratchDir dir;
  SqliteStore s(dir.file("a.db"), test_keyring(dir));
  std::string key = s.record_inbound({text_from("9", "m1", "x")}).conv_keys.at(0);
  s.commit_turn(replies_to(key, {"hello"}));
  REQUIRE(s.claim_due("telegram", 10).size() == 1);
  CHECK(s.claim_due("telegram", 10).empty());
  s.release_stale_claims();
  CHECK(s.claim_due("telegram", 10).size() == 1);
}

TEST_CASE("a claim is kept in memory: the file says pending, the store says sending, a restart sends it again") {
  testing::ScratchDir dir;
  auto keys = test_keyring(dir);
  int64_t id = 0;
  {
    SqliteStore s(dir.file("a.db"), keys);
    std::string key = s.record_inbound({text_from("9", "m1", "x")}).conv_keys.at(0);
    s.commit_turn(replies_to(key, {"hello", "second"}));
    auto claimed = s.claim_due("telegram", 10);
    REQUIRE(claimed.size() == 1);  // the second waits for the first
    id = claimed[0].id;
    CHECK(s.outbox_status(id)->status == "sending");
    CHECK(s.outbox_with_status("sending") == 1);
    CHECK(s.outbox_with_status("pending") == 1);  // the second
    SQLite::Database file(dir.file("a.db"), SQLite::OPEN_READONLY);
    CHECK(file.execAndGet("SELECT status FROM outbox WHERE id = " + std::to_string(id)).getString() == "pending");
  }  // stopped while sending
  SqliteStore again(dir.file("a.db"), keys);
  auto resent = again.claim_due("telegram", 10);
  REQUIRE(resent.size() == 1);
  CHECK(resent[0].id == id);
  again.mark_retry(id, 0, "timeout");
  auto third = again.claim_due("telegram", 10);
  REQUIRE(third.size() == 1);
  CHECK(third[0].attempts == 1);  // the claim that ended in a retry counted; the restart did not
  again.mark_sent(id, "tg-1");
  CHECK(again.outbox_status(id)->status == "sent");
  CHECK(again.claim_due("telegram", 10).at(0).msg.text == "second");
  CHECK(again.next_due_at("telegram") == 0);  // the one pending row is in flight: nothing waits for a time
}

TEST_CASE("erasing a conversation removes messages, replies and state but keeps anonymous counts") {
  testing::ScratchDir dir;
  SqliteStore s(dir.file("a.db"), test_keyring(dir));
  std::string key = s.record_inbound({text_from("5", "m1", "my name is Ali")}).conv_keys.at(0);
  TurnCommit t;
  t.conv_key = key;
  t.channel = "telegram";
  t.status = "handoff";
  t.replies = {{"ok", {}, "en", ""}};
  t.open_ticket = TicketRequest{"asked", "normal", "en", "", "", "my name is Ali"};
  s.commit_turn(t);
  s.erase_conversation(key);
  CHECK(s.count("messages") == 0);
  CHECK(s.count("outbox") == 0);
  CHECK(s.count("conversations") == 0);
  CHECK(s.count("tickets") == 1);
  CHECK_FALSE(s.has_open_ticket(key));
}

TEST_CASE("outbox ids are never reused after an erasure (pages read past them)") {
  testing::ScratchDir dir;
  SqliteStore s(dir.file("a.db"), test_keyring(dir));
  std::string key = s.record_inbound({text_from("5", "m1", "hi")}).conv_keys.at(0);
  TurnCommit t;
  t.conv_key = key;
  t.channel = "webchat";
  t.status = "bot";
  t.replies = {{"one", {}, "en", ""}, {"two", {}, "en", ""}};
  auto first = s.commit_turn(t);
  t.erase = true;
  t.replies = {{"deleted", {}, "en", ""}};
  auto after = s.commit_turn(t);
  REQUIRE(after.size() == 1);
  CHECK(after[0] > first.back());
  CHECK(s.take_for_conversation(key, first.back()).size() == 1);
}

TEST_CASE("retention erases inactive conversations, never a person waiting for a caseworker") {
  testing::ScratchDir dir;
  SqliteStore s(dir.file("a.db"), test_keyring(dir));
  std::string old_key = s.record_inbound({text_from("1", "m1", "old")}).conv_keys.at(0);
  std::string waiting = s.record_inbound({text_from("2", "m2", "help")}).conv_keys.at(0);
  std::string recent = s.record_inbound({text_from("3", "m3", "hi")}).conv_keys.at(0);
  TurnCommit t;
  t.conv_key = waiting;
  t.channel = "telegram";
  t.status = "handoff";
  t.open_ticket = TicketRequest{"asked", "normal", "en", "", "", ""};
  s.commit_turn(t);
  {
    SQLite::Database raw(dir.file("a.db"), SQLite::OPEN_READWRITE);
    raw.setBusyTimeout(5000);
    SQLite::Statement q(raw, "UPDATE conversations SET updated_at = 1000 WHERE key IN (?, ?)");
    q.bind(1, old_key);
    q.bind(2, waiting);
    q.exec();
  }
  CHECK(s.erase_inactive_before(now_ms() - 1000) == 1);
  CHECK_FALSE(s.load_conversation(old_key));
  CHECK(s.load_conversation(waiting));
  CHECK(s.load_conversation(recent));
  CHECK(s.count("messages") == 2);
}

TEST_CASE("a blocked person gets nothing more; pending replies are dropped") {
  testing::ScratchDir dir;
  SqliteStore s(dir.file("a.db"), test_keyring(dir));
  std::string key = s.record_inbound({text_from("5", "m1", "hi")}).conv_keys.at(0);
  TurnCommit t;
  t.conv_key = key;
  t.channel = "telegram";
  t.status = "bot";
  t.replies = {{"ok", {}, "en", ""}};
  auto ids = s.commit_turn(t);
  InboundMessage blocked;
  blocked.channel = "telegram";
  blocked.address = "5";
  blocked.provider_id = "u2";
  blocked.kind = InboundMessage::Kind::kBlocked;
  s.record_inbound({blocked});
  CHECK(s.claim_due("telegram", 10).empty());
  CHECK(s.outbox_status(ids[0])->status == "dead");
  CHECK(s.load_conversation(key)->blocked);
}

}  // namespace
}  // namespace approdo
