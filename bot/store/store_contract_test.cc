// What every Store backend promises, checked on SQLite and on a real PostgreSQL server (tests/pg_cluster.h),
// then what only several instances on one PostgreSQL database need: two PgStores on the same database are
// two `approdo serve` processes as far as the database can tell (separate connections and sessions).
#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>

#include "bot/store/pg_store.h"
#include "bot/store/sqlite_store.h"
#include "tests/pg_cluster.h"
#include "tests/test_support.h"

namespace approdo {
namespace {

Keyring keyring_for_tests() {
  static const Keyring keys = [] {
    auto k = Keyring::load_or_create("", {{"APPRODO_SECRET_KEY", std::string(128, 'a')}});
    REQUIRE(k.keyring);
    return *k.keyring;
  }();
  return keys;
}

struct SqliteBackend {
  testing::ScratchDir dir;
  std::unique_ptr<Store> open() { return std::make_unique<SqliteStore>(dir.file("approdo.db"), keyring_for_tests()); }
};

struct PgBackend {
  std::string url = testing::PgCluster::shared().new_database();
  std::unique_ptr<Store> open() { return std::make_unique<PgStore>(url, keyring_for_tests()); }
};

InboundMessage text_from(const std::string& address, const std::string& id, const std::string& text,
                         const std::string& channel = "telegram") {
  InboundMessage m;
  m.channel = channel;
  m.provider_id = id;
  m.address = address;
  m.text = text;
  return m;
}

// Answers everything pending for `key` with one reply per message, as a dialogue worker would.
std::vector<int64_t> answer(Store& s, const std::string& key, const std::string& reply_prefix) {
  TurnCommit t;
  t.conv_key = key;
  t.channel = "telegram";
  t.status = "bot";
  t.lang = "en";
  for (const auto& p : s.pending_for(key)) {
    t.processed_ids.push_back(p.id);
    t.replies.push_back({reply_prefix + p.msg.text, {}, "en", "test"});
  }
  return s.commit_turn(t);
}

TEST_CASE_TEMPLATE("store: a provider's retry is recorded once, and the address is kept sealed", B, SqliteBackend,
                   PgBackend) {
  B backend;
  auto s = backend.open();
  CHECK(s->integrity_ok());
  auto first = s->record_inbound({text_from("+393331234567", "m1", "hello")});
  CHECK(first.inserted == 1);
  REQUIRE(first.conv_keys.size() == 1);
  CHECK(first.conv_keys[0].find("3331234567") == std::string::npos);
  auto retry = s->record_inbound({text_from("+393331234567", "m1", "hello")});
  CHECK(retry.inserted == 0);
  CHECK(retry.duplicates == 1);
  CHECK(retry.conv_keys.empty());
  CHECK(s->count("messages") == 1);
  CHECK(s->conversations_with_pending() == first.conv_keys);
  auto pending = s->pending_for(first.conv_keys[0]);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].msg.text == "hello");
  answer(*s, first.conv_keys[0], "re: ");
  auto due = s->claim_due("telegram", 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].address == "+393331234567");
  CHECK(due[0].msg.text == "re: hello");
}

TEST_CASE_TEMPLATE("store: a turn saves state, replies and one open ticket together", B, SqliteBackend, PgBackend) {
  B backend;
  auto s = backend.open();
  std::string key = s->record_inbound({text_from("7", "m1", "help")}).conv_keys.at(0);
  TurnCommit t;
  t.conv_key = key;
  t.channel = "telegram";
  t.processed_ids = {s->pending_for(key).at(0).id};
  t.state_json = R"({"stage":"ready"})";
  t.lang = "fa";
  t.status = "handoff";
  t.replies = {{"one", {}, "fa", "x"}, {"two", {{"article:a", "A"}}, "fa", "y"}};
  t.open_ticket = TicketRequest{"asked", "normal", "fa", "", "", "wants a person"};
  t.article_views = {"asylum-appeal"};
  t.unmatched = {{"fa", "something", "no_match"}};
  auto ids = s->commit_turn(t);
  REQUIRE(ids.size() == 2);
  CHECK(ids[1] > ids[0]);
  CHECK(s->pending_for(key).empty());
  auto conv = s->load_conversation(key);
  REQUIRE(conv);
  CHECK(conv->state_json == R"({"stage":"ready"})");
  CHECK(conv->lang == "fa");
  CHECK(conv->status == "handoff");
  CHECK(s->waiting_tickets() == 1);
  CHECK(s->has_open_ticket(key));
  t.processed_ids.clear();
  t.replies.clear();
  t.unmatched.clear();
  t.open_ticket = TicketRequest{"urgent", "urgent", "fa", "", "danger", ""};
  s->commit_turn(t);
  CHECK(s->count("tickets") == 1);
  auto open = s->open_tickets();
  REQUIRE(open.size() == 1);
  CHECK(open[0].priority == "urgent");
  CHECK(open[0].summary == "wants a person");
  CHECK(s->count("article_views") == 1);
  CHECK(s->count("unmatched") == 1);
}

