// The Store's part for the caseworker console: users, sessions, API tokens, ticket work, notes, history and
// the audit log. Declared in store.h; same locking and one-transaction-per-call rules as the rest.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <sstream>
#include <variant>

#include "bot/store/store.h"

namespace approdo {
namespace {

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::vector<std::string> split(const std::string& joined) {
  std::vector<std::string> out;
  std::stringstream in(joined);
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty()) out.push_back(part);
  return out;
}

constexpr const char* kUserColumns = "SELECT id, name, role, languages, password_hash, disabled, created_at FROM users";

UserRecord read_user(SQLite::Statement& q, int first = 0) {
  UserRecord u;
  u.id = q.getColumn(first).getInt64();
  u.name = q.getColumn(first + 1).getString();
  u.role = q.getColumn(first + 2).getString();
  u.languages = split(q.getColumn(first + 3).getString());
  u.password_hash = q.getColumn(first + 4).getString();
  u.disabled = q.getColumn(first + 5).getInt() != 0;
  u.created_at = q.getColumn(first + 6).getInt64();
  return u;
}

// Runs one UPDATE/INSERT/DELETE with text and integer parameters; returns the rows changed.
int run(SQLite::Database& db, const char* sql, std::initializer_list<std::variant<int64_t, std::string>> params) {
  SQLite::Statement q(db, sql);
  int i = 0;
  for (const auto& p : params) {
    ++i;
    if (std::holds_alternative<int64_t>(p))
      q.bind(i, std::get<int64_t>(p));
    else
      q.bind(i, std::get<std::string>(p));
  }
  return q.exec();
}

}  // namespace

bool Store::add_user(const UserRecord& user) {
  std::lock_guard lock(mu_);
  return run(db_,
             "INSERT INTO users (name, role, languages, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, 0, ?)"
             " ON CONFLICT (name) DO NOTHING",
             {user.name, user.role, join(user.languages), user.password_hash, now_ms()}) > 0;
}

std::optional<UserRecord> Store::user(const std::string& name) {
  std::lock_guard lock(mu_);
  SQLite::Statement q(db_, std::string(kUserColumns) + " WHERE name = ?");
  q.bind(1, name);
  if (!q.executeStep()) return std::nullopt;
  return read_user(q);
}

std::vector<UserRecord> Store::users() {
  std::lock_guard lock(mu_);
  std::vector<UserRecord> out;
  SQLite::Statement q(db_, std::string(kUserColumns) + " ORDER BY name");
  while (q.executeStep()) out.push_back(read_user(q));
  return out;
}

int64_t Store::user_count() {
  std::lock_guard lock(mu_);
  return db_.execAndGet("SELECT COUNT(*) FROM users").getInt64();
}

bool Store::set_user_disabled(const std::string& name, bool disabled) {
  std::lock_guard lock(mu_);
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  bool found = run(db_, "UPDATE users SET disabled = ? WHERE name = ?", {int64_t{disabled}, name}) > 0;
  if (found && disabled) {
    run(db_, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)", {name});
    run(db_, "UPDATE api_tokens SET revoked = 1 WHERE user_id = (SELECT id FROM users WHERE name = ?)", {name});
  }
  tx.commit();
  return found;
}

bool Store::set_password_hash(const std::string& name, const std::string& password_hash) {
  std::lock_guard lock(mu_);
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  bool found = run(db_, "UPDATE users SET password_hash = ? WHERE name = ?", {password_hash, name}) > 0;
  run(db_, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)", {name});
  tx.commit();
  return found;
}

void Store::add_session(const std::string& token_digest, int64_t user_id, const std::string& csrf, int64_t expires_at) {
  std::lock_guard lock(mu_);
  int64_t now = now_ms();
  run(db_, "DELETE FROM sessions WHERE expires_at <= ?", {now});  // expired ones go on the way
  run(db_, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      {token_digest, user_id, csrf, now, expires_at});
}

std::optional<SessionRecord> Store::session(const std::string& token_digest, int64_t now) {
  std::lock_guard lock(mu_);
  SQLite::Statement q(db_,
                      "SELECT u.id, u.name, u.role, u.languages, u.password_hash, u.disabled, u.created_at, s.csrf,"
                      " s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id"
                      " WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0");
  q.bind(1, token_digest);
  q.bind(2, now);
  if (!q.executeStep()) return std::nullopt;
  return SessionRecord{read_user(q), q.getColumn(7).getString(), q.getColumn(8).getInt64()};
}

