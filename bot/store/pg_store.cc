#include "bot/store/pg_store.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <pqxx/pqxx>
#include <string_view>

#include "bot/store/conversation_export.h"
#include "bot/store/pg_migrations.h"
#include "bot/store/row_codec.h"

namespace approdo {

using namespace store;  // the row codec

namespace {

// Instances starting together take this lock to migrate one after the other.
constexpr int64_t kMigrationLock = 0x417070726f646f;  // "Approdo"

// Sealed addresses travel as hex (bytea through decode/encode), never as text that might not be UTF-8.
std::string to_hex(const std::string& bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  hex.pop_back();
  return hex;
}

std::string from_hex(const pqxx::field& f) {
  if (f.is_null()) return {};
  std::string hex = f.as<std::string>();
  std::string bytes(hex.size() / 2, '\0');
  size_t len = 0;
  sodium_hex2bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), hex.data(), hex.size(), nullptr, &len,
                 nullptr);
  bytes.resize(len);
  return bytes;
}

std::string id_array(const std::vector<int64_t>& ids) {
  std::string a = "{";
  for (size_t i = 0; i < ids.size(); ++i) a += (i ? "," : "") + std::to_string(ids[i]);
  return a + "}";
}

void bump_counter(pqxx::work& tx, const char* name) {
  tx.exec_params("INSERT INTO counters (name, value) VALUES ($1, 1)"
                 " ON CONFLICT (name) DO UPDATE SET value = counters.value + 1",
                 std::string(name));
}

void erase_in(pqxx::work& tx, const std::string& conv_key) {
  tx.exec_params("DELETE FROM messages WHERE conv_key = $1", conv_key);
  tx.exec_params("DELETE FROM outbox WHERE conv_key = $1", conv_key);
  // caseworkers' notes are about the person: they go too (audit rows name no one)
  tx.exec_params("DELETE FROM ticket_notes WHERE ticket_id IN (SELECT id FROM tickets WHERE conv_key = $1)", conv_key);
  tx.exec_params("UPDATE tickets SET conv_key = NULL, summary = '' WHERE conv_key = $1", conv_key);
  tx.exec_params("DELETE FROM conversations WHERE key = $1", conv_key);
  bump_counter(tx, "erasures");
}

// Queues one reply for a conversation; returns its id.
int64_t queue_reply(pqxx::work& tx, const std::string& conv_key, const std::string& channel,
                    const std::string& sealed_hex, const OutboundMessage& m, int64_t now) {
  auto r = tx.exec_params("INSERT INTO outbox (conv_key, channel, address_sealed, payload, created_at, updated_at)"
                          " VALUES ($1, $2, decode($3, 'hex'), $4, $5, $5) RETURNING id",
                          conv_key, channel, sealed_hex, payload_json(m), now);
  return r[0][0].as<int64_t>();
}

constexpr const char* kOutboxColumns =
    "id, conv_key, channel, encode(address_sealed, 'hex'), payload, attempts, created_at";

constexpr const char* kTicketColumns =
    "SELECT id, conv_key, status, priority, reason, lang, channel, category, summary, assigned_to, opened_at,"
    " first_response_at, closed_at, outcome, referrals FROM tickets";

std::string text_or_empty(const pqxx::field& f) { return f.is_null() ? "" : f.as<std::string>(); }
int64_t time_or_zero(const pqxx::field& f) { return f.is_null() ? 0 : f.as<int64_t>(); }

TicketView read_ticket(const pqxx::row& r) {
  TicketView t;
  t.id = r[0].as<int64_t>();
  t.conv_key = text_or_empty(r[1]);
  t.status = r[2].as<std::string>();
  t.priority = r[3].as<std::string>();
  t.reason = r[4].as<std::string>();
  t.lang = r[5].as<std::string>();
  t.channel = r[6].as<std::string>();
  t.category = r[7].as<std::string>();
  t.summary = r[8].as<std::string>();
  t.assigned_to = text_or_empty(r[9]);
  t.opened_at = r[10].as<int64_t>();
  t.first_response_at = time_or_zero(r[11]);
  t.closed_at = time_or_zero(r[12]);
  t.outcome = text_or_empty(r[13]);
  t.referrals = text_or_empty(r[14]);
  return t;
}

