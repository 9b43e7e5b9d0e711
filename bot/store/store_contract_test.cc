// What every Store backend promises, checked on SQLite and on a real PostgreSQL server (tests/pg_cluster.h),
// then what only several instances on one PostgreSQL database need: two PgStores on the same database are
// two `approdo serve` processes as far as the database can tell (separate connections and sessions).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <set>
#include <thread>
#include <type_traits>

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
  std::unique_ptr<Store> open_with(const Keyring& keys) {
    return std::make_unique<SqliteStore>(dir.file("approdo.db"), keys);
  }
  std::unique_ptr<Store> open() { return open_with(keyring_for_tests()); }
};

struct PgBackend {
  std::string url = testing::PgCluster::shared().new_database();
  std::unique_ptr<Store> open_with(const Keyring& keys) { return std::make_unique<PgStore>(url, keys); }
  std::unique_ptr<Store> open() { return open_with(keyring_for_tests()); }
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

// Answers what is pending for `key` by handing the person to a caseworker: a ticket in `category` opened,
// `replies` queued.
void hand_over(Store& s, const std::string& key, const std::string& category,
               std::vector<OutboundMessage> replies = {}) {
  TurnCommit t;
  t.conv_key = key;
  t.channel = "telegram";
  for (const auto& p : s.pending_for(key)) t.processed_ids.push_back(p.id);
  t.state_json = R"({"lang":"en"})";
  t.status = "handoff";
  t.lang = "en";
  t.replies = std::move(replies);
  t.open_ticket = TicketRequest{"asked", "normal", "en", "", category, "a summary"};
  s.commit_turn(t);
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

TEST_CASE_TEMPLATE("store: the reports read anonymous rows: questions, article use and feedback, cases", B,
                   SqliteBackend, PgBackend) {
  B backend;
  auto s = backend.open();
  const int64_t start = now_ms();
  std::string key = s->record_inbound({text_from("7", "m1", "help")}).conv_keys.at(0);
  TurnCommit t;
  t.conv_key = key;
  t.channel = "telegram";
  t.processed_ids = {s->pending_for(key).at(0).id};
  t.state_json = "{}";
  t.lang = "fa";
  t.status = "bot";
  t.article_views = {"age-assessment", "age-assessment", "guardian"};
  t.unmatched = {{"fa", "where is # street", "no_match"}, {"fa", "bus ticket", "close_call"}};
  t.feedback = {{"age-assessment", true}, {"age-assessment", false}, {"age-assessment", true}, {"school", false}};
  s->commit_turn(t);
  t.processed_ids.clear();
  t.article_views.clear();
  t.unmatched.clear();
  t.feedback.clear();
  t.open_ticket = TicketRequest{"urgent", "urgent", "fa", "", "safety", "the person's words"};
  s->commit_turn(t);
  auto tickets = s->open_tickets();
  REQUIRE(tickets.size() == 1);
  REQUIRE(s->caseworker_reply(tickets[0].id, "ana", {"hello", {}, "fa", "caseworker"}));
  REQUIRE(s->close_ticket(tickets[0].id, "referred", {"bye", {}, "fa", ""}, "guardian-office,lawyer"));

  auto questions = s->unmatched_since(start);
  REQUIRE(questions.size() == 2);
  CHECK(questions[0].text == "where is # street");
  CHECK(questions[0].outcome == "no_match");
  CHECK(questions[1].outcome == "close_call");
  CHECK(questions[1].at >= start);
  CHECK(s->unmatched_since(now_ms() + 60000).empty());

  auto usage = s->article_usage_since("2000-01-01");
  REQUIRE(usage.size() == 3);  // age-assessment, guardian, school: in article order
  CHECK(usage[0].article == "age-assessment");
  CHECK(usage[0].lang == "fa");
  CHECK(usage[0].views == 2);
  CHECK(usage[0].helpful == 2);
  CHECK(usage[0].not_helpful == 1);
  CHECK(usage[1].views == 1);
  CHECK(usage[1].helpful + usage[1].not_helpful == 0);
  CHECK(usage[2].article == "school");
  CHECK(usage[2].views == 0);
  CHECK(usage[2].not_helpful == 1);
  CHECK(s->article_usage_since("2999-01-01").empty());

  auto cases = s->cases_opened_since(start);
  REQUIRE(cases.size() == 1);
  CHECK(cases[0].priority == "urgent");
  CHECK(cases[0].reason == "urgent");
  CHECK(cases[0].category == "safety");
  CHECK(cases[0].channel == "telegram");
  CHECK(cases[0].first_response_at >= cases[0].opened_at);
  CHECK(cases[0].closed_at >= cases[0].first_response_at);
  CHECK(cases[0].outcome == "referred");
  CHECK(cases[0].referrals == "guardian-office,lawyer");
  // A person's erasure leaves the counts.
  CHECK(s->erase_conversation(key));
  CHECK(s->cases_opened_since(start).size() == 1);
  CHECK(s->unmatched_since(start).size() == 2);
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

TEST_CASE_TEMPLATE("store: a claim's outcomes are recorded together; a delivery report that came first is kept",
                   B, SqliteBackend, PgBackend) {
  B backend;
  auto s = backend.open();
  std::string a = s->record_inbound({text_from("1", "a1", "x")}).conv_keys.at(0);
  std::string b = s->record_inbound({text_from("2", "b1", "y")}).conv_keys.at(0);
  std::string c = s->record_inbound({text_from("3", "c1", "z")}).conv_keys.at(0);
  std::string d = s->record_inbound({text_from("4", "d1", "w")}).conv_keys.at(0);
  for (const auto& key : {a, b, c, d}) answer(*s, key, "");
  auto due = s->claim_due("telegram", 10);
  REQUIRE(due.size() == 4);
  // The provider accepted the first send and reported it delivered (then read) before the sender had
  // recorded its batch: the reports are kept, not lost.
  InboundMessage report;
  report.channel = "telegram";
  report.kind = InboundMessage::Kind::kStatus;
  report.status_of = "tg-early";
  report.status = "delivered";
  s->record_inbound({report});
  report.status = "read";
  s->record_inbound({report});
  report.status = "delivered";  // late and out of order: never moves a report back
  s->record_inbound({report});
  s->record_outcomes({{due[0].id, SendOutcome::Kind::kSent, "tg-early", 0, ""},
                      {due[1].id, SendOutcome::Kind::kRetry, "", now_ms() + 60'000, "429"},
                      {due[2].id, SendOutcome::Kind::kDead, "", 0, "403 blocked"},
                      {due[3].id, SendOutcome::Kind::kHeld, "", 0, "outside the 24-hour window"}});
  CHECK(s->outbox_status(due[0].id)->status == "sent");
  CHECK(s->outbox_status(due[0].id)->delivery == "read");
  CHECK(s->outbox_status(due[1].id)->status == "pending");
  CHECK(s->outbox_status(due[1].id)->error == "429");
  CHECK(s->outbox_status(due[2].id)->status == "dead");
  CHECK(s->outbox_status(due[3].id)->status == "held");
  CHECK(s->outbox_with_status("dead") == 1);
  CHECK(s->claim_due("telegram", 10).empty());  // b waits a minute for its retry
}

TEST_CASE_TEMPLATE("store: caseworker replies and closing go out on the person's channel", B, SqliteBackend,
                   PgBackend) {
  B backend;
  auto s = backend.open();
  std::string key = s->record_inbound({text_from("55", "m1", "a person please")}).conv_keys.at(0);
  hand_over(*s, key, "");
  int64_t ticket = s->open_tickets().at(0).id;
  auto reply = s->caseworker_reply(ticket, "maria", {"Hello, I am Maria", {}, "en", "caseworker:maria"});
  REQUIRE(reply);
  CHECK(s->ticket(ticket)->assigned_to == "maria");
  CHECK(s->close_ticket(ticket, "resolved", {"The bot is back", {}, "en", "locale:handoff_ended"}, "legal,health"));
  CHECK(!s->close_ticket(ticket, "resolved", {"twice", {}, "en", ""}, ""));
  CHECK(s->ticket(ticket)->referrals == "legal,health");
  CHECK(s->ticket(ticket)->closed_at > 0);
  CHECK(s->ticket(ticket)->first_response_at > 0);
  auto stats = s->case_stats();
  CHECK(stats.closed == 1);
  CHECK(stats.outcomes == std::vector<std::pair<std::string, int64_t>>{{"resolved", 1}});
  CHECK(stats.referrals == std::vector<std::pair<std::string, int64_t>>{{"health", 1}, {"legal", 1}});
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
  int64_t ticket = s->open_tickets().at(0).id;
  s->add_note(ticket, "maria", "lives near the station");
  TurnCommit question;
  question.conv_key = idle;
  question.channel = "telegram";
  question.unmatched = {{"en", "where is the # bus", "no_match"}};
  s->commit_turn(question);
  CHECK(s->erase_conversation(gone));
  CHECK(!s->erase_conversation(gone));  // nothing left to erase
  CHECK(!s->export_conversation(gone));
  CHECK(!s->load_conversation(gone));
  CHECK(s->take_for_conversation(gone, 0).empty());
  CHECK(s->unmatched_since(0).size() == 1);
  CHECK(s->erase_inactive_before(now_ms() + 1) == 1);  // idle goes; waiting has an open ticket
  CHECK(!s->load_conversation(idle));
  CHECK(s->unmatched_since(0).empty());  // and the old questions of the gap report
  CHECK(s->load_conversation(waiting));
  CHECK(s->count("messages") == 1);
  CHECK(s->erase_conversation(waiting));  // the person asks: their ticket stays, without them or the notes
  CHECK(s->ticket(ticket)->conv_key.empty());
  CHECK(s->ticket(ticket)->summary.empty());
  CHECK(s->notes(ticket).empty());
}

TEST_CASE_TEMPLATE("store: what is stored of a message: text cleaned and bounded, the provider's id hashed", B,
                   SqliteBackend, PgBackend) {
  B backend;
  auto s = backend.open();
  std::string huge(100'000, 'a');
  std::string key = s->record_inbound({text_from("8", "wamid.HBgMMzkzMzM", huge + "\x01")}).conv_keys.at(0);
  auto pending = s->pending_for(key);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].msg.text == std::string(kMaxStoredTextBytes, 'a'));
  CHECK(pending[0].msg.provider_id.find("HBgMMzkzMzM") == std::string::npos);
  // The hashed id still finds the message's reply for a delivery status.
  auto id = answer(*s, key, "re").at(0);
  s->claim_due("telegram", 1);
  s->mark_sent(id, "wamid.OUT");
  InboundMessage status;
  status.kind = InboundMessage::Kind::kStatus;
  status.channel = "telegram";
  status.status_of = "wamid.OUT";
  status.status = "delivered";
  s->record_inbound({status});
  CHECK(s->outbox_status(id)->delivery == "delivered");
}

TEST_CASE_TEMPLATE("store: a round of turns is saved in one transaction, in order; a flood forgets its text", B,
                   SqliteBackend, PgBackend) {
  B backend;
  auto s = backend.open();
  std::string a = s->record_inbound({text_from("11", "a1", "first"), text_from("11", "a2", "flood")}).conv_keys.at(0);
  std::string b = s->record_inbound({text_from("12", "b1", "delete my data"), text_from("12", "b2", "hi")})
                      .conv_keys.at(0);
  auto pa = s->pending_for(a), pb = s->pending_for(b);
  REQUIRE(pa.size() == 2);
  REQUIRE(pb.size() == 2);
  CHECK(s->received_before(a, pa[1].id, 0) == 1);  // flood counting: one message of `a` before the second
  CHECK(s->received_before(a, pa[1].id, now_ms() + 1) == 0);
  std::vector<TurnCommit> round(4);
  for (auto& t : round) {
    t.channel = "telegram";
    t.status = "bot";
    t.lang = "en";
  }
  round[0].conv_key = a;
  round[0].processed_ids = {pa[0].id};
  round[0].state_json = R"({"n":1})";
  round[0].replies = {{"to a", {}, "en", "t"}};
  round[1].conv_key = a;
  round[1].processed_ids = {pa[1].id};
  round[1].state_json = R"({"n":1})";
  round[1].forget_text = true;  // a flood: read, not answered, not kept
  round[2].conv_key = b;
  round[2].processed_ids = {pb[0].id};
  round[2].erase = true;
  round[2].replies = {{"erased", {}, "en", "t"}};
  round[3].conv_key = b;  // the next message after an erasure, in the same round
  round[3].processed_ids = {pb[1].id};
  round[3].state_json = R"({"n":2})";
  s->commit_turns(round);
  CHECK(s->conversations_with_pending().empty());
  CHECK(s->load_conversation(a)->state_json == R"({"n":1})");
  auto history = s->history(a, 10);
  REQUIRE(history.size() == 3);
  CHECK(history[0].text == "first");
  CHECK(history[1].text.empty());  // the flood's text is gone
  CHECK(history[2].direction == "out");
  CHECK(history[2].text == "to a");
  CHECK(s->take_for_conversation(b, 0).size() == 1);
  CHECK(s->count("messages") == 2);
  s->commit_turns({});  // an empty round is nothing
}

TEST_CASE_TEMPLATE("store: console users, sessions and API tokens", B, SqliteBackend, PgBackend) {
  B backend;
  auto s = backend.open();
  CHECK(s->user_count() == 0);
  CHECK(s->add_user({0, "giulia", "admin", {"fa", "ps"}, "hash-1", false, 0}));
  CHECK(!s->add_user({0, "giulia", "caseworker", {}, "hash-2", false, 0}));
  CHECK(s->add_user({0, "marco", "caseworker", {}, "hash-3", false, 0}));
  CHECK(s->user_count() == 2);
  auto giulia = s->user("giulia");
  REQUIRE(giulia);
  CHECK(giulia->role == "admin");
  CHECK(giulia->languages == std::vector<std::string>{"fa", "ps"});
  CHECK(giulia->created_at > 0);
  CHECK(!s->user("nobody"));
  auto all = s->users();
  REQUIRE(all.size() == 2);
  CHECK(all[1].name == "marco");

  int64_t now = now_ms();
  s->add_session("digest-1", giulia->id, "csrf-1", now + 60'000);
  s->add_session("digest-old", giulia->id, "csrf-0", now - 1);
  auto session = s->session("digest-1", now);
  REQUIRE(session);
  CHECK(session->user.name == "giulia");
  CHECK(session->csrf == "csrf-1");
  CHECK(!s->session("digest-1", now + 60'000));  // expired
  CHECK(!s->session("digest-old", now));
  s->end_session("digest-1");
  CHECK(!s->session("digest-1", now));
  s->add_session("digest-2", giulia->id, "csrf-2", now + 60'000);
  CHECK(s->set_password_hash("giulia", "hash-new"));  // a new password ends every session
  CHECK(!s->set_password_hash("nobody", "x"));
  CHECK(!s->session("digest-2", now));
  CHECK(s->user("giulia")->password_hash == "hash-new");

  auto marco = s->user("marco");
  int64_t token = s->add_api_token("token-digest", marco->id, "crm");
  auto found = s->api_token_user("token-digest");
  REQUIRE(found);
  CHECK(found->first.name == "marco");
  CHECK(found->second.id == token);
  CHECK(found->second.label == "crm");
  s->add_session("digest-3", marco->id, "csrf-3", now + 60'000);
  CHECK(s->set_user_disabled("marco", true));  // ends sessions, revokes tokens
  CHECK(!s->set_user_disabled("nobody", true));
  CHECK(!s->session("digest-3", now));
  CHECK(!s->api_token_user("token-digest"));
  CHECK(s->user("marco")->disabled);
  CHECK(s->set_user_disabled("marco", false));
  CHECK(!s->api_token_user("token-digest"));  // a revoked token stays revoked
  int64_t second = s->add_api_token("token-2", marco->id, "sms gateway");
  auto tokens = s->api_tokens();
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[0].revoked);
  CHECK(tokens[1].user == "marco");
  CHECK(s->revoke_api_token(second));
  CHECK(!s->revoke_api_token(second));
}

TEST_CASE_TEMPLATE("store: ticket work: claim, release, transfer, notes, audit, history, revision", B,
                   SqliteBackend, PgBackend) {
  B backend;
  auto s = backend.open();
  std::string key = s->record_inbound({text_from("21", "m1", "I need a lawyer")}).conv_keys.at(0);
  hand_over(*s, key, "legal", {{"A caseworker will answer", {}, "en", "locale:handoff"}});
  int64_t ticket = s->open_tickets().at(0).id;
  std::string rev = s->console_revision();
  CHECK(s->console_revision() == rev);  // looking changes nothing
  s->audit("giulia", "view", ticket, "");
  CHECK(s->console_revision() == rev);  // nor does a view being audited

  CHECK(s->claim_ticket(ticket, "giulia"));
  CHECK(!s->claim_ticket(ticket, "marco"));  // taken already
  CHECK(s->ticket(ticket)->assigned_to == "giulia");
  CHECK(s->console_revision() != rev);
  CHECK(s->release_ticket(ticket));
  CHECK(!s->release_ticket(ticket));
  CHECK(s->ticket(ticket)->status == "waiting");
  CHECK(s->transfer_ticket(ticket, "marco"));
  CHECK(s->ticket(ticket)->assigned_to == "marco");
  rev = s->console_revision();
  int64_t note = s->add_note(ticket, "marco", "called the legal clinic");
  CHECK(note > 0);
  CHECK(s->console_revision() != rev);
  auto notes = s->notes(ticket);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].author == "marco");
  CHECK(notes[0].text == "called the legal clinic");
  s->audit("marco", "note", ticket, "");
  s->audit("admin", "login", 0, "from the console");
  auto log = s->audit_log(ticket, 10);
  REQUIRE(log.size() == 2);
  CHECK(log[0].action == "note");  // newest first
  CHECK(log[1].action == "view");
  auto everything = s->audit_log(0, 10);
  REQUIRE(everything.size() == 3);
  CHECK(everything[0].ticket_id == 0);
  CHECK(everything[0].detail == "from the console");
  CHECK(s->audit_log(0, 1).size() == 1);

  auto history = s->history(key, 10);
  REQUIRE(history.size() == 2);
  CHECK(history[0].direction == "in");
  CHECK(history[0].text == "I need a lawyer");
  CHECK(history[0].kind == "text");
  CHECK(history[1].direction == "out");
  CHECK(history[1].source == "locale:handoff");
  CHECK(history[1].status == "pending");
  CHECK(s->history(key, 1).size() == 1);
  CHECK(s->history(key, 1)[0].direction == "out");  // the newest
  CHECK(s->close_ticket(ticket, "referred", {"bye", {}, "en", ""}, ""));
  CHECK(!s->claim_ticket(ticket, "giulia"));
  CHECK(!s->transfer_ticket(ticket, "giulia"));
}

TEST_CASE_TEMPLATE("store: the export hands over everything kept about one person", B, SqliteBackend, PgBackend) {
  B backend;
  auto s = backend.open();
  std::string key = s->record_inbound({text_from("+393330001111", "m1", "my permit expired")}).conv_keys.at(0);
  hand_over(*s, key, "documents", {{"Here is how to renew it", {}, "en", "article:permit"}});
  auto text = s->export_conversation(key);
  REQUIRE(text);
  auto j = nlohmann::json::parse(*text);
  CHECK(j["conversation"]["address"] == "+393330001111");
  CHECK(j["conversation"]["state"]["lang"] == "en");
  CHECK(j["conversation"]["status"] == "handoff");
  CHECK(j["conversation"]["blocked"] == false);
  REQUIRE(j["messages"].size() == 1);
  CHECK(j["messages"][0]["text"] == "my permit expired");
  CHECK(j["messages"][0]["answered"] == true);
  REQUIRE(j["replies"].size() == 1);
  CHECK(j["replies"][0]["message"]["text"] == "Here is how to renew it");
  CHECK(j["replies"][0]["status"] == "pending");
  REQUIRE(j["tickets"].size() == 1);
  CHECK(j["tickets"][0]["category"] == "documents");
  CHECK(j["tickets"][0]["assigned_to"].is_null());
  CHECK(j["tickets"][0]["closed_at"].is_null());
  CHECK(!s->export_conversation("no-such-key"));
}

TEST_CASE_TEMPLATE("store: key rotation re-keys conversations and unsent replies; the old key no longer fits", B,
                   SqliteBackend, PgBackend) {
  B backend;
  auto s = backend.open();
  CHECK(s->key_matches());  // records the fingerprint on first use
  std::string old_key = s->record_inbound({text_from("+393339998888", "m1", "hello")}).conv_keys.at(0);
  answer(*s, old_key, "re: ");  // one reply not sent yet
  std::string stopped = s->record_inbound({text_from("+393337776666", "m2", "bye")}).conv_keys.at(0);
  Keyring next = Keyring::generate();
  CHECK(s->rekey(next) == 2);
  CHECK(!s->key_matches());  // this store still holds the old key
  s.reset();
  auto rotated = backend.open_with(next);
  CHECK(rotated->key_matches());
  std::string new_key = next.conversation_key("telegram", "+393339998888");
  CHECK(new_key != old_key);
  CHECK(!rotated->load_conversation(old_key));
  REQUIRE(rotated->load_conversation(new_key));
  CHECK(!rotated->load_conversation(stopped));
  CHECK(rotated->pending_for(next.conversation_key("telegram", "+393337776666")).size() == 1);
  auto due = rotated->claim_due("telegram", 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].conv_key == new_key);
  CHECK(due[0].address == "+393339998888");  // sealed again under the new key
  // The person writes again: the same conversation, found by the new key.
  auto again = rotated->record_inbound({text_from("+393339998888", "m3", "still there?")});
  CHECK(again.conv_keys == std::vector<std::string>{new_key});
  CHECK(rotated->current_version() == (std::is_same_v<B, PgBackend> ? PgStore::schema_version()
                                                                    : SqliteStore::schema_version()));
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