void Store::end_session(const std::string& token_digest) {
  std::lock_guard lock(mu_);
  run(db_, "DELETE FROM sessions WHERE token_hash = ?", {token_digest});
}

int64_t Store::add_api_token(const std::string& token_digest, int64_t user_id, const std::string& label) {
  std::lock_guard lock(mu_);
  run(db_, "INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES (?, ?, ?, ?)",
      {token_digest, user_id, label, now_ms()});
  return db_.getLastInsertRowid();
}

std::optional<std::pair<UserRecord, ApiTokenRecord>> Store::api_token_user(const std::string& token_digest) {
  std::lock_guard lock(mu_);
  SQLite::Statement q(db_,
                      "SELECT u.id, u.name, u.role, u.languages, u.password_hash, u.disabled, u.created_at, t.id,"
                      " t.label, t.created_at FROM api_tokens t JOIN users u ON u.id = t.user_id"
                      " WHERE t.token_hash = ? AND t.revoked = 0 AND u.disabled = 0");
  q.bind(1, token_digest);
  if (!q.executeStep()) return std::nullopt;
  UserRecord u = read_user(q);
  ApiTokenRecord t{q.getColumn(7).getInt64(), u.name, q.getColumn(8).getString(), q.getColumn(9).getInt64(), false};
  return std::make_pair(u, t);
}

std::vector<ApiTokenRecord> Store::api_tokens() {
  std::lock_guard lock(mu_);
  std::vector<ApiTokenRecord> out;
  SQLite::Statement q(db_, "SELECT t.id, u.name, t.label, t.created_at, t.revoked FROM api_tokens t"
                           " JOIN users u ON u.id = t.user_id ORDER BY t.id");
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                   q.getColumn(3).getInt64(), q.getColumn(4).getInt() != 0});
  return out;
}

bool Store::revoke_api_token(int64_t id) {
  std::lock_guard lock(mu_);
  return run(db_, "UPDATE api_tokens SET revoked = 1 WHERE id = ? AND revoked = 0", {id}) > 0;
}

bool Store::claim_ticket(int64_t ticket_id, const std::string& user) {
  std::lock_guard lock(mu_);
  return run(db_, "UPDATE tickets SET status = 'assigned', assigned_to = ? WHERE id = ? AND status = 'waiting'",
             {user, ticket_id}) > 0;
}

bool Store::release_ticket(int64_t ticket_id) {
  std::lock_guard lock(mu_);
  return run(db_, "UPDATE tickets SET status = 'waiting', assigned_to = NULL WHERE id = ? AND status = 'assigned'",
             {ticket_id}) > 0;
}

bool Store::transfer_ticket(int64_t ticket_id, const std::string& to_user) {
  std::lock_guard lock(mu_);
  return run(db_,
             "UPDATE tickets SET status = 'assigned', assigned_to = ? WHERE id = ? AND status IN ('waiting', 'assigned')",
             {to_user, ticket_id}) > 0;
}

int64_t Store::add_note(int64_t ticket_id, const std::string& author, const std::string& text) {
  std::lock_guard lock(mu_);
  run(db_, "INSERT INTO ticket_notes (ticket_id, author, text, created_at) VALUES (?, ?, ?, ?)",
      {ticket_id, author, text, now_ms()});
  return db_.getLastInsertRowid();
}

std::vector<TicketNote> Store::notes(int64_t ticket_id) {
  std::lock_guard lock(mu_);
  std::vector<TicketNote> out;
  SQLite::Statement q(db_, "SELECT id, author, text, created_at FROM ticket_notes WHERE ticket_id = ? ORDER BY id");
  q.bind(1, ticket_id);
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                   q.getColumn(3).getInt64()});
  return out;
}