std::optional<ConversationRecord> conversation_in(pqxx::work& tx, const std::string& conv_key) {
  auto r = tx.exec_params("SELECT channel, state, lang, status, blocked, created_at, updated_at FROM conversations"
                          " WHERE key = $1",
                          conv_key);
  if (r.empty()) return std::nullopt;
  ConversationRecord c;
  c.key = conv_key;
  c.channel = r[0][0].as<std::string>();
  c.state_json = r[0][1].as<std::string>();
  c.lang = r[0][2].as<std::string>();
  c.status = r[0][3].as<std::string>();
  c.blocked = r[0][4].as<bool>();
  c.created_at = r[0][5].as<int64_t>();
  c.updated_at = r[0][6].as<int64_t>();
  return c;
}

// One conversation step inside the caller's transaction; returns the ids of the replies queued.
std::vector<int64_t> commit_turn_in(pqxx::work& tx, const TurnCommit& turn) {
  int64_t now = now_ms();
  std::string sealed_hex;
  if (auto r = tx.exec_params("SELECT encode(address_sealed, 'hex') FROM conversations WHERE key = $1",
                              turn.conv_key);
      !r.empty())
    sealed_hex = r[0][0].as<std::string>();
  // Exactly once, whatever happens between instances: a turn for messages already answered is refused whole.
  // (A message erased by an earlier turn of the same round is simply gone, as on SQLite.)
  if (!turn.processed_ids.empty()) {
    std::string ids = id_array(turn.processed_ids);
    // A flood's unanswered messages do not keep their text.
    auto done = tx.exec_params("UPDATE messages SET processed = true, text = CASE WHEN $2 THEN '' ELSE text END"
                               " WHERE id = ANY($1::bigint[]) AND NOT processed",
                               ids, turn.forget_text);
    auto existing = tx.exec_params("SELECT COUNT(*) FROM messages WHERE id = ANY($1::bigint[])", ids);
    if (existing[0][0].as<size_t>() != done.affected_rows())
      throw std::runtime_error("conversation turn already answered by another instance");
  }
  if (turn.erase) {
    erase_in(tx, turn.conv_key);
  } else {
    tx.exec_params("UPDATE conversations SET state = $1, lang = $2, status = $3, updated_at = $4 WHERE key = $5",
                   turn.state_json, turn.lang, turn.status, now, turn.conv_key);
  }
  bool ticket_exists = false;
  if (turn.open_ticket) {
    // One open ticket per conversation: a new reason only raises its priority.
    auto u = tx.exec_params("UPDATE tickets SET priority = CASE WHEN $1 = 'urgent' THEN 'urgent' ELSE priority END,"
                            " category = CASE WHEN $2 <> '' THEN $2 ELSE category END"
                            " WHERE conv_key = $3 AND status IN ('waiting', 'assigned')",
                            turn.open_ticket->priority, turn.open_ticket->category, turn.conv_key);
    ticket_exists = u.affected_rows() > 0;
  }
  if (turn.open_ticket && !ticket_exists) {
    const auto& t = *turn.open_ticket;
    tx.exec_params("INSERT INTO tickets (conv_key, priority, reason, lang, channel, category, summary, opened_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                   turn.conv_key, t.priority, t.reason, t.lang, t.channel.empty() ? turn.channel : t.channel,
                   t.category, t.summary, now);
  }
  for (const auto& u : turn.unmatched)
    tx.exec_params("INSERT INTO unmatched (lang, text, outcome, created_at) VALUES ($1, $2, $3, $4)", u.lang, u.text,
                   u.outcome, now);
  std::string day = today();
  for (const auto& a : turn.article_views)
    tx.exec_params("INSERT INTO article_views (day, article, lang, views) VALUES ($1, $2, $3, 1)"
                   " ON CONFLICT (day, article, lang) DO UPDATE SET views = article_views.views + 1",
                   day, a, turn.lang);
  for (const auto& f : turn.feedback)
    tx.exec_params("INSERT INTO article_feedback (day, article, lang, helpful, not_helpful)"
                   " VALUES ($1, $2, $3, $4::BIGINT, 1 - $4::BIGINT) ON CONFLICT (day, article, lang) DO UPDATE"
                   " SET helpful = article_feedback.helpful + $4::BIGINT,"
                   " not_helpful = article_feedback.not_helpful + 1 - $4::BIGINT",
                   day, f.article, turn.lang, f.helpful ? 1 : 0);
  std::vector<int64_t> ids;
  for (const auto& r : turn.replies) ids.push_back(queue_reply(tx, turn.conv_key, turn.channel, sealed_hex, r, now));
  return ids;
}

}  // namespace