TEST_CASE_TEMPLATE("store: the outbox gives each conversation's replies in order, one at a time", B, SqliteBackend,
                   PgBackend) {
  B backend;
  auto s = backend.open();
  std::string a = s->record_inbound({text_from("1", "a1", "x"), text_from("1", "a2", "y")}).conv_keys.at(0);
  std::string b = s->record_inbound({text_from("2", "b1", "z")}).conv_keys.at(0);
  answer(*s, a, "");
  answer(*s, b, "");
  auto first = s->claim_due("telegram", 10);
  REQUIRE(first.size() == 2);  // a's first and b's only; a's second waits for a's first
  CHECK(first[0].msg.text == "x");
  CHECK(first[1].msg.text == "z");
  CHECK(s->claim_due("telegram", 10).empty());
  s->mark_retry(first[0].id, now_ms() + 60'000, "429");
  CHECK(s->claim_due("telegram", 10).empty());  // retrying later, and still first in line
  s->mark_retry(first[0].id, 0, "429");
  auto again = s->claim_due("telegram", 10);
  REQUIRE(again.size() == 1);
  CHECK(again[0].attempts == 1);
  s->mark_sent(again[0].id, "tg-1");
  auto second = s->claim_due("telegram", 10);
  REQUIRE(second.size() == 1);
  CHECK(second[0].msg.text == "y");
  s->mark_dead(second[0].id, "403 blocked");
  CHECK(s->outbox_with_status("dead") == 1);
  CHECK(s->outbox_status(again[0].id)->status == "sent");
  // A delivery report moves forward only.
  InboundMessage status;
  status.channel = "telegram";
  status.kind = InboundMessage::Kind::kStatus;
  status.status_of = "tg-1";
  status.status = "read";
  s->record_inbound({status});
  status.status = "delivered";
  s->record_inbound({status});
  CHECK(s->outbox_status(again[0].id)->delivery == "read");
}

TEST_CASE_TEMPLATE("store: caseworker replies and closing go out on the person's channel", B, SqliteBackend,
                   PgBackend) {
  B backend;
  auto s = backend.open();
  std::string key = s->record_inbound({text_from("55", "m1", "a person please")}).conv_keys.at(0);
  TurnCommit t;
  t.conv_key = key;
  t.channel = "telegram";
  t.processed_ids = {s->pending_for(key).at(0).id};
  t.status = "handoff";
  t.lang = "en";
  t.open_ticket = TicketRequest{"asked", "normal", "en", "", "", ""};
  s->commit_turn(t);
  int64_t ticket = s->open_tickets().at(0).id;
  auto reply = s->caseworker_reply(ticket, "maria", {"Hello, I am Maria", {}, "en", "caseworker:maria"});
  REQUIRE(reply);
  CHECK(s->ticket(ticket)->assigned_to == "maria");
  CHECK(s->close_ticket(ticket, "resolved", {"The bot is back", {}, "en", "locale:handoff_ended"}));
  CHECK(!s->close_ticket(ticket, "resolved", {"twice", {}, "en", ""}));
  CHECK(s->load_conversation(key)->status == "bot");
  auto rows = s->take_for_conversation(key, 0);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].msg.text == "Hello, I am Maria");
  CHECK(rows[1].msg.text == "The bot is back");
  CHECK(s->take_for_conversation(key, rows[1].id).empty());
}

TEST_CASE_TEMPLATE("store: erasure removes the person, retention spares those waiting for a caseworker", B,
                   SqliteBackend, PgBackend) {
  B backend;
  auto s = backend.open();
  std::string gone = s->record_inbound({text_from("1", "m1", "delete my data")}).conv_keys.at(0);
  std::string waiting = s->record_inbound({text_from("2", "m2", "help")}).conv_keys.at(0);
  std::string idle = s->record_inbound({text_from("3", "m3", "hi")}).conv_keys.at(0);
  answer(*s, gone, "");
  TurnCommit t;
  t.conv_key = waiting;
  t.channel = "telegram";
  t.processed_ids = {s->pending_for(waiting).at(0).id};
  t.status = "handoff";
  t.open_ticket = TicketRequest{"asked", "normal", "en", "", "", "my name is X"};
  s->commit_turn(t);
  s->erase_conversation(gone);
  CHECK(!s->load_conversation(gone));
  CHECK(s->take_for_conversation(gone, 0).empty());
  CHECK(s->erase_inactive_before(now_ms() + 1) == 1);  // idle goes; waiting has an open ticket
  CHECK(!s->load_conversation(idle));
  CHECK(s->load_conversation(waiting));
  CHECK(s->count("messages") == 1);
}