std::vector<HistoryEntry> Store::history(const std::string& conv_key, int limit) {
  std::lock_guard lock(mu_);
  std::vector<HistoryEntry> out;
  SQLite::Statement in(db_, "SELECT id, received_at, kind, text FROM messages WHERE conv_key = ?"
                            " ORDER BY id DESC LIMIT ?");
  in.bind(1, conv_key);
  in.bind(2, limit);
  while (in.executeStep()) {
    HistoryEntry e;
    e.direction = "in";
    e.id = in.getColumn(0).getInt64();
    e.at = in.getColumn(1).getInt64();
    e.kind = in.getColumn(2).getString();
    e.text = in.getColumn(3).getString();
    out.push_back(std::move(e));
  }
  SQLite::Statement o(db_, "SELECT id, created_at, payload, status, delivery, last_error FROM outbox WHERE conv_key = ?"
                           " ORDER BY id DESC LIMIT ?");
  o.bind(1, conv_key);
  o.bind(2, limit);
  while (o.executeStep()) {
    HistoryEntry e;
    e.direction = "out";
    e.id = o.getColumn(0).getInt64();
    e.at = o.getColumn(1).getInt64();
    auto payload = nlohmann::json::parse(o.getColumn(2).getString(), nullptr, false);
    if (payload.is_object()) {
      e.text = payload.value("text", "");
      e.source = payload.value("source", "");
    }
    e.status = o.getColumn(3).getString();
    e.delivery = o.getColumn(4).getString();
    e.error = o.getColumn(5).getString();
    out.push_back(std::move(e));
  }
  // A reply is saved in the same millisecond as the message it answers: the message comes first.
  std::sort(out.begin(), out.end(), [](const HistoryEntry& a, const HistoryEntry& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.direction != b.direction) return a.direction == "in";
    return a.id < b.id;
  });
  if (static_cast<int>(out.size()) > limit) out.erase(out.begin(), out.end() - limit);
  return out;
}

std::string Store::console_revision() {
  std::lock_guard lock(mu_);
  // Not the audit log: viewing a ticket is audited, and a view must not wake every console (which would view
  // again, and so on).
  SQLite::Statement q(db_,
                      "SELECT (SELECT COALESCE(MAX(id), 0) FROM messages), (SELECT COALESCE(MAX(updated_at), 0) FROM outbox),"
                      " (SELECT COUNT(*) FROM outbox), (SELECT COALESCE(MAX(id), 0) FROM ticket_notes),"
                      " (SELECT COUNT(*) FROM tickets WHERE status = 'closed'),"
                      " (SELECT COALESCE(group_concat(id || status || priority || COALESCE(assigned_to, '') || ':'"
                      "   || COALESCE(first_response_at, 0), ','), '') FROM tickets WHERE status IN ('waiting', 'assigned'))");
  q.executeStep();
  std::string rev;
  for (int i = 0; i < 5; ++i) rev += std::to_string(q.getColumn(i).getInt64()) + ".";
  return rev + std::to_string(std::hash<std::string>{}(q.getColumn(5).getString()));
}

void Store::audit(const std::string& actor, const std::string& action, int64_t ticket_id, const std::string& detail) {
  std::lock_guard lock(mu_);
  SQLite::Statement q(db_, "INSERT INTO audit (at, actor, action, ticket_id, detail) VALUES (?, ?, ?, ?, ?)");
  q.bind(1, now_ms());
  q.bind(2, actor);
  q.bind(3, action);
  if (ticket_id)
    q.bind(4, ticket_id);
  else
    q.bind(4);
  q.bind(5, detail);
  q.exec();
}

std::vector<AuditEntry> Store::audit_log(int64_t ticket_id, int limit) {
  std::lock_guard lock(mu_);
  std::vector<AuditEntry> out;
  SQLite::Statement q(db_, "SELECT id, at, actor, action, COALESCE(ticket_id, 0), detail FROM audit"
                           " WHERE ?1 = 0 OR ticket_id = ?1 ORDER BY id DESC LIMIT ?2");
  q.bind(1, ticket_id);
  q.bind(2, limit);
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
                   q.getColumn(3).getString(), q.getColumn(4).getInt64(), q.getColumn(5).getString()});
  return out;
}

CaseStats Store::case_stats() {
  std::lock_guard lock(mu_);
  CaseStats s;
  std::map<std::string, int64_t> referrals;
  SQLite::Statement q(db_, "SELECT COALESCE(outcome, ''), COALESCE(referrals, '') FROM tickets WHERE status = 'closed'");
  std::map<std::string, int64_t> outcomes;
  while (q.executeStep()) {
    ++s.closed;
    ++outcomes[q.getColumn(0).getString()];
    for (const auto& r : split(q.getColumn(1).getString())) ++referrals[r];
  }
  s.outcomes.assign(outcomes.begin(), outcomes.end());
  s.referrals.assign(referrals.begin(), referrals.end());
  return s;
}

}  // namespace approdo
