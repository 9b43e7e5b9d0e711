// SqliteStore: the Store in one SQLite file (WAL), the embedded default for one instance.
//
// Thread-safety: any thread. Writes go through one write connection under a mutex (SQLite allows one writer
// anyway); the hot writes of concurrent callers — webhooks, dialogue turns, the outbox's claims and outcomes —
// are committed together (group commit: one transaction for many; if it fails, each alone). The hot reads go
// to a pool of read-only connections (SqliteReaders), which WAL lets read while the writer commits, and
// checkpoints run on their own thread (WalCheckpointer), never inside a commit. One instance per database
// file: `approdo serve` locks the data directory (DataDirLock). The console's part is in
// sqlite_console_store.cc.
//
// A reply being sent is claimed in memory, not in the file: with one instance, "sending" only has to keep
// this instance's other sender threads off it, and after a crash every reply not yet marked sent is sent
// again anyway (as a claim written to the file was released on start). It saves a write and a commit per
// claim. The file shows such a reply as "pending"; outbox_status and outbox_with_status say "sending".
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "bot/store/sqlite_readers.h"
#include "bot/store/store.h"
#include "bot/store/wal_checkpointer.h"

namespace approdo {

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database and applies migrations, keeping a copy of a database with data
  // as `<path>.before-v<N>` before changing its schema. Throws on failure.
  SqliteStore(const std::string& path, const Keyring& keyring);
  ~SqliteStore() override;

  static int schema_version();  // the version this build migrates to
  int current_version() override;
  bool integrity_ok() override;
  bool shared_by_instances() const override { return false; }
  RecordResult record_inbound(const std::vector<InboundMessage>& messages) override;
  std::vector<std::string> conversations_with_pending() override;
  std::vector<StoredInbound> pending_for(const std::string& conv_key) override;
  std::optional<ConversationRecord> load_conversation(const std::string& conv_key) override;
  std::vector<int64_t> commit_turn(const TurnCommit& turn) override;
  void commit_turns(const std::vector<TurnCommit>& turns) override;
  bool hold_conversation(const std::string&) override { return true; }
  void let_go_conversation(const std::string&) override {}
  std::vector<OutboxRow> claim_due(const std::string& channel, int limit) override;
  void mark_sent(int64_t id, const std::string& provider_message_id) override;
  void mark_retry(int64_t id, int64_t next_attempt_at, const std::string& error) override;
  void mark_dead(int64_t id, const std::string& error) override;
  void mark_held(int64_t id, const std::string& error) override;
  void record_outcomes(const std::vector<SendOutcome>& outcomes) override;
  int release_stale_claims() override;
  int64_t next_due_at(const std::string& channel) override;
  std::vector<OutboxRow> take_for_conversation(const std::string& conv_key, int64_t after_id) override;
  std::optional<OutboxStatus> outbox_status(int64_t id) override;
  std::vector<TicketView> open_tickets() override;
  std::optional<TicketView> ticket(int64_t id) override;
  std::optional<int64_t> caseworker_reply(int64_t ticket_id, const std::string& caseworker,
                                          const OutboundMessage& m) override;
  bool close_ticket(int64_t ticket_id, const std::string& outcome, const OutboundMessage& closing,
                    const std::string& referrals) override;
  int waiting_tickets() override;
  bool has_open_ticket(const std::string& conv_key) override;
  int erase_inactive_before(int64_t cutoff_ms) override;
  bool erase_conversation(const std::string& conv_key) override;
  std::optional<std::string> export_conversation(const std::string& conv_key) override;
  bool key_matches() override;
  int rekey(const Keyring& next) override;
  int64_t received_before(const std::string& conv_key, int64_t id, int64_t since_ms) override;
  int64_t count(const std::string& table) override;
  int64_t outbox_with_status(const std::string& status) override;

