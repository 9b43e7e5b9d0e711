#include "bot/store/sqlite_store.h"

#include <algorithm>
#include <filesystem>

#include "bot/store/backup.h"
#include "bot/store/conversation_export.h"
#include "bot/store/migrations.h"
#include "bot/store/row_codec.h"

namespace approdo {

using namespace store;  // the row codec

SqliteStore::SqliteStore(const std::string& path, const Keyring& keyring)
    : Store(keyring),
      db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX),
      statements_(db_) {
  db_.setBusyTimeout(5000);
  db_.exec("PRAGMA journal_mode=WAL");
  db_.exec("PRAGMA synchronous=NORMAL");
  db_.exec("PRAGMA foreign_keys=ON");
  db_.exec("PRAGMA secure_delete=ON");  // erased personal data is overwritten, not left in free pages
  db_.exec("PRAGMA cache_size=-16384");  // 16 MiB of pages (default 2): the hot indexes stay in memory
  db_.exec("PRAGMA journal_size_limit=67108864");  // after a storm the log file is cut back to 64 MiB
  migrate();
  if (!db_.getFilename().empty()) {
    // The dialogue workers, the senders and the HTTP pool read at once; more readers than that would only wait
    // for the two cores.
    constexpr std::size_t kReaders = 8;
    readers_ = std::make_unique<SqliteReaders>(db_.getFilename(), kReaders);
    checkpointer_ = std::make_unique<WalCheckpointer>(db_, mu_, db_.getFilename());
  }
}

SqliteStore::~SqliteStore() = default;

int SqliteStore::schema_version() { return static_cast<int>(store::kMigrations.size()); }

int SqliteStore::current_version() {
  std::lock_guard lock(mu_);
  return db_.execAndGet("PRAGMA user_version").getInt();
}

bool SqliteStore::integrity_ok() {
  std::lock_guard lock(mu_);
  return db_.execAndGet("PRAGMA quick_check").getString() == "ok";
}

void SqliteStore::migrate() {
  std::lock_guard lock(mu_);
  int version = db_.execAndGet("PRAGMA user_version").getInt();
  // Before changing the schema of a database that holds data, keep it as it was: going back to the previous
  // release is then `approdo restore <db>.before-v<N>`.
  if (version > 0 && version < schema_version() && !db_.getFilename().empty())
    copy_database(db_, db_.getFilename() + ".before-v" + std::to_string(version));
  for (int v = version; v < schema_version(); ++v) {
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    db_.exec(std::string(store::kMigrations[v]));
    db_.exec("PRAGMA user_version = " + std::to_string(v + 1));
    tx.commit();
  }
}

// Group commit, as LevelDB's DBImpl::Write does it: callers queue; the one at the front commits everything
// queued behind it in one transaction and wakes the others with their results. No extra thread, and a
// caller returns only once its write is committed.
struct SqliteStore::QueuedWrite {
  const std::function<void()>* write;
  bool empty_wal_after = false;
  std::exception_ptr error;
  bool done = false;
  std::condition_variable cv;
};

void SqliteStore::write_together(const std::function<void()>& write, bool empty_wal_after) {
  QueuedWrite self{&write, empty_wal_after, nullptr, false, {}};
  std::unique_lock queue_lock(writers_mu_);
  writers_.push_back(&self);
  self.cv.wait(queue_lock, [&] { return self.done || writers_.front() == &self; });
  if (!self.done) {
    constexpr std::size_t kMaxBatch = 512;
    std::vector<QueuedWrite*> batch(writers_.begin(),
                                    writers_.begin() + static_cast<long>(std::min(writers_.size(), kMaxBatch)));
    queue_lock.unlock();
    commit_batch(batch);
    queue_lock.lock();
    for (QueuedWrite* w : batch) {
      writers_.pop_front();
      w->done = true;
      if (w != &self) w->cv.notify_one();
    }
    if (!writers_.empty()) writers_.front()->cv.notify_one();  // the next batch's leader
  }
  if (self.error) std::rethrow_exception(self.error);
}

void SqliteStore::commit_batch(const std::vector<QueuedWrite*>& batch) {
  std::lock_guard lock(mu_);
  bool erased = false;
  for (QueuedWrite* w : batch) erased = erased || w->empty_wal_after;
  try {
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    for (QueuedWrite* w : batch) (*w->write)();
    tx.commit();
    if (erased) empty_wal();  // the erased rows are not left in the log
    return;
  } catch (...) {  // anything: the callers waiting on this batch must all be told
    if (batch.size() == 1) {
      batch[0]->error = std::current_exception();
      return;
    }
  }
  // The batch failed as a whole: each write alone, so one that cannot be saved does not fail the others.
  for (QueuedWrite* w : batch) {
    try {
      SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
      (*w->write)();
      tx.commit();
      if (w->empty_wal_after) empty_wal();
    } catch (...) {
      w->error = std::current_exception();
    }
  }
}

RecordResult SqliteStore::record_inbound(const std::vector<InboundMessage>& messages) {
  RecordResult result;
  write_together([&] { result = record_locked(messages); });
  return result;
}

