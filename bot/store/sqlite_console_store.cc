// SqliteStore's part for the caseworker console: users, sessions, API tokens, ticket work, notes, history
// and the audit log. Declared in sqlite_store.h; same locking and one-transaction-per-call rules as the rest.
#include <variant>

#include "bot/store/row_codec.h"
#include "bot/store/sqlite_store.h"

namespace approdo {

using namespace store;  // the row codec

namespace {

constexpr const char* kUserColumns = "SELECT id, name, role, languages, password_hash, disabled, created_at FROM users";

UserRecord read_user(SQLite::Statement& q, int first = 0) {
  UserRecord u;
  u.id = q.getColumn(first).getInt64();
  u.name = q.getColumn(first + 1).getString();
  u.role = q.getColumn(first + 2).getString();
  u.languages = split_list(q.getColumn(first + 3).getString());
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

bool SqliteStore::add_user(const UserRecord& user) {
  std::lock_guard lock(mu_);
  return run(db_,
             "INSERT INTO users (name, role, languages, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, 0, ?)"
             " ON CONFLICT (name) DO NOTHING",
             {user.name, user.role, join_list(user.languages), user.password_hash, now_ms()}) > 0;
}

std::optional<UserRecord> SqliteStore::user(const std::string& name) {
  std::lock_guard lock(mu_);
  SQLite::Statement q(db_, std::string(kUserColumns) + " WHERE name = ?");
  q.bind(1, name);
  if (!q.executeStep()) return std::nullopt;
  return read_user(q);
}

std::vector<UserRecord> SqliteStore::users() {
  std::lock_guard lock(mu_);
  std::vector<UserRecord> out;
  SQLite::Statement q(db_, std::string(kUserColumns) + " ORDER BY name");
  while (q.executeStep()) out.push_back(read_user(q));
  return out;
}

int64_t SqliteStore::user_count() {
  std::lock_guard lock(mu_);
  return db_.execAndGet("SELECT COUNT(*) FROM users").getInt64();
}

bool SqliteStore::set_user_disabled(const std::string& name, bool disabled) {
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

bool SqliteStore::set_password_hash(const std::string& name, const std::string& password_hash) {
  std::lock_guard lock(mu_);
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  bool found = run(db_, "UPDATE users SET password_hash = ? WHERE name = ?", {password_hash, name}) > 0;
  run(db_, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)", {name});
  tx.commit();
  return found;
}

void SqliteStore::add_session(const std::string& token_digest, int64_t user_id, const std::string& csrf, int64_t expires_at) {
  std::lock_guard lock(mu_);
  int64_t now = now_ms();
  run(db_, "DELETE FROM sessions WHERE expires_at <= ?", {now});  // expired ones go on the way
  run(db_, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      {token_digest, user_id, csrf, now, expires_at});
}

std::optional<SessionRecord> SqliteStore::session(const std::string& token_digest, int64_t now) {
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

void SqliteStore::end_session(const std::string& token_digest) {
  std::lock_guard lock(mu_);
  run(db_, "DELETE FROM sessions WHERE token_hash = ?", {token_digest});
}

int64_t SqliteStore::add_api_token(const std::string& token_digest, int64_t user_id, const std::string& label) {
  std::lock_guard lock(mu_);
  run(db_, "INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES (?, ?, ?, ?)",
      {token_digest, user_id, label, now_ms()});
  return db_.getLastInsertRowid();
}

std::optional<std::pair<UserRecord, ApiTokenRecord>> SqliteStore::api_token_user(const std::string& token_digest) {
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

std::vector<ApiTokenRecord> SqliteStore::api_tokens() {
  std::lock_guard lock(mu_);
  std::vector<ApiTokenRecord> out;
  SQLite::Statement q(db_, "SELECT t.id, u.name, t.label, t.created_at, t.revoked FROM api_tokens t"
                           " JOIN users u ON u.id = t.user_id ORDER BY t.id");
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                   q.getColumn(3).getInt64(), q.getColumn(4).getInt() != 0});
  return out;
}

bool SqliteStore::revoke_api_token(int64_t id) {
  std::lock_guard lock(mu_);
  return run(db_, "UPDATE api_tokens SET revoked = 1 WHERE id = ? AND revoked = 0", {id}) > 0;
}

bool SqliteStore::claim_ticket(int64_t ticket_id, const std::string& user) {
  std::lock_guard lock(mu_);
  return run(db_, "UPDATE tickets SET status = 'assigned', assigned_to = ? WHERE id = ? AND status = 'waiting'",
             {user, ticket_id}) > 0;
}

bool SqliteStore::release_ticket(int64_t ticket_id) {
  std::lock_guard lock(mu_);
  return run(db_, "UPDATE tickets SET status = 'waiting', assigned_to = NULL WHERE id = ? AND status = 'assigned'",
             {ticket_id}) > 0;
}

bool SqliteStore::transfer_ticket(int64_t ticket_id, const std::string& to_user) {
  std::lock_guard lock(mu_);
  return run(db_,
             "UPDATE tickets SET status = 'assigned', assigned_to = ? WHERE id = ? AND status IN ('waiting', 'assigned')",
             {to_user, ticket_id}) > 0;
}

int64_t SqliteStore::add_note(int64_t ticket_id, const std::string& author, const std::string& text) {
  std::lock_guard lock(mu_);
  run(db_, "INSERT INTO ticket_notes (ticket_id, author, text, created_at) VALUES (?, ?, ?, ?)",
      {ticket_id, author, text, now_ms()});
  return db_.getLastInsertRowid();
}

std::vector<TicketNote> SqliteStore::notes(int64_t ticket_id) {
  std::lock_guard lock(mu_);
  std::vector<TicketNote> out;
  SQLite::Statement q(db_, "SELECT id, author, text, created_at FROM ticket_notes WHERE ticket_id = ? ORDER BY id");
  q.bind(1, ticket_id);
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                   q.getColumn(3).getInt64()});
  return out;
}

std::vector<HistoryEntry> SqliteStore::history(const std::string& conv_key, int limit) {
  std::lock_guard lock(mu_);
  std::vector<HistoryEntry> out;
  SQLite::Statement in(db_, "SELECT id, received_at, kind, text FROM messages WHERE conv_key = ?"
                            " ORDER BY id DESC LIMIT ?");
  in.bind(1, conv_key);
  in.bind(2, limit);
  while (in.executeStep())
    out.push_back(inbound_entry(in.getColumn(0).getInt64(), in.getColumn(1).getInt64(), in.getColumn(2).getString(),
                                in.getColumn(3).getString()));
  SQLite::Statement o(db_, "SELECT id, created_at, payload, status, delivery, last_error FROM outbox WHERE conv_key = ?"
                           " ORDER BY id DESC LIMIT ?");
  o.bind(1, conv_key);
  o.bind(2, limit);
  while (o.executeStep())
    out.push_back(outbound_entry(o.getColumn(0).getInt64(), o.getColumn(1).getInt64(), o.getColumn(2).getString(),
                                 o.getColumn(3).getString(), o.getColumn(4).getString(), o.getColumn(5).getString()));
  order_history(out, limit);
  return out;
}

std::string SqliteStore::console_revision() {
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
  std::vector<int64_t> counters;
  for (int i = 0; i < 5; ++i) counters.push_back(q.getColumn(i).getInt64());
  return revision_of(counters, q.getColumn(5).getString());
}

void SqliteStore::audit(const std::string& actor, const std::string& action, int64_t ticket_id, const std::string& detail) {
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

std::vector<AuditEntry> SqliteStore::audit_log(int64_t ticket_id, int limit) {
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

CaseStats SqliteStore::case_stats() {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, std::string>> closed;
  SQLite::Statement q(db_, "SELECT COALESCE(outcome, ''), COALESCE(referrals, '') FROM tickets WHERE status = 'closed'");
  while (q.executeStep()) closed.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
  return tally_closed(closed);
}

// ---- Reports: anonymous rows only ----

std::vector<UnmatchedRecord> SqliteStore::unmatched_since(int64_t since_ms) {
  std::lock_guard lock(mu_);
  std::vector<UnmatchedRecord> out;
  SQLite::Statement q(db_, kUnmatchedSql);
  q.bind(1, since_ms);
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                   q.getColumn(3).getInt64()});
  return out;
}

std::vector<ArticleUsage> SqliteStore::article_usage_since(const std::string& since_day) {
  std::lock_guard lock(mu_);
  std::vector<ArticleUsage> out;
  SQLite::Statement q(db_, kArticleUsageSql);
  q.bind(1, since_day);
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt64(),
                   q.getColumn(3).getInt64(), q.getColumn(4).getInt64()});
  return out;
}

std::vector<CaseRecord> SqliteStore::cases_opened_since(int64_t since_ms) {
  std::lock_guard lock(mu_);
  std::vector<CaseRecord> out;
  SQLite::Statement q(db_, kCaseRecordSql);
  q.bind(1, since_ms);
  while (q.executeStep()) {
    CaseRecord c;
    c.opened_at = q.getColumn(0).getInt64();
    c.first_response_at = q.getColumn(1).getInt64();
    c.closed_at = q.getColumn(2).getInt64();
    c.priority = q.getColumn(3).getString();
    c.reason = q.getColumn(4).getString();
    c.lang = q.getColumn(5).getString();
    c.channel = q.getColumn(6).getString();
    c.category = q.getColumn(7).getString();
    c.outcome = q.getColumn(8).getString();
    c.referrals = q.getColumn(9).getString();
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace approdo