  bool add_user(const UserRecord& user) override;
  std::optional<UserRecord> user(const std::string& name) override;
  std::vector<UserRecord> users() override;
  int64_t user_count() override;
  bool set_user_disabled(const std::string& name, bool disabled) override;
  bool set_password_hash(const std::string& name, const std::string& password_hash) override;
  void add_session(const std::string& token_digest, int64_t user_id, const std::string& csrf,
                   int64_t expires_at) override;
  std::optional<SessionRecord> session(const std::string& token_digest, int64_t now_ms) override;
  void end_session(const std::string& token_digest) override;
  int64_t add_api_token(const std::string& token_digest, int64_t user_id, const std::string& label) override;
  std::optional<std::pair<UserRecord, ApiTokenRecord>> api_token_user(const std::string& token_digest) override;
  std::vector<ApiTokenRecord> api_tokens() override;
  bool revoke_api_token(int64_t id) override;
  bool claim_ticket(int64_t ticket_id, const std::string& user) override;
  bool release_ticket(int64_t ticket_id) override;
  bool transfer_ticket(int64_t ticket_id, const std::string& to_user) override;
  int64_t add_note(int64_t ticket_id, const std::string& author, const std::string& text) override;
  std::vector<TicketNote> notes(int64_t ticket_id) override;
  std::vector<HistoryEntry> history(const std::string& conv_key, int limit) override;
  std::string console_revision() override;
  void audit(const std::string& actor, const std::string& action, int64_t ticket_id,
             const std::string& detail) override;
  std::vector<AuditEntry> audit_log(int64_t ticket_id, int limit) override;
  CaseStats case_stats() override;
  std::vector<UnmatchedRecord> unmatched_since(int64_t since_ms) override;
  std::vector<ArticleUsage> article_usage_since(const std::string& since_day) override;
  std::vector<CaseRecord> cases_opened_since(int64_t since_ms) override;

 private:
  // The writer's statements (see StatementCache). `sql` must be a string literal (it is the cache key). Caller
  // holds mu_.
  Reused reuse(std::string_view sql) { return statements_.reuse(sql); }

  // Group commit for the hot writes (webhooks recorded, dialogue turns saved, the outbox claimed and its
  // outcomes): callers queue; the one at the front runs every queued write in one transaction and wakes
  // the others, so N writers pay one commit. A caller returns once its write is committed; if the batch
  // fails, each write is tried alone so one that cannot be saved fails only its caller. `write` runs on the
  // leader's thread, under mu_; `empty_wal_after`: the write erased personal data (see empty_wal).
  // Runs `read(StatementCache&)` on a reader connection (the writer's, under mu_, for a database without a
  // file, which other connections cannot open).
  template <class Read>
  auto read(Read&& read) {
    if (readers_) return readers_->with(read);
    std::lock_guard lock(mu_);
    return read(statements_);
  }

  struct QueuedWrite;
  void write_together(const std::function<void()>& write, bool empty_wal_after = false);
  void commit_batch(const std::vector<QueuedWrite*>& batch);
  void migrate();
  // The outbox outcomes' statements; caller holds mu_ inside a transaction.
  void mark_sent_locked(int64_t id, const std::string& provider_message_id);
  void mark_retry_locked(int64_t id, int64_t next_attempt_at, const std::string& error, bool attempted);
  void mark_dead_locked(int64_t id, const std::string& error);
  void mark_held_locked(int64_t id, const std::string& error);
  RecordResult record_locked(const std::vector<InboundMessage>& messages);
  std::vector<int64_t> commit_turn_locked(const TurnCommit& turn);
  void erase_locked(const std::string& conv_key);
  void empty_wal();
  OutboxRow read_outbox(SQLite::Statement& q);

  struct PendingWalk {
    std::vector<int64_t> due;  // oldest first
    int64_t next_at = 0;
  };
  PendingWalk walk_pending(StatementCache& c, const std::string& channel, const std::unordered_set<int64_t>& claimed,
                           std::size_t limit);
  // Claimed replies are let go once their outcome is committed (not before: a claim reading the file
  // before that commit would find the reply still due and send it again).
  void let_go_claims(const std::vector<int64_t>& ids);
  bool claimed(int64_t id);

  std::mutex writers_mu_;              // guards writers_ only; never held while waiting for the database
  std::deque<QueuedWrite*> writers_;  // write_together callers, the front one commits for the queue
  std::mutex mu_;                      // the write connection and its statements
  // Replies being sent, by channel. claims_mu_ is held across a claim's read of the file, so an outcome
  // committed meanwhile cannot be let go between that read and the check against this set.
  std::mutex claims_mu_;
  std::unordered_map<std::string, std::unordered_set<int64_t>> claimed_;
  SQLite::Database db_;  // declared before statements (they must die first)
  StatementCache statements_;  // under mu_
  // Declared after db_, so they close first and the writer is the last connection (it then removes the WAL).
  std::unique_ptr<SqliteReaders> readers_;
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

}  // namespace approdo