RecordResult SqliteStore::record_locked(const std::vector<InboundMessage>& messages) {
  RecordResult r;
  int64_t now = now_ms();
  for (const auto& m : messages) {
    if (m.kind == InboundMessage::Kind::kStatus) {
      const std::string provider_msg_id = hashed_id(keyring(), m.channel, m.status_of);
      Reused q = reuse("UPDATE outbox SET delivery = ?, last_error = CASE WHEN ? = '' THEN last_error ELSE ? END,"
                       " updated_at = ? WHERE channel = ? AND provider_msg_id = ?"
                       " AND NOT (delivery = 'read' OR (delivery = 'delivered' AND ? = 'sent'))");
      q.bind(1, m.status);
      q.bind(2, m.status_error);
      q.bind(3, m.status_error);
      q.bind(4, now);
      q.bind(5, m.channel);
      q.bind(6, provider_msg_id);
      q.bind(7, m.status);
      if (q.exec() > 0) continue;
      Reused known = reuse("SELECT 1 FROM outbox WHERE channel = ? AND provider_msg_id = ?");
      known.bind(1, m.channel);
      known.bind(2, provider_msg_id);
      if (known.executeStep()) continue;  // known, and already further along
      // Not (yet) a reply of ours: its sender may still be recording it (see migration 6).
      Reused early = reuse("INSERT INTO early_delivery (channel, provider_msg_id, delivery, error, at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (channel, provider_msg_id) DO UPDATE SET"
                           " delivery = ?3, error = CASE WHEN ?4 = '' THEN error ELSE ?4 END, at = ?5"
                           " WHERE NOT (delivery = 'read' OR (delivery = 'delivered' AND ?3 = 'sent'))");
      early.bind(1, m.channel);
      early.bind(2, provider_msg_id);
      early.bind(3, m.status);
      early.bind(4, m.status_error);
      early.bind(5, now);
      early.exec();
      continue;
    }
    std::string key = keyring().conversation_key(m.channel, m.address);
    if (m.kind == InboundMessage::Kind::kBlocked || m.kind == InboundMessage::Kind::kUnblocked) {
      bool blocked = m.kind == InboundMessage::Kind::kBlocked;
      Reused q = reuse("UPDATE conversations SET blocked = ?, updated_at = ? WHERE key = ?");
      q.bind(1, blocked ? 1 : 0);
      q.bind(2, now);
      q.bind(3, key);
      q.exec();
      if (blocked) {
        Reused c = reuse("UPDATE outbox SET status = 'dead', last_error = 'blocked by user', address_sealed = NULL"
                         " WHERE conv_key = ? AND status IN ('pending', 'sending')");
        c.bind(1, key);
        c.exec();
      }
      continue;
    }
    Reused ins = reuse("INSERT OR IGNORE INTO messages (channel, provider_id, conv_key, kind, text, media, extra,"
                       " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, m.channel);
    ins.bind(2, hashed_id(keyring(), m.channel, m.provider_id));
    ins.bind(3, key);
    ins.bind(4, kind_name(m.kind));
    ins.bind(5, stored_text(m.text));
    ins.bind(6, m.media);
    ins.bind(7, m.start_payload);
    ins.bind(8, now);
    if (ins.exec() == 0) {
      ++r.duplicates;
      continue;
    }
    ++r.inserted;
    // A new person's conversation is created here; a known one is left as it is: the turn that answers this
    // message updates it. Touching it here too wrote its page to the log twice per message.
    Reused known = reuse("SELECT 1 FROM conversations WHERE key = ?");
    known.bind(1, key);
    if (!known.executeStep()) {
      Reused conv = reuse("INSERT INTO conversations (key, channel, address_sealed, created_at, updated_at)"
                          " VALUES (?, ?, ?, ?, ?)");
      std::string sealed = keyring().seal(m.address);
      conv.bind(1, key);
      conv.bind(2, m.channel);
      conv.bind(3, sealed.data(), static_cast<int>(sealed.size()));
      conv.bind(4, now);
      conv.bind(5, now);
      conv.exec();
    }
    if (std::find(r.conv_keys.begin(), r.conv_keys.end(), key) == r.conv_keys.end()) r.conv_keys.push_back(key);
  }
  return r;
}

std::vector<std::string> SqliteStore::conversations_with_pending() {
  return read([&](StatementCache& c) {
    std::vector<std::string> out;
    Reused q = c.reuse("SELECT conv_key, MIN(id) AS first FROM messages WHERE processed = 0"
                       " GROUP BY conv_key ORDER BY first");
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  });
}

std::vector<StoredInbound> SqliteStore::pending_for(const std::string& conv_key) {
  return read([&](StatementCache& c) {
    std::vector<StoredInbound> out;
    Reused q = c.reuse("SELECT id, channel, provider_id, kind, text, media, extra, received_at FROM messages"
                       " WHERE conv_key = ? AND processed = 0 ORDER BY id");
    q.bind(1, conv_key);
    while (q.executeStep()) {
      StoredInbound s;
      s.id = q.getColumn(0).getInt64();
      s.conv_key = conv_key;
      s.msg.channel = q.getColumn(1).getString();
      s.msg.provider_id = q.getColumn(2).getString();
      s.msg.kind = kind_from(q.getColumn(3).getString());
      s.msg.text = q.getColumn(4).getString();
      s.msg.media = q.getColumn(5).getString();
      s.msg.start_payload = q.getColumn(6).getString();
      s.received_at = q.getColumn(7).getInt64();
      out.push_back(std::move(s));
    }
    return out;
  });
}

std::optional<ConversationRecord> SqliteStore::load_conversation(const std::string& conv_key) {
  return read([&](StatementCache& cache) -> std::optional<ConversationRecord> {
    Reused q = cache.reuse("SELECT channel, state, lang, status, blocked, created_at, updated_at FROM conversations"
                           " WHERE key = ?");
    q.bind(1, conv_key);
    if (!q.executeStep()) return std::nullopt;
    ConversationRecord c;
    c.key = conv_key;
    c.channel = q.getColumn(0).getString();
    c.state_json = q.getColumn(1).getString();
    c.lang = q.getColumn(2).getString();
    c.status = q.getColumn(3).getString();
    c.blocked = q.getColumn(4).getInt() != 0;
    c.created_at = q.getColumn(5).getInt64();
    c.updated_at = q.getColumn(6).getInt64();
    return c;
  });
}

void SqliteStore::erase_locked(const std::string& conv_key) {
  for (const char* sql : {"DELETE FROM messages WHERE conv_key = ?", "DELETE FROM outbox WHERE conv_key = ?",
                          // caseworkers' notes are about the person: they go too (audit rows name no one)
                          "DELETE FROM ticket_notes WHERE ticket_id IN (SELECT id FROM tickets WHERE conv_key = ?)",
                          "UPDATE tickets SET conv_key = NULL, summary = '' WHERE conv_key = ?",
                          "DELETE FROM conversations WHERE key = ?"}) {
    SQLite::Statement q(db_, sql);
    q.bind(1, conv_key);
    q.exec();
  }
  db_.exec("INSERT INTO counters (name, value) VALUES ('erasures', 1)"
           " ON CONFLICT (name) DO UPDATE SET value = value + 1");
}

void SqliteStore::empty_wal() {
  // The write-ahead log still holds the pages as they were before an erasure. Copy it into the database and
  // truncate it; when a reader holds it open this does what it can, and the next erasure tries again.
  db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

namespace {

std::string blob(const SQLite::Column& c) {
  return std::string(static_cast<const char*>(c.getBlob()), static_cast<size_t>(c.getBytes()));
}

TicketView read_ticket(SQLite::Statement& q) {
  TicketView t;
  t.id = q.getColumn(0).getInt64();
  t.conv_key = q.getColumn(1).isNull() ? "" : q.getColumn(1).getString();
  t.status = q.getColumn(2).getString();
  t.priority = q.getColumn(3).getString();
  t.reason = q.getColumn(4).getString();
  t.lang = q.getColumn(5).getString();
  t.channel = q.getColumn(6).getString();
  t.category = q.getColumn(7).getString();
  t.summary = q.getColumn(8).getString();
  t.assigned_to = q.getColumn(9).isNull() ? "" : q.getColumn(9).getString();
  t.opened_at = q.getColumn(10).getInt64();
  t.first_response_at = q.getColumn(11).isNull() ? 0 : q.getColumn(11).getInt64();
  t.closed_at = q.getColumn(12).isNull() ? 0 : q.getColumn(12).getInt64();
  t.outcome = q.getColumn(13).isNull() ? "" : q.getColumn(13).getString();
  t.referrals = q.getColumn(14).isNull() ? "" : q.getColumn(14).getString();
  return t;
}

constexpr const char* kTicketColumns =
    "SELECT id, conv_key, status, priority, reason, lang, channel, category, summary, assigned_to, opened_at,"
    " first_response_at, closed_at, outcome, referrals FROM tickets";

}  // namespace

std::vector<TicketView> SqliteStore::open_tickets() {
  std::lock_guard lock(mu_);
  std::vector<TicketView> out;
  SQLite::Statement q(db_, std::string(kTicketColumns) +
                               " WHERE status IN ('waiting', 'assigned')"
                               " ORDER BY priority = 'urgent' DESC, opened_at, id");
  while (q.executeStep()) out.push_back(read_ticket(q));
  return out;
}

std::optional<TicketView> SqliteStore::ticket(int64_t id) {
  std::lock_guard lock(mu_);
  SQLite::Statement q(db_, std::string(kTicketColumns) + " WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return read_ticket(q);
}

std::optional<int64_t> SqliteStore::caseworker_reply(int64_t ticket_id, const std::string& caseworker,
                                               const OutboundMessage& m) {
  std::lock_guard lock(mu_);
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  int64_t now = now_ms();
  SQLite::Statement t(db_, "SELECT conv_key, channel FROM tickets WHERE id = ? AND status IN ('waiting', 'assigned')"
                           " AND conv_key IS NOT NULL");
  t.bind(1, ticket_id);
  if (!t.executeStep()) return std::nullopt;
  std::string conv_key = t.getColumn(0).getString(), channel = t.getColumn(1).getString();
  SQLite::Statement c(db_, "SELECT address_sealed, channel FROM conversations WHERE key = ?");
  c.bind(1, conv_key);
  if (!c.executeStep()) return std::nullopt;
  const auto& col = c.getColumn(0);
  std::string sealed(static_cast<const char*>(col.getBlob()), static_cast<size_t>(col.getBytes()));
  channel = c.getColumn(1).getString();
  SQLite::Statement u(db_, "UPDATE tickets SET status = 'assigned', assigned_to = COALESCE(assigned_to, ?),"
                           " first_response_at = COALESCE(first_response_at, ?) WHERE id = ?");
  u.bind(1, caseworker);
  u.bind(2, now);
  u.bind(3, ticket_id);
  u.exec();
  SQLite::Statement o(db_, "INSERT INTO outbox (conv_key, channel, address_sealed, payload, created_at, updated_at)"
                           " VALUES (?, ?, ?, ?, ?, ?)");
  o.bind(1, conv_key);
  o.bind(2, channel);
  o.bind(3, sealed.data(), static_cast<int>(sealed.size()));
  o.bind(4, payload_json(m));
  o.bind(5, now);
  o.bind(6, now);
  o.exec();
  int64_t id = db_.getLastInsertRowid();
  tx.commit();
  return id;
}

bool SqliteStore::close_ticket(int64_t ticket_id, const std::string& outcome, const OutboundMessage& closing,
                               const std::string& referrals) {
  std::lock_guard lock(mu_);
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  int64_t now = now_ms();
  SQLite::Statement t(db_, "SELECT conv_key FROM tickets WHERE id = ? AND status IN ('waiting', 'assigned')");
  t.bind(1, ticket_id);
  if (!t.executeStep()) return false;
  std::string conv_key = t.getColumn(0).isNull() ? "" : t.getColumn(0).getString();
  SQLite::Statement u(db_, "UPDATE tickets SET status = 'closed', closed_at = ?, outcome = ?, referrals = ? WHERE id = ?");
  u.bind(1, now);
  u.bind(2, outcome);
  u.bind(3, referrals);
  u.bind(4, ticket_id);
  u.exec();
  if (!conv_key.empty()) {
    SQLite::Statement c(db_, "SELECT address_sealed, channel, status FROM conversations WHERE key = ?");
    c.bind(1, conv_key);
    if (c.executeStep()) {
      const auto& col = c.getColumn(0);
      std::string sealed(static_cast<const char*>(col.getBlob()), static_cast<size_t>(col.getBytes()));
      std::string channel = c.getColumn(1).getString(), status = c.getColumn(2).getString();
      // A person who wrote STOP meanwhile stays stopped and gets no message.
      if (status == "handoff") {
        SQLite::Statement s(db_, "UPDATE conversations SET status = 'bot', updated_at = ? WHERE key = ?");
        s.bind(1, now);
        s.bind(2, conv_key);
        s.exec();
        SQLite::Statement o(db_, "INSERT INTO outbox (conv_key, channel, address_sealed, payload, created_at,"
                                 " updated_at) VALUES (?, ?, ?, ?, ?, ?)");
        o.bind(1, conv_key);
        o.bind(2, channel);
        o.bind(3, sealed.data(), static_cast<int>(sealed.size()));
        o.bind(4, payload_json(closing));
        o.bind(5, now);
        o.bind(6, now);
        o.exec();
      }
    }
  }
  tx.commit();
  return true;
}

int64_t SqliteStore::outbox_with_status(const std::string& status) {
  int64_t being_sent = 0;  // 'pending' in the file (see the header)
  {
    std::lock_guard claims(claims_mu_);
    for (const auto& [channel, set] : claimed_) being_sent += static_cast<int64_t>(set.size());
  }
  if (status == "sending") return being_sent;
  int64_t in_file = read([&](StatementCache& c) {
    Reused q = c.reuse("SELECT COUNT(*) FROM outbox WHERE status = ?");
    q.bind(1, status);
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
  return status == "pending" ? std::max<int64_t>(0, in_file - being_sent) : in_file;
}

int SqliteStore::waiting_tickets() {
  return read([&](StatementCache& c) {
    Reused q = c.reuse("SELECT COUNT(*) FROM tickets WHERE status = 'waiting'");
    q.executeStep();
    return q.getColumn(0).getInt();
  });
}

bool SqliteStore::has_open_ticket(const std::string& conv_key) {
  return read([&](StatementCache& c) {
    Reused q = c.reuse("SELECT 1 FROM tickets WHERE conv_key = ? AND status IN ('waiting', 'assigned')");
    q.bind(1, conv_key);
    return q.executeStep();
  });
}

int SqliteStore::erase_inactive_before(int64_t cutoff_ms) {
  std::lock_guard lock(mu_);
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  std::vector<std::string> keys;
  SQLite::Statement q(db_, "SELECT key FROM conversations WHERE updated_at < ? AND key NOT IN"
                           " (SELECT conv_key FROM tickets WHERE status IN ('waiting', 'assigned') AND conv_key IS NOT NULL)");
  q.bind(1, cutoff_ms);
  while (q.executeStep()) keys.push_back(q.getColumn(0).getString());
  for (const auto& k : keys) erase_locked(k);
  SQLite::Statement old_questions(db_, "DELETE FROM unmatched WHERE created_at < ?");
  old_questions.bind(1, cutoff_ms);
  int questions = old_questions.exec();
  // Reports for messages that never became ours (sent by another system on the same number) go after a day.
  SQLite::Statement stray_reports(db_, "DELETE FROM early_delivery WHERE at < ?");
  stray_reports.bind(1, now_ms() - kEarlyDeliveryKeptMs);
  stray_reports.exec();
  tx.commit();
  if (!keys.empty() || questions > 0) empty_wal();
  return static_cast<int>(keys.size());
}

bool SqliteStore::erase_conversation(const std::string& conv_key) {
  std::lock_guard lock(mu_);
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  int found = 0;
  for (const char* sql : {"SELECT COUNT(*) FROM conversations WHERE key = ?1",
                          "SELECT COUNT(*) FROM messages WHERE conv_key = ?1",
                          "SELECT COUNT(*) FROM tickets WHERE conv_key = ?1"}) {
    SQLite::Statement q(db_, sql);
    q.bind(1, conv_key);
    q.executeStep();
    found += q.getColumn(0).getInt();
  }
  if (found == 0) return false;
  erase_locked(conv_key);
  tx.commit();
  empty_wal();
  return true;
}

std::optional<std::string> SqliteStore::export_conversation(const std::string& conv_key) {
  std::lock_guard lock(mu_);
  SQLite::Transaction tx(db_);  // one consistent snapshot
  ConversationExport e;
  SQLite::Statement c(db_, "SELECT channel, address_sealed, state, lang, status, blocked, created_at, updated_at"
                           " FROM conversations WHERE key = ?");
  c.bind(1, conv_key);
  if (c.executeStep()) {
    e.conversation = ConversationRecord{conv_key,
                                        c.getColumn(0).getString(),
                                        c.getColumn(2).getString(),
                                        c.getColumn(3).getString(),
                                        c.getColumn(4).getString(),
                                        c.getColumn(5).getInt() != 0,
                                        c.getColumn(6).getInt64(),
                                        c.getColumn(7).getInt64()};
    e.address = keyring().open(blob(c.getColumn(1))).value_or("");
  }
  SQLite::Statement m(db_, "SELECT id, channel, kind, text, media, received_at, processed FROM messages"
                           " WHERE conv_key = ? ORDER BY id");
  m.bind(1, conv_key);
  while (m.executeStep()) {
    ExportedMessage x;
    x.in.id = m.getColumn(0).getInt64();
    x.in.msg.channel = m.getColumn(1).getString();
    x.in.msg.kind = kind_from(m.getColumn(2).getString());
    x.in.msg.text = m.getColumn(3).getString();
    x.in.msg.media = m.getColumn(4).getString();
    x.in.received_at = m.getColumn(5).getInt64();
    x.answered = m.getColumn(6).getInt() != 0;
    e.messages.push_back(std::move(x));
  }
  SQLite::Statement o(db_, "SELECT id, payload, status, delivery, created_at FROM outbox WHERE conv_key = ? ORDER BY id");
  o.bind(1, conv_key);
  while (o.executeStep())
    e.replies.push_back({o.getColumn(0).getInt64(), o.getColumn(1).getString(), o.getColumn(2).getString(),
                         o.getColumn(3).getString(), o.getColumn(4).getInt64()});
  SQLite::Statement t(db_, std::string(kTicketColumns) + " WHERE conv_key = ? ORDER BY id");
  t.bind(1, conv_key);
  while (t.executeStep()) e.tickets.push_back(read_ticket(t));
  return to_json(e);
}

bool SqliteStore::key_matches() {
  std::lock_guard lock(mu_);
  SQLite::Statement q(db_, "SELECT value FROM counters WHERE name = 'key_fingerprint'");
  if (q.executeStep()) return q.getColumn(0).getInt64() == keyring().fingerprint();
  SQLite::Statement r(db_, "INSERT INTO counters (name, value) VALUES ('key_fingerprint', ?)");
  r.bind(1, keyring().fingerprint());
  r.exec();
  return true;
}

int SqliteStore::rekey(const Keyring& next) {
  std::lock_guard lock(mu_);
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  std::vector<std::pair<std::string, Rekeyed>> moves;  // from key → new key and sealed address
  {
    SQLite::Statement q(db_, "SELECT key, channel, address_sealed FROM conversations");
    while (q.executeStep())
      if (auto r = rekeyed(keyring(), next, q.getColumn(1).getString(), blob(q.getColumn(2))))
        moves.emplace_back(q.getColumn(0).getString(), std::move(*r));
  }
  for (const auto& [from, to] : moves) {
    SQLite::Statement c(db_, "UPDATE conversations SET key = ?, address_sealed = ? WHERE key = ?");
    c.bind(1, to.key);
    c.bind(2, to.sealed.data(), static_cast<int>(to.sealed.size()));
    c.bind(3, from);
    c.exec();
    for (const char* sql : {"UPDATE messages SET conv_key = ?1 WHERE conv_key = ?2",
                            "UPDATE outbox SET conv_key = ?1 WHERE conv_key = ?2",
                            "UPDATE tickets SET conv_key = ?1 WHERE conv_key = ?2"}) {
      SQLite::Statement u(db_, sql);
      u.bind(1, to.key);
      u.bind(2, from);
      u.exec();
    }
  }
  std::vector<std::pair<int64_t, std::string>> unsent;
  {
    SQLite::Statement q(db_, "SELECT id, address_sealed FROM outbox WHERE address_sealed IS NOT NULL");
    while (q.executeStep())
      if (auto address = keyring().open(blob(q.getColumn(1))))
        unsent.emplace_back(q.getColumn(0).getInt64(), next.seal(*address));
  }
  for (const auto& [id, sealed] : unsent) {
    SQLite::Statement u(db_, "UPDATE outbox SET address_sealed = ? WHERE id = ?");
    u.bind(1, sealed.data(), static_cast<int>(sealed.size()));
    u.bind(2, id);
    u.exec();
  }
  SQLite::Statement f(db_, "INSERT INTO counters (name, value) VALUES ('key_fingerprint', ?1)"
                           " ON CONFLICT (name) DO UPDATE SET value = ?1");
  f.bind(1, next.fingerprint());
  f.exec();
  tx.commit();
  empty_wal();  // the old sealed addresses are not left in the log
  return static_cast<int>(moves.size());
}

int64_t SqliteStore::received_before(const std::string& conv_key, int64_t id, int64_t since_ms) {
  return read([&](StatementCache& c) {
    Reused q = c.reuse("SELECT COUNT(*) FROM messages WHERE conv_key = ? AND id < ? AND received_at > ?");
    q.bind(1, conv_key);
    q.bind(2, id);
    q.bind(3, since_ms);
    q.executeStep();
    return q.getColumn(0).getInt64();
  });
}

std::vector<int64_t> SqliteStore::commit_turn(const TurnCommit& turn) {
  std::vector<int64_t> ids;
  write_together([&] { ids = commit_turn_locked(turn); }, turn.erase);
  return ids;
}

void SqliteStore::commit_turns(const std::vector<TurnCommit>& turns) {
  if (turns.empty()) return;
  bool erased = std::any_of(turns.begin(), turns.end(), [](const TurnCommit& t) { return t.erase; });
  write_together([&] {
    for (const auto& turn : turns) commit_turn_locked(turn);
  }, erased);
}

std::vector<int64_t> SqliteStore::commit_turn_locked(const TurnCommit& turn) {
  int64_t now = now_ms();
  std::string sealed;
  {
    Reused q = reuse("SELECT address_sealed FROM conversations WHERE key = ?");
    q.bind(1, turn.conv_key);
    if (q.executeStep()) {
      const auto& col = q.getColumn(0);
      sealed.assign(static_cast<const char*>(col.getBlob()), static_cast<size_t>(col.getBytes()));
    }
  }
  if (turn.erase) {
    erase_locked(turn.conv_key);
  } else {
    for (int64_t id : turn.processed_ids) {
      Reused q = turn.forget_text ? reuse("UPDATE messages SET processed = 1, text = '' WHERE id = ?")
                                  : reuse("UPDATE messages SET processed = 1 WHERE id = ?");
      q.bind(1, id);
      q.exec();
    }
    Reused q = reuse("UPDATE conversations SET state = ?, lang = ?, status = ?, updated_at = ? WHERE key = ?");
    q.bind(1, turn.state_json);
    q.bind(2, turn.lang);
    q.bind(3, turn.status);
    q.bind(4, now);
    q.bind(5, turn.conv_key);
    q.exec();
  }
  bool ticket_exists = false;
  if (turn.open_ticket) {
    // One open ticket per conversation: a new reason only raises its priority.
    Reused q = reuse("UPDATE tickets SET priority = CASE WHEN ? = 'urgent' THEN 'urgent' ELSE priority END,"
                     " category = CASE WHEN ? <> '' THEN ? ELSE category END"
                     " WHERE conv_key = ? AND status IN ('waiting', 'assigned')");
    q.bind(1, turn.open_ticket->priority);
    q.bind(2, turn.open_ticket->category);
    q.bind(3, turn.open_ticket->category);
    q.bind(4, turn.conv_key);
    ticket_exists = q.exec() > 0;
  }
  if (turn.open_ticket && !ticket_exists) {
    const auto& t = *turn.open_ticket;
    Reused q = reuse("INSERT INTO tickets (conv_key, priority, reason, lang, channel, category, summary,"
                     " opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, turn.conv_key);
    q.bind(2, t.priority);
    q.bind(3, t.reason);
    q.bind(4, t.lang);
    q.bind(5, t.channel.empty() ? turn.channel : t.channel);
    q.bind(6, t.category);
    q.bind(7, t.summary);
    q.bind(8, now);
    q.exec();
  }
  for (const auto& u : turn.unmatched) {
    Reused q = reuse("INSERT INTO unmatched (lang, text, outcome, created_at) VALUES (?, ?, ?, ?)");
    q.bind(1, u.lang);
    q.bind(2, u.text);
    q.bind(3, u.outcome);
    q.bind(4, now);
    q.exec();
  }
  std::string day = today();
  for (const auto& a : turn.article_views) {
    Reused q = reuse("INSERT INTO article_views (day, article, lang, views) VALUES (?, ?, ?, 1)"
                     " ON CONFLICT (day, article, lang) DO UPDATE SET views = views + 1");
    q.bind(1, day);
    q.bind(2, a);
    q.bind(3, turn.lang);
    q.exec();
  }
  for (const auto& f : turn.feedback) {
    Reused q = reuse("INSERT INTO article_feedback (day, article, lang, helpful, not_helpful) VALUES (?1, ?2, ?3, ?4, 1 - ?4)"
                     " ON CONFLICT (day, article, lang) DO UPDATE SET helpful = helpful + ?4,"
                     " not_helpful = not_helpful + 1 - ?4");
    q.bind(1, day);
    q.bind(2, f.article);
    q.bind(3, turn.lang);
    q.bind(4, f.helpful ? 1 : 0);
    q.exec();
  }
  std::vector<int64_t> ids;
  for (const auto& r : turn.replies) {
    Reused q = reuse("INSERT INTO outbox (conv_key, channel, address_sealed, payload, created_at, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, turn.conv_key);
    q.bind(2, turn.channel);
    q.bind(3, sealed.data(), static_cast<int>(sealed.size()));
    q.bind(4, payload_json(r));
    q.bind(5, now);
    q.bind(6, now);
    q.exec();
    ids.push_back(db_.getLastInsertRowid());
  }
  return ids;
}

OutboxRow SqliteStore::read_outbox(SQLite::Statement& q) {
  // Columns: id, conv_key, channel, address_sealed, payload, attempts, created_at
  OutboxRow r;
  r.id = q.getColumn(0).getInt64();
  r.conv_key = q.getColumn(1).getString();
  r.channel = q.getColumn(2).getString();
  const auto& col = q.getColumn(3);
  if (!col.isNull()) {
    std::string sealed(static_cast<const char*>(col.getBlob()), static_cast<size_t>(col.getBytes()));
    r.address = keyring().open(sealed).value_or("");
  }
  r.msg = payload_from(q.getColumn(4).getString());
  r.attempts = q.getColumn(5).getInt();
  r.created_at = q.getColumn(6).getInt64();
  return r;
}

// A channel's pending replies, oldest first: the first of each conversation is its oldest unfinished one, and
// the replies after it wait for it (order) — also while it is being sent, as a claimed reply is still
// 'pending' in the file. Collects up to `limit` that are due and not claimed, and the earliest time one that
// waits for its retry becomes due (0: none). Blocked replies cost a hash lookup each: the walk reads only the
// index and three columns, where a subquery per row looked through the conversation's earlier replies.
SqliteStore::PendingWalk SqliteStore::walk_pending(StatementCache& c, const std::string& channel,
                                                   const std::unordered_set<int64_t>& claimed, std::size_t limit) {
  PendingWalk walk;
  const int64_t now = now_ms();
  std::unordered_set<std::string> seen;  // conversations whose oldest unfinished reply was passed
  Reused q = c.reuse("SELECT id, conv_key, next_attempt_at FROM outbox INDEXED BY outbox_pending"
                     " WHERE channel = ? AND status = 'pending' ORDER BY id");
  q.bind(1, channel);
  while (walk.due.size() < limit && q.executeStep()) {
    const int64_t id = q.getColumn(0).getInt64();
    if (!seen.insert(q.getColumn(1).getString()).second) continue;  // behind an unfinished reply
    if (claimed.count(id)) continue;                                 // being sent
    const int64_t at = q.getColumn(2).getInt64();
    if (at > now) {
      walk.next_at = walk.next_at == 0 ? at : std::min(walk.next_at, at);
      continue;
    }
    walk.due.push_back(id);
  }
  return walk;
}

std::vector<OutboxRow> SqliteStore::claim_due(const std::string& channel, int limit) {
  std::lock_guard claims(claims_mu_);
  std::unordered_set<int64_t>& mine = claimed_[channel];
  std::vector<OutboxRow> out = read([&](StatementCache& c) {
    std::vector<OutboxRow> rows;
    for (int64_t id : walk_pending(c, channel, mine, static_cast<std::size_t>(std::max(0, limit))).due) {
      Reused q = c.reuse("SELECT id, conv_key, channel, address_sealed, payload, attempts, created_at FROM outbox"
                         " WHERE id = ?");
      q.bind(1, id);
      if (q.executeStep()) rows.push_back(read_outbox(q.statement()));
    }
    return rows;
  });
  for (const auto& r : out) mine.insert(r.id);
  return out;
}

void SqliteStore::let_go_claims(const std::vector<int64_t>& ids) {
  std::lock_guard claims(claims_mu_);
  for (auto& [channel, set] : claimed_)
    for (int64_t id : ids) set.erase(id);
}

bool SqliteStore::claimed(int64_t id) {
  std::lock_guard claims(claims_mu_);
  for (const auto& [channel, set] : claimed_)
    if (set.count(id)) return true;
  return false;
}

void SqliteStore::mark_sent(int64_t id, const std::string& provider_message_id) {
  write_together([&] { mark_sent_locked(id, provider_message_id); });
  let_go_claims({id});
}

void SqliteStore::mark_sent_locked(int64_t id, const std::string& provider_message_id) {
  std::string channel;
  {
    Reused c = reuse("SELECT channel FROM outbox WHERE id = ?");
    c.bind(1, id);
    if (c.executeStep()) channel = c.getColumn(0).getString();
  }
  const std::string hashed = channel.empty() ? provider_message_id : hashed_id(keyring(), channel, provider_message_id);
  Reused q = reuse("UPDATE outbox SET status = 'sent', provider_msg_id = ?, address_sealed = NULL,"
                   " delivery = CASE WHEN delivery = '' THEN 'sent' ELSE delivery END, updated_at = ?"
                   " WHERE id = ?");
  q.bind(1, hashed);
  q.bind(2, now_ms());
  q.bind(3, id);
  q.exec();
  // A delivery report that came while this send was being recorded.
  Reused early = reuse("SELECT delivery, error FROM early_delivery WHERE channel = ? AND provider_msg_id = ?");
  early.bind(1, channel);
  early.bind(2, hashed);
  if (!early.executeStep()) return;
  Reused apply = reuse("UPDATE outbox SET delivery = ?1, last_error = CASE WHEN ?2 = '' THEN last_error ELSE ?2 END"
                       " WHERE id = ?3");
  apply.bind(1, early.getColumn(0).getString());
  apply.bind(2, early.getColumn(1).getString());
  apply.bind(3, id);
  apply.exec();
  Reused done = reuse("DELETE FROM early_delivery WHERE channel = ? AND provider_msg_id = ?");
  done.bind(1, channel);
  done.bind(2, hashed);
  done.exec();
}

void SqliteStore::record_outcomes(const std::vector<SendOutcome>& outcomes) {
  if (outcomes.empty()) return;
  write_together([&] {
    for (const auto& o : outcomes) {
      switch (o.kind) {
        case SendOutcome::Kind::kSent: mark_sent_locked(o.id, o.provider_message_id); break;
        case SendOutcome::Kind::kRetry: mark_retry_locked(o.id, o.next_attempt_at, o.error, true); break;
        case SendOutcome::Kind::kDead: mark_dead_locked(o.id, o.error); break;
        case SendOutcome::Kind::kHeld: mark_held_locked(o.id, o.error); break;
      }
    }
  });
  std::vector<int64_t> ids;
  for (const auto& o : outcomes) ids.push_back(o.id);
  let_go_claims(ids);
}

void SqliteStore::mark_retry(int64_t id, int64_t next_attempt_at, const std::string& error) {
  const bool attempted = claimed(id);
  write_together([&] { mark_retry_locked(id, next_attempt_at, error, attempted); });
  let_go_claims({id});
}

void SqliteStore::mark_retry_locked(int64_t id, int64_t next_attempt_at, const std::string& error, bool attempted) {
  // A claimed reply's attempt is counted here, as the claim is not written (see the header); a reply only
  // put off again (not claimed) was not attempted.
  Reused q = reuse("UPDATE outbox SET status = 'pending', attempts = attempts + ?, next_attempt_at = ?,"
                   " last_error = ?, updated_at = ? WHERE id = ?");
  q.bind(1, attempted ? 1 : 0);
  q.bind(2, next_attempt_at);
  q.bind(3, error);
  q.bind(4, now_ms());
  q.bind(5, id);
  q.exec();
}

void SqliteStore::mark_dead(int64_t id, const std::string& error) {
  write_together([&] { mark_dead_locked(id, error); });
  let_go_claims({id});
}

void SqliteStore::mark_dead_locked(int64_t id, const std::string& error) {
  Reused q = reuse("UPDATE outbox SET status = 'dead', last_error = ?, address_sealed = NULL, updated_at = ?"
                   " WHERE id = ?");
  q.bind(1, error);
  q.bind(2, now_ms());
  q.bind(3, id);
  q.exec();
  Reused c = reuse("INSERT INTO counters (name, value) VALUES ('outbox_dead', 1)"
                   " ON CONFLICT (name) DO UPDATE SET value = value + 1");
  c.exec();
}

void SqliteStore::mark_held(int64_t id, const std::string& error) {
  write_together([&] { mark_held_locked(id, error); });
  let_go_claims({id});
}

void SqliteStore::mark_held_locked(int64_t id, const std::string& error) {
  Reused q = reuse("UPDATE outbox SET status = 'held', last_error = ?, updated_at = ? WHERE id = ?");
  q.bind(1, error);
  q.bind(2, now_ms());
  q.bind(3, id);
  q.exec();
}

int SqliteStore::release_stale_claims() {
  int released = 0;
  {
    std::lock_guard claims(claims_mu_);
    for (auto& [channel, set] : claimed_) {
      released += static_cast<int>(set.size());
      set.clear();
    }
  }
  std::lock_guard lock(mu_);
  // Claims written by a release before claims were kept in memory (schema 6 and older).
  return released + db_.exec("UPDATE outbox SET status = 'pending' WHERE status = 'sending'");
}

int64_t SqliteStore::next_due_at(const std::string& channel) {
  // Replies behind one being sent wait for no time: the thread sending it claims them next.
  std::lock_guard claims(claims_mu_);
  PendingWalk walk = read([&](StatementCache& c) { return walk_pending(c, channel, claimed_[channel], 1); });
  return walk.due.empty() ? walk.next_at : 1;
}

std::vector<OutboxRow> SqliteStore::take_for_conversation(const std::string& conv_key, int64_t after_id) {
  std::lock_guard lock(mu_);
  SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
  std::vector<OutboxRow> out;
  SQLite::Statement q(db_, "SELECT id, conv_key, channel, NULL, payload, attempts, created_at FROM outbox"
                           " WHERE conv_key = ? AND id > ? AND status IN ('pending', 'sending', 'sent') ORDER BY id");
  q.bind(1, conv_key);
  q.bind(2, after_id);
  while (q.executeStep()) out.push_back(read_outbox(q));
  SQLite::Statement u(db_, "UPDATE outbox SET status = 'sent', delivery = 'delivered', address_sealed = NULL"
                           " WHERE conv_key = ? AND id > ? AND status IN ('pending', 'sending')");
  u.bind(1, conv_key);
  u.bind(2, after_id);
  u.exec();
  tx.commit();
  return out;
}

std::optional<OutboxStatus> SqliteStore::outbox_status(int64_t id) {
  auto status = read([&](StatementCache& c) -> std::optional<OutboxStatus> {
    Reused q = c.reuse("SELECT status, delivery, last_error FROM outbox WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return OutboxStatus{id, q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString()};
  });
  if (status && status->status == "pending" && claimed(id)) status->status = "sending";
  return status;
}

int64_t SqliteStore::count(const std::string& table) {
  std::lock_guard lock(mu_);
  static const char* allowed[] = {"conversations", "messages", "outbox", "tickets", "unmatched", "article_views",
                                  "article_feedback"};
  for (const char* t : allowed)
    if (table == t) return db_.execAndGet(std::string("SELECT COUNT(*) FROM ") + t).getInt64();
  return -1;
}

}  // namespace approdo