// ---- several instances on one PostgreSQL database ----

TEST_CASE("postgresql: the same webhook reaching two instances at once is recorded once") {
  PgBackend backend;
  auto one = backend.open(), two = backend.open();
  std::atomic<int> inserted{0};
  auto deliver = [&](Store& s) {
    for (int i = 0; i < 50; ++i)
      inserted += s.record_inbound({text_from(std::to_string(i % 5), "m" + std::to_string(i), "hi")}).inserted;
  };
  std::thread a([&] { deliver(*one); });
  std::thread b([&] { deliver(*two); });
  a.join();
  b.join();
  CHECK(inserted == 50);
  CHECK(one->count("messages") == 50);
  CHECK(one->count("conversations") == 5);
}

TEST_CASE("postgresql: two instances' senders never claim the same reply, and keep each conversation's order") {
  PgBackend backend;
  auto one = backend.open(), two = backend.open();
  for (int c = 0; c < 20; ++c) {
    std::vector<InboundMessage> in;
    for (int m = 0; m < 5; ++m)
      in.push_back(text_from("c" + std::to_string(c), std::to_string(c) + "-" + std::to_string(m), std::to_string(m)));
    answer(*one, one->record_inbound(in).conv_keys.at(0), "");
  }
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> sent;  // conversation → texts in the order they were sent
  std::set<int64_t> claimed;
  std::atomic<int> duplicates{0};
  auto sender = [&](Store& s) {
    for (int idle = 0; idle < 50;) {
      auto rows = s.claim_due("telegram", 4);
      if (rows.empty()) {
        ++idle;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        continue;
      }
      idle = 0;
      for (const auto& r : rows) {
        {
          std::lock_guard lock(mu);
          if (!claimed.insert(r.id).second) ++duplicates;
          sent[r.conv_key].push_back(r.msg.text);
        }
        s.mark_sent(r.id, "p" + std::to_string(r.id));
      }
    }
  };
  std::thread a([&] { sender(*one); });
  std::thread b([&] { sender(*two); });
  a.join();
  b.join();
  CHECK(duplicates == 0);
  CHECK(claimed.size() == 100);
  for (const auto& [conv, texts] : sent) CHECK(texts == std::vector<std::string>{"0", "1", "2", "3", "4"});
}

TEST_CASE("postgresql: a conversation is held by one instance at a time, and a turn is never saved twice") {
  PgBackend backend;
  auto one = backend.open(), two = backend.open();
  std::string key = one->record_inbound({text_from("1", "m1", "hi")}).conv_keys.at(0);
  CHECK(one->hold_conversation(key));
  CHECK(!two->hold_conversation(key));
  std::string other = one->record_inbound({text_from("2", "m2", "hi")}).conv_keys.at(0);
  CHECK(two->hold_conversation(other));  // other conversations are free
  two->let_go_conversation(other);
  // Both instances worked out the same turn (as if the hold were lost): only the first one is saved.
  auto pending = two->pending_for(key);
  answer(*one, key, "");
  TurnCommit late;
  late.conv_key = key;
  late.channel = "telegram";
  late.status = "bot";
  late.processed_ids = {pending.at(0).id};
  late.replies = {{"a second answer", {}, "en", "x"}};
  CHECK_THROWS(two->commit_turn(late));
  CHECK(two->count("outbox") == 1);
  one->let_go_conversation(key);
  CHECK(two->hold_conversation(key));
  two->let_go_conversation(key);
}

TEST_CASE("postgresql: a reply claimed by an instance that died is sent by another after the lease") {
  PgBackend backend;
  auto one = backend.open(), two = backend.open();
  answer(*one, one->record_inbound({text_from("1", "m1", "hi")}).conv_keys.at(0), "");
  REQUIRE(one->claim_due("telegram", 10).size() == 1);  // and then instance one dies
  two->release_stale_claims();                          // another instance starting: not lapsed yet
  CHECK(two->claim_due("telegram", 10).empty());
  {
    pqxx::connection c(backend.url);
    pqxx::work tx(c);
    tx.exec_params("UPDATE outbox SET claimed_at = $1", now_ms() - PgStore::kClaimLeaseMs - 1);
    tx.commit();
  }
  auto rows = two->claim_due("telegram", 10);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].attempts == 1);  // the dead instance's try counts
}

TEST_CASE("postgresql: instances starting together migrate the schema once") {
  std::string url = testing::PgCluster::shared().new_database();
  std::vector<std::thread> starting;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i)
    starting.emplace_back([&] {
      PgStore s(url, keyring_for_tests());
      ok += s.current_version() == PgStore::schema_version();
    });
  for (auto& t : starting) t.join();
  CHECK(ok == 4);
}

}  // namespace
}  // namespace approdo