PgStore::PgStore(const std::string& url, const Keyring& keyring) : Store(keyring), url_(url) { migrate(); }

PgStore::~PgStore() = default;

int PgStore::schema_version() { return static_cast<int>(kPgMigrations.size()); }

void PgStore::CloseConnection::operator()(pqxx::connection_base* c) const { delete static_cast<pqxx::connection*>(c); }

pqxx::connection_base& PgStore::connection() {
  std::lock_guard lock(mu_);
  auto& c = connections_[std::this_thread::get_id()];
  if (!c || !c->is_open()) c.reset(new pqxx::connection(url_));
  return *c;
}

void PgStore::migrate() {
  pqxx::work tx(connection());
  tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
  tx.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  auto r = tx.exec("SELECT version FROM schema_version");
  int version = r.empty() ? 0 : r[0][0].as<int>();
  if (r.empty()) tx.exec("INSERT INTO schema_version VALUES (0)");
  for (int v = version; v < schema_version(); ++v) {
    tx.exec(std::string(kPgMigrations[v]));
    tx.exec_params("UPDATE schema_version SET version = $1", v + 1);
  }
  tx.commit();
}

int PgStore::current_version() {
  pqxx::work tx(connection());
  return tx.exec("SELECT version FROM schema_version")[0][0].as<int>();
}

bool PgStore::integrity_ok() {
  pqxx::work tx(connection());
  return tx.exec("SELECT 1")[0][0].as<int>() == 1;  // PostgreSQL checks its own pages; we check we reach it
}

RecordResult PgStore::record_inbound(const std::vector<InboundMessage>& messages) {
  RecordResult out;
  pqxx::work tx(connection());
  int64_t now = now_ms();
  for (const auto& m : messages) {
    if (m.kind == InboundMessage::Kind::kStatus) {
      const std::string provider_msg_id = hashed_id(keyring(), m.channel, m.status_of);
      auto updated = tx.exec_params("UPDATE outbox SET delivery = $1, last_error = CASE WHEN $2 = '' THEN last_error"
                                    " ELSE $2 END, updated_at = $3 WHERE channel = $4 AND provider_msg_id = $5"
                                    " AND NOT (delivery = 'read' OR (delivery = 'delivered' AND $1 = 'sent'))",
                                    m.status, m.status_error, now, m.channel, provider_msg_id);
      if (updated.affected_rows() > 0) continue;
      if (!tx.exec_params("SELECT 1 FROM outbox WHERE channel = $1 AND provider_msg_id = $2", m.channel,
                          provider_msg_id)
               .empty())
        continue;  // known, and already further along
      // Not (yet) a reply of ours: its sender may still be recording it (see migration 6).
      tx.exec_params("INSERT INTO early_delivery (channel, provider_msg_id, delivery, error, at)"
                     " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, provider_msg_id) DO UPDATE SET"
                     " delivery = $3, error = CASE WHEN $4 = '' THEN early_delivery.error ELSE $4 END, at = $5"
                     " WHERE NOT (early_delivery.delivery = 'read'"
                     " OR (early_delivery.delivery = 'delivered' AND $3 = 'sent'))",
                     m.channel, provider_msg_id, m.status, m.status_error, now);
      continue;
    }
    std::string key = keyring().conversation_key(m.channel, m.address);
    if (m.kind == InboundMessage::Kind::kBlocked || m.kind == InboundMessage::Kind::kUnblocked) {
      bool blocked = m.kind == InboundMessage::Kind::kBlocked;
      tx.exec_params("UPDATE conversations SET blocked = $1, updated_at = $2 WHERE key = $3", blocked, now, key);
      if (blocked)
        tx.exec_params("UPDATE outbox SET status = 'dead', last_error = 'blocked by user', address_sealed = NULL"
                       " WHERE conv_key = $1 AND status IN ('pending', 'sending')",
                       key);
      continue;
    }
    // A retry reaching another instance at the same moment waits here for the first insert, then is skipped.
    auto ins = tx.exec_params("INSERT INTO messages (channel, provider_id, conv_key, kind, text, media, extra,"
                              " received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                              " ON CONFLICT (channel, provider_id) DO NOTHING RETURNING id",
                              m.channel, hashed_id(keyring(), m.channel, m.provider_id), key,
                              std::string(kind_name(m.kind)), stored_text(m.text), m.media, m.start_payload, now);
    if (ins.empty()) {
      ++out.duplicates;
      continue;
    }
    ++out.inserted;
    tx.exec_params("INSERT INTO conversations (key, channel, address_sealed, created_at, updated_at)"
                   " VALUES ($1, $2, decode($3, 'hex'), $4, $4)"
                   " ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at",
                   key, m.channel, to_hex(keyring().seal(m.address)), now);
    if (std::find(out.conv_keys.begin(), out.conv_keys.end(), key) == out.conv_keys.end())
      out.conv_keys.push_back(key);
  }
  tx.commit();
  return out;
}

