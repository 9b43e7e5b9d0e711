// PgStore's part for the caseworker console: users, sessions, API tokens, ticket work, notes, history and
// the audit log. Declared in pg_store.h; the same behaviour as sqlite_console_store.cc, in PostgreSQL's SQL.
#include <pqxx/pqxx>

#include "bot/store/pg_store.h"
#include "bot/store/row_codec.h"

namespace approdo {

using namespace store;  // the row codec

namespace {

constexpr const char* kUserColumns = "SELECT id, name, role, languages, password_hash, disabled, created_at FROM users";

UserRecord read_user(const pqxx::row& r) {
  return UserRecord{r[0].as<int64_t>(),       r[1].as<std::string>(), r[2].as<std::string>(),
                    split_list(r[3].as<std::string>()), r[4].as<std::string>(), r[5].as<bool>(),
                    r[6].as<int64_t>()};
}

}  // namespace

bool PgStore::add_user(const UserRecord& user) {
  pqxx::work tx(connection());
  auto r = tx.exec_params("INSERT INTO users (name, role, languages, password_hash, disabled, created_at)"
                          " VALUES ($1, $2, $3, $4, false, $5) ON CONFLICT (name) DO NOTHING",
                          user.name, user.role, join_list(user.languages), user.password_hash, now_ms());
  tx.commit();
  return r.affected_rows() > 0;
}

std::optional<UserRecord> PgStore::user(const std::string& name) {
  pqxx::work tx(connection());
  auto r = tx.exec_params(std::string(kUserColumns) + " WHERE name = $1", name);
  if (r.empty()) return std::nullopt;
  return read_user(r[0]);
}

std::vector<UserRecord> PgStore::users() {
  pqxx::work tx(connection());
  std::vector<UserRecord> out;
  for (const auto& r : tx.exec(std::string(kUserColumns) + " ORDER BY name")) out.push_back(read_user(r));
  return out;
}

int64_t PgStore::user_count() {
  pqxx::work tx(connection());
  return tx.exec("SELECT COUNT(*) FROM users")[0][0].as<int64_t>();
}

bool PgStore::set_user_disabled(const std::string& name, bool disabled) {
  pqxx::work tx(connection());
  bool found = tx.exec_params("UPDATE users SET disabled = $1 WHERE name = $2", disabled, name).affected_rows() > 0;
  if (found && disabled) {
    tx.exec_params("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = $1)", name);
    tx.exec_params("UPDATE api_tokens SET revoked = true WHERE user_id = (SELECT id FROM users WHERE name = $1)", name);
  }
  tx.commit();
  return found;
}

bool PgStore::set_password_hash(const std::string& name, const std::string& password_hash) {
  pqxx::work tx(connection());
  bool found =
      tx.exec_params("UPDATE users SET password_hash = $1 WHERE name = $2", password_hash, name).affected_rows() > 0;
  tx.exec_params("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = $1)", name);
  tx.commit();
  return found;
}

void PgStore::add_session(const std::string& token_digest, int64_t user_id, const std::string& csrf,
                          int64_t expires_at) {
  pqxx::work tx(connection());
  int64_t now = now_ms();
  tx.exec_params("DELETE FROM sessions WHERE expires_at <= $1", now);  // expired ones go on the way
  tx.exec_params("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                 token_digest, user_id, csrf, now, expires_at);
  tx.commit();
}

std::optional<SessionRecord> PgStore::session(const std::string& token_digest, int64_t now) {
  pqxx::work tx(connection());
  auto r = tx.exec_params("SELECT u.id, u.name, u.role, u.languages, u.password_hash, u.disabled, u.created_at,"
                          " s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id"
                          " WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled",
                          token_digest, now);
  if (r.empty()) return std::nullopt;
  return SessionRecord{read_user(r[0]), r[0][7].as<std::string>(), r[0][8].as<int64_t>()};
}

void PgStore::end_session(const std::string& token_digest) {
  pqxx::work tx(connection());
  tx.exec_params("DELETE FROM sessions WHERE token_hash = $1", token_digest);
  tx.commit();
}

int64_t PgStore::add_api_token(const std::string& token_digest, int64_t user_id, const std::string& label) {
  pqxx::work tx(connection());
  auto r = tx.exec_params("INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4)"
                          " RETURNING id",
                          token_digest, user_id, label, now_ms());
  tx.commit();
  return r[0][0].as<int64_t>();
}

std::optional<std::pair<UserRecord, ApiTokenRecord>> PgStore::api_token_user(const std::string& token_digest) {
  pqxx::work tx(connection());
  auto r = tx.exec_params("SELECT u.id, u.name, u.role, u.languages, u.password_hash, u.disabled, u.created_at,"
                          " t.id, t.label, t.created_at FROM api_tokens t JOIN users u ON u.id = t.user_id"
                          " WHERE t.token_hash = $1 AND NOT t.revoked AND NOT u.disabled",
                          token_digest);
  if (r.empty()) return std::nullopt;
  UserRecord u = read_user(r[0]);
  ApiTokenRecord t{r[0][7].as<int64_t>(), u.name, r[0][8].as<std::string>(), r[0][9].as<int64_t>(), false};
  return std::make_pair(u, t);
}

std::vector<ApiTokenRecord> PgStore::api_tokens() {
  pqxx::work tx(connection());
  std::vector<ApiTokenRecord> out;
  for (const auto& r : tx.exec("SELECT t.id, u.name, t.label, t.created_at, t.revoked FROM api_tokens t"
                               " JOIN users u ON u.id = t.user_id ORDER BY t.id"))
    out.push_back({r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<int64_t>(),
                   r[4].as<bool>()});
  return out;
}

bool PgStore::revoke_api_token(int64_t id) {
  pqxx::work tx(connection());
  auto r = tx.exec_params("UPDATE api_tokens SET revoked = true WHERE id = $1 AND NOT revoked", id);
  tx.commit();
  return r.affected_rows() > 0;
}

bool PgStore::claim_ticket(int64_t ticket_id, const std::string& user) {
  pqxx::work tx(connection());
  // Two caseworkers claiming at once (on two instances): the second waits for the first and finds it taken.
  auto r = tx.exec_params("UPDATE tickets SET status = 'assigned', assigned_to = $1"
                          " WHERE id = $2 AND status = 'waiting'",
                          user, ticket_id);
  tx.commit();
  return r.affected_rows() > 0;
}

bool PgStore::release_ticket(int64_t ticket_id) {
  pqxx::work tx(connection());
  auto r = tx.exec_params(
      "UPDATE tickets SET status = 'waiting', assigned_to = NULL WHERE id = $1 AND status = 'assigned'", ticket_id);
  tx.commit();
  return r.affected_rows() > 0;
}

bool PgStore::transfer_ticket(int64_t ticket_id, const std::string& to_user) {
  pqxx::work tx(connection());
  auto r = tx.exec_params("UPDATE tickets SET status = 'assigned', assigned_to = $1 WHERE id = $2"
                          " AND status IN ('waiting', 'assigned')",
                          to_user, ticket_id);
  tx.commit();
  return r.affected_rows() > 0;
}

int64_t PgStore::add_note(int64_t ticket_id, const std::string& author, const std::string& text) {
  pqxx::work tx(connection());
  auto r = tx.exec_params("INSERT INTO ticket_notes (ticket_id, author, text, created_at) VALUES ($1, $2, $3, $4)"
                          " RETURNING id",
                          ticket_id, author, text, now_ms());
  tx.commit();
  return r[0][0].as<int64_t>();
}

std::vector<TicketNote> PgStore::notes(int64_t ticket_id) {
  pqxx::work tx(connection());
  std::vector<TicketNote> out;
  for (const auto& r : tx.exec_params("SELECT id, author, text, created_at FROM ticket_notes WHERE ticket_id = $1"
                                      " ORDER BY id",
                                      ticket_id))
    out.push_back({r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<int64_t>()});
  return out;
}

std::vector<HistoryEntry> PgStore::history(const std::string& conv_key, int limit) {
  pqxx::work tx(connection());
  std::vector<HistoryEntry> out;
  for (const auto& r : tx.exec_params("SELECT id, received_at, kind, text FROM messages WHERE conv_key = $1"
                                      " ORDER BY id DESC LIMIT $2",
                                      conv_key, limit))
    out.push_back(inbound_entry(r[0].as<int64_t>(), r[1].as<int64_t>(), r[2].as<std::string>(),
                                r[3].as<std::string>()));
  for (const auto& r : tx.exec_params("SELECT id, created_at, payload, status, delivery, last_error FROM outbox"
                                      " WHERE conv_key = $1 ORDER BY id DESC LIMIT $2",
                                      conv_key, limit))
    out.push_back(outbound_entry(r[0].as<int64_t>(), r[1].as<int64_t>(), r[2].as<std::string>(),
                                 r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>()));
  order_history(out, limit);
  return out;
}

std::string PgStore::console_revision() {
  pqxx::work tx(connection());
  // Not the audit log: viewing a ticket is audited, and a view must not wake every console (which would view
  // again, and so on).
  auto r = tx.exec(
      "SELECT (SELECT COALESCE(MAX(id), 0) FROM messages), (SELECT COALESCE(MAX(updated_at), 0) FROM outbox),"
      " (SELECT COUNT(*) FROM outbox), (SELECT COALESCE(MAX(id), 0) FROM ticket_notes),"
      " (SELECT COUNT(*) FROM tickets WHERE status = 'closed'),"
      " (SELECT COALESCE(string_agg(id || status || priority || COALESCE(assigned_to, '') || ':'"
      "   || COALESCE(first_response_at, 0), ',' ORDER BY id), '')"
      " FROM tickets WHERE status IN ('waiting', 'assigned'))");
  std::vector<int64_t> counters;
  for (int i = 0; i < 5; ++i) counters.push_back(r[0][i].as<int64_t>());
  return revision_of(counters, r[0][5].as<std::string>());
}

void PgStore::audit(const std::string& actor, const std::string& action, int64_t ticket_id,
                    const std::string& detail) {
  pqxx::work tx(connection());
  tx.exec_params("INSERT INTO audit (at, actor, action, ticket_id, detail)"
                 " VALUES ($1, $2, $3, NULLIF($4::bigint, 0), $5)",
                 now_ms(), actor, action, ticket_id, detail);
  tx.commit();
}

std::vector<AuditEntry> PgStore::audit_log(int64_t ticket_id, int limit) {
  pqxx::work tx(connection());
  std::vector<AuditEntry> out;
  for (const auto& r : tx.exec_params("SELECT id, at, actor, action, COALESCE(ticket_id, 0), detail FROM audit"
                                      " WHERE $1::bigint = 0 OR ticket_id = $1::bigint ORDER BY id DESC LIMIT $2",
                                      ticket_id, limit))
    out.push_back({r[0].as<int64_t>(), r[1].as<int64_t>(), r[2].as<std::string>(), r[3].as<std::string>(),
                   r[4].as<int64_t>(), r[5].as<std::string>()});
  return out;
}

CaseStats PgStore::case_stats() {
  pqxx::work tx(connection());
  std::vector<std::pair<std::string, std::string>> closed;
  for (const auto& r : tx.exec("SELECT COALESCE(outcome, ''), COALESCE(referrals, '') FROM tickets"
                               " WHERE status = 'closed'"))
    closed.emplace_back(r[0].as<std::string>(), r[1].as<std::string>());
  return tally_closed(closed);
}

// ---- Reports: anonymous rows only ----

std::vector<UnmatchedRecord> PgStore::unmatched_since(int64_t since_ms) {
  pqxx::work tx(connection());
  std::vector<UnmatchedRecord> out;
  for (const auto& r : tx.exec_params(kUnmatchedSql, since_ms))
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<int64_t>()});
  return out;
}

std::vector<ArticleUsage> PgStore::article_usage_since(const std::string& since_day) {
  pqxx::work tx(connection());
  std::vector<ArticleUsage> out;
  for (const auto& r : tx.exec_params(kArticleUsageSql, since_day))
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int64_t>(), r[3].as<int64_t>(),
                   r[4].as<int64_t>()});
  return out;
}

std::vector<CaseRecord> PgStore::cases_opened_since(int64_t since_ms) {
  pqxx::work tx(connection());
  std::vector<CaseRecord> out;
  for (const auto& r : tx.exec_params(kCaseRecordSql, since_ms))
    out.push_back({r[0].as<int64_t>(), r[1].as<int64_t>(), r[2].as<int64_t>(), r[3].as<std::string>(),
                   r[4].as<std::string>(), r[5].as<std::string>(), r[6].as<std::string>(), r[7].as<std::string>(),
                   r[8].as<std::string>(), r[9].as<std::string>()});
  return out;
}

}  // namespace approdo