std::vector<std::string> PgStore::conversations_with_pending() {
  pqxx::work tx(connection());
  std::vector<std::string> out;
  for (const auto& r : tx.exec("SELECT conv_key, MIN(id) AS first FROM messages WHERE NOT processed"
                               " GROUP BY conv_key ORDER BY first"))
    out.push_back(r[0].as<std::string>());
  return out;
}

std::vector<StoredInbound> PgStore::pending_for(const std::string& conv_key) {
  pqxx::work tx(connection());
  std::vector<StoredInbound> out;
  for (const auto& r : tx.exec_params("SELECT id, channel, provider_id, kind, text, media, extra, received_at"
                                      " FROM messages WHERE conv_key = $1 AND NOT processed ORDER BY id",
                                      conv_key)) {
    StoredInbound s;
    s.id = r[0].as<int64_t>();
    s.conv_key = conv_key;
    s.msg.channel = r[1].as<std::string>();
    s.msg.provider_id = r[2].as<std::string>();
    s.msg.kind = kind_from(r[3].as<std::string>());
    s.msg.text = r[4].as<std::string>();
    s.msg.media = r[5].as<std::string>();
    s.msg.start_payload = r[6].as<std::string>();
    s.received_at = r[7].as<int64_t>();
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<ConversationRecord> PgStore::load_conversation(const std::string& conv_key) {
  pqxx::work tx(connection());
  return conversation_in(tx, conv_key);
}


bool PgStore::hold_conversation(const std::string& conv_key) {
  pqxx::nontransaction tx(connection());
  return tx.exec_params("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", conv_key)[0][0].as<bool>();
}

void PgStore::let_go_conversation(const std::string& conv_key) {
  try {
    pqxx::nontransaction tx(connection());
    tx.exec_params("SELECT pg_advisory_unlock(hashtextextended($1, 0))", conv_key);
  } catch (const std::exception&) {  // the connection is lost, and its session's locks with it
  }
}

std::vector<int64_t> PgStore::commit_turn(const TurnCommit& turn) {
  pqxx::work tx(connection());
  std::vector<int64_t> ids = commit_turn_in(tx, turn);
  tx.commit();
  return ids;
}

void PgStore::commit_turns(const std::vector<TurnCommit>& turns) {
  if (turns.empty()) return;
  pqxx::work tx(connection());
  for (const auto& turn : turns) commit_turn_in(tx, turn);
  tx.commit();
}


namespace {

OutboxRow read_outbox(const pqxx::row& r, const Keyring& keyring) {
  OutboxRow o;
  o.id = r[0].as<int64_t>();
  o.conv_key = r[1].as<std::string>();
  o.channel = r[2].as<std::string>();
  if (!r[3].is_null()) o.address = keyring.open(from_hex(r[3])).value_or("");
  o.msg = payload_from(r[4].as<std::string>());
  o.attempts = r[5].as<int>();
  o.created_at = r[6].as<int64_t>();
  return o;
}

}  // namespace

std::vector<OutboxRow> PgStore::claim_due(const std::string& channel, int limit) {
  pqxx::work tx(connection());
  int64_t now = now_ms();
  // A claim older than the lease belongs to an instance that died while sending: give it back.
  tx.exec_params("UPDATE outbox SET status = 'pending' WHERE channel = $1 AND status = 'sending' AND claimed_at < $2",
                 channel, now - kClaimLeaseMs);
  // The oldest unfinished row of each conversation, if due; rows another instance is claiming are skipped,
  // and a conversation whose first row is being sent elsewhere has nothing to claim here (order).
  auto rows = tx.exec_params(std::string("SELECT ") + kOutboxColumns +
                                 " FROM outbox o WHERE o.channel = $1 AND o.status = 'pending'"
                                 " AND o.next_attempt_at <= $2 AND o.id = (SELECT MIN(i.id) FROM outbox i"
                                 " WHERE i.conv_key = o.conv_key AND i.status IN ('pending', 'sending'))"
                                 " ORDER BY o.id LIMIT $3 FOR UPDATE SKIP LOCKED",
                             channel, now, limit);
  std::vector<OutboxRow> out;
  std::vector<int64_t> ids;
  for (const auto& r : rows) {
    out.push_back(read_outbox(r, keyring()));
    ids.push_back(out.back().id);
  }
  if (!ids.empty())
    tx.exec_params("UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_at = $1"
                   " WHERE id = ANY($2::bigint[])",
                   now, id_array(ids));
  tx.commit();
  return out;
}

void PgStore::mark_sent(int64_t id, const std::string& provider_message_id) {
  pqxx::work tx(connection());
  auto c = tx.exec_params("SELECT channel FROM outbox WHERE id = $1", id);
  std::string hashed =
      c.empty() ? provider_message_id : hashed_id(keyring(), c[0][0].as<std::string>(), provider_message_id);
  tx.exec_params("UPDATE outbox SET status = 'sent', provider_msg_id = $1, address_sealed = NULL,"
                 " delivery = CASE WHEN delivery = '' THEN 'sent' ELSE delivery END, updated_at = $2 WHERE id = $3",
                 hashed, now_ms(), id);
  // A delivery report that came while this send was being recorded.
  if (!c.empty()) {
    auto early = tx.exec_params("DELETE FROM early_delivery WHERE channel = $1 AND provider_msg_id = $2"
                                " RETURNING delivery, error",
                                c[0][0].as<std::string>(), hashed);
    if (!early.empty())
      tx.exec_params("UPDATE outbox SET delivery = $1, last_error = CASE WHEN $2 = '' THEN last_error ELSE $2 END"
                     " WHERE id = $3",
                     early[0][0].as<std::string>(), early[0][1].as<std::string>(), id);
  }
  tx.commit();
}

void PgStore::mark_retry(int64_t id, int64_t next_attempt_at, const std::string& error) {
  pqxx::work tx(connection());
  tx.exec_params("UPDATE outbox SET status = 'pending', next_attempt_at = $1, last_error = $2, updated_at = $3"
                 " WHERE id = $4",
                 next_attempt_at, error, now_ms(), id);
  tx.commit();
}

void PgStore::mark_dead(int64_t id, const std::string& error) {
  pqxx::work tx(connection());
  tx.exec_params("UPDATE outbox SET status = 'dead', last_error = $1, address_sealed = NULL, updated_at = $2"
                 " WHERE id = $3",
                 error, now_ms(), id);
  bump_counter(tx, "outbox_dead");
  tx.commit();
}

void PgStore::mark_held(int64_t id, const std::string& error) {
  pqxx::work tx(connection());
  tx.exec_params("UPDATE outbox SET status = 'held', last_error = $1, updated_at = $2 WHERE id = $3", error, now_ms(),
                 id);
  tx.commit();
}

int PgStore::release_stale_claims() {
  // Other instances may be sending their claims right now: only lapsed leases come back.
  pqxx::work tx(connection());
  auto r = tx.exec_params("UPDATE outbox SET status = 'pending' WHERE status = 'sending' AND claimed_at < $1",
                          now_ms() - kClaimLeaseMs);
  tx.commit();
  return static_cast<int>(r.affected_rows());
}

int64_t PgStore::next_due_at(const std::string& channel) {
  pqxx::work tx(connection());
  // Only rows this instance could claim: a conversation whose first reply another instance is sending is
  // that instance's to finish (counting it would have this sender ask again and again meanwhile).
  auto r = tx.exec_params("SELECT MIN(o.next_attempt_at) FROM outbox o WHERE o.channel = $1 AND o.status = 'pending'"
                          " AND o.id = (SELECT MIN(i.id) FROM outbox i WHERE i.conv_key = o.conv_key"
                          " AND i.status IN ('pending', 'sending'))",
                          channel);
  if (r[0][0].is_null()) return 0;
  return std::max<int64_t>(1, r[0][0].as<int64_t>());
}

std::vector<OutboxRow> PgStore::take_for_conversation(const std::string& conv_key, int64_t after_id) {
  pqxx::work tx(connection());
  std::vector<OutboxRow> out;
  for (const auto& r : tx.exec_params("SELECT id, conv_key, channel, NULL, payload, attempts, created_at FROM outbox"
                                      " WHERE conv_key = $1 AND id > $2 AND status IN ('pending', 'sending', 'sent')"
                                      " ORDER BY id",
                                      conv_key, after_id))
    out.push_back(read_outbox(r, keyring()));
  tx.exec_params("UPDATE outbox SET status = 'sent', delivery = 'delivered', address_sealed = NULL"
                 " WHERE conv_key = $1 AND id > $2 AND status IN ('pending', 'sending')",
                 conv_key, after_id);
  tx.commit();
  return out;
}

std::optional<OutboxStatus> PgStore::outbox_status(int64_t id) {
  pqxx::work tx(connection());
  auto r = tx.exec_params("SELECT status, delivery, last_error FROM outbox WHERE id = $1", id);
  if (r.empty()) return std::nullopt;
  return OutboxStatus{id, r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>()};
}

std::vector<TicketView> PgStore::open_tickets() {
  pqxx::work tx(connection());
  std::vector<TicketView> out;
  for (const auto& r : tx.exec(std::string(kTicketColumns) +
                               " WHERE status IN ('waiting', 'assigned')"
                               " ORDER BY priority = 'urgent' DESC, opened_at, id"))
    out.push_back(read_ticket(r));
  return out;
}

std::optional<TicketView> PgStore::ticket(int64_t id) {
  pqxx::work tx(connection());
  auto r = tx.exec_params(std::string(kTicketColumns) + " WHERE id = $1", id);
  if (r.empty()) return std::nullopt;
  return read_ticket(r[0]);
}

std::optional<int64_t> PgStore::caseworker_reply(int64_t ticket_id, const std::string& caseworker,
                                                 const OutboundMessage& m) {
  pqxx::work tx(connection());
  int64_t now = now_ms();
  auto t = tx.exec_params("SELECT conv_key FROM tickets WHERE id = $1 AND status IN ('waiting', 'assigned')"
                          " AND conv_key IS NOT NULL FOR UPDATE",
                          ticket_id);
  if (t.empty()) return std::nullopt;
  std::string conv_key = t[0][0].as<std::string>();
  auto c = tx.exec_params("SELECT encode(address_sealed, 'hex'), channel FROM conversations WHERE key = $1", conv_key);
  if (c.empty()) return std::nullopt;
  tx.exec_params("UPDATE tickets SET status = 'assigned', assigned_to = COALESCE(assigned_to, $1),"
                 " first_response_at = COALESCE(first_response_at, $2) WHERE id = $3",
                 caseworker, now, ticket_id);
  int64_t id = queue_reply(tx, conv_key, c[0][1].as<std::string>(), c[0][0].as<std::string>(), m, now);
  tx.commit();
  return id;
}

bool PgStore::close_ticket(int64_t ticket_id, const std::string& outcome, const OutboundMessage& closing,
                           const std::string& referrals) {
  pqxx::work tx(connection());
  int64_t now = now_ms();
  auto t = tx.exec_params("SELECT conv_key FROM tickets WHERE id = $1 AND status IN ('waiting', 'assigned') FOR UPDATE",
                          ticket_id);
  if (t.empty()) return false;
  std::string conv_key = t[0][0].is_null() ? "" : t[0][0].as<std::string>();
  tx.exec_params("UPDATE tickets SET status = 'closed', closed_at = $1, outcome = $2, referrals = $3 WHERE id = $4",
                 now, outcome, referrals, ticket_id);
  if (!conv_key.empty()) {
    auto c = tx.exec_params("SELECT encode(address_sealed, 'hex'), channel, status FROM conversations WHERE key = $1"
                            " FOR UPDATE",
                            conv_key);
    // A person who wrote STOP meanwhile stays stopped and gets no message.
    if (!c.empty() && c[0][2].as<std::string>() == "handoff") {
      tx.exec_params("UPDATE conversations SET status = 'bot', updated_at = $1 WHERE key = $2", now, conv_key);
      queue_reply(tx, conv_key, c[0][1].as<std::string>(), c[0][0].as<std::string>(), closing, now);
    }
  }
  tx.commit();
  return true;
}

int PgStore::waiting_tickets() {
  pqxx::work tx(connection());
  return tx.exec("SELECT COUNT(*) FROM tickets WHERE status = 'waiting'")[0][0].as<int>();
}

bool PgStore::has_open_ticket(const std::string& conv_key) {
  pqxx::work tx(connection());
  return !tx.exec_params("SELECT 1 FROM tickets WHERE conv_key = $1 AND status IN ('waiting', 'assigned')", conv_key)
              .empty();
}

int PgStore::erase_inactive_before(int64_t cutoff_ms) {
  pqxx::work tx(connection());
  std::vector<std::string> keys;
  // SKIP LOCKED: another instance running the same hourly job at the same moment takes the other rows.
  for (const auto& r : tx.exec_params("SELECT key FROM conversations WHERE updated_at < $1 AND key NOT IN"
                                      " (SELECT conv_key FROM tickets WHERE status IN ('waiting', 'assigned')"
                                      " AND conv_key IS NOT NULL) FOR UPDATE SKIP LOCKED",
                                      cutoff_ms))
    keys.push_back(r[0].as<std::string>());
  for (const auto& k : keys) erase_in(tx, k);
  tx.exec_params("DELETE FROM unmatched WHERE created_at < $1", cutoff_ms);
  // Reports for messages that never became ours (sent by another system on the same number) go after a day.
  tx.exec_params("DELETE FROM early_delivery WHERE at < $1", now_ms() - kEarlyDeliveryKeptMs);
  tx.commit();
  return static_cast<int>(keys.size());
}

bool PgStore::erase_conversation(const std::string& conv_key) {
  pqxx::work tx(connection());
  auto found = tx.exec_params("SELECT (SELECT COUNT(*) FROM conversations WHERE key = $1)"
                              " + (SELECT COUNT(*) FROM messages WHERE conv_key = $1)"
                              " + (SELECT COUNT(*) FROM tickets WHERE conv_key = $1)",
                              conv_key);
  if (found[0][0].as<int64_t>() == 0) return false;
  erase_in(tx, conv_key);
  tx.commit();
  return true;
}

std::optional<std::string> PgStore::export_conversation(const std::string& conv_key) {
  pqxx::work tx(connection());
  tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");  // one consistent snapshot
  ConversationExport e;
  e.conversation = conversation_in(tx, conv_key);
  if (e.conversation) {
    auto a = tx.exec_params("SELECT encode(address_sealed, 'hex') FROM conversations WHERE key = $1", conv_key);
    if (!a.empty()) e.address = keyring().open(from_hex(a[0][0])).value_or("");
  }
  for (const auto& r : tx.exec_params("SELECT id, channel, kind, text, media, received_at, processed FROM messages"
                                      " WHERE conv_key = $1 ORDER BY id",
                                      conv_key)) {
    ExportedMessage x;
    x.in.id = r[0].as<int64_t>();
    x.in.msg.channel = r[1].as<std::string>();
    x.in.msg.kind = kind_from(r[2].as<std::string>());
    x.in.msg.text = r[3].as<std::string>();
    x.in.msg.media = r[4].as<std::string>();
    x.in.received_at = r[5].as<int64_t>();
    x.answered = r[6].as<bool>();
    e.messages.push_back(std::move(x));
  }
  for (const auto& r : tx.exec_params("SELECT id, payload, status, delivery, created_at FROM outbox"
                                      " WHERE conv_key = $1 ORDER BY id",
                                      conv_key))
    e.replies.push_back({r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                         r[4].as<int64_t>()});
  for (const auto& r : tx.exec_params(std::string(kTicketColumns) + " WHERE conv_key = $1 ORDER BY id", conv_key))
    e.tickets.push_back(read_ticket(r));
  return to_json(e);
}

bool PgStore::key_matches() {
  pqxx::work tx(connection());
  // The first instance to start records its key; every instance after it must have the same one.
  tx.exec_params("INSERT INTO counters (name, value) VALUES ('key_fingerprint', $1) ON CONFLICT (name) DO NOTHING",
                 keyring().fingerprint());
  bool same = tx.exec("SELECT value FROM counters WHERE name = 'key_fingerprint'")[0][0].as<int64_t>() ==
              keyring().fingerprint();
  tx.commit();
  return same;
}

int PgStore::rekey(const Keyring& next) {
  pqxx::work tx(connection());
  std::vector<std::pair<std::string, Rekeyed>> moves;  // from key → new key and sealed address
  for (const auto& r : tx.exec("SELECT key, channel, encode(address_sealed, 'hex') FROM conversations FOR UPDATE"))
    if (auto to = rekeyed(keyring(), next, r[1].as<std::string>(), from_hex(r[2])))
      moves.emplace_back(r[0].as<std::string>(), std::move(*to));
  for (const auto& [from, to] : moves) {
    tx.exec_params("UPDATE conversations SET key = $1, address_sealed = decode($2, 'hex') WHERE key = $3", to.key,
                   to_hex(to.sealed), from);
    for (const char* sql : {"UPDATE messages SET conv_key = $1 WHERE conv_key = $2",
                            "UPDATE outbox SET conv_key = $1 WHERE conv_key = $2",
                            "UPDATE tickets SET conv_key = $1 WHERE conv_key = $2"})
      tx.exec_params(sql, to.key, from);
  }
  for (const auto& r : tx.exec("SELECT id, encode(address_sealed, 'hex') FROM outbox WHERE address_sealed IS NOT NULL"))
    if (auto address = keyring().open(from_hex(r[1])))
      tx.exec_params("UPDATE outbox SET address_sealed = decode($1, 'hex') WHERE id = $2", to_hex(next.seal(*address)),
                     r[0].as<int64_t>());
  tx.exec_params("INSERT INTO counters (name, value) VALUES ('key_fingerprint', $1)"
                 " ON CONFLICT (name) DO UPDATE SET value = $1",
                 next.fingerprint());
  tx.commit();
  return static_cast<int>(moves.size());
}

int64_t PgStore::received_before(const std::string& conv_key, int64_t id, int64_t since_ms) {
  pqxx::work tx(connection());
  return tx.exec_params("SELECT COUNT(*) FROM messages WHERE conv_key = $1 AND id < $2 AND received_at > $3", conv_key,
                        id, since_ms)[0][0]
      .as<int64_t>();
}

int64_t PgStore::count(const std::string& table) {
  static const char* allowed[] = {"conversations", "messages", "outbox", "tickets", "unmatched", "article_views",
                                  "article_feedback"};
  for (const char* t : allowed)
    if (table == t) {
      pqxx::work tx(connection());
      return tx.exec(std::string("SELECT COUNT(*) FROM ") + t)[0][0].as<int64_t>();
    }
  return -1;
}

int64_t PgStore::outbox_with_status(const std::string& status) {
  pqxx::work tx(connection());
  return tx.exec_params("SELECT COUNT(*) FROM outbox WHERE status = $1", status)[0][0].as<int64_t>();
}

}  // namespace approdo
