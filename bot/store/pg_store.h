// PgStore: the Store in PostgreSQL, for several `approdo serve` instances sharing one database behind a load
// balancer (config `store: postgresql://...`). What makes that safe is in the database, not in any process:
// - a provider's retry reaching either instance is recorded once (UNIQUE (channel, provider_id));
// - a conversation is answered by one instance at a time (hold_conversation: a session advisory lock);
//   a turn whose messages another instance already answered is refused whole;
// - each reply is sent by one instance (claim_due: FOR UPDATE SKIP LOCKED, in per-conversation order);
//   a claim whose instance died is given back after a lease.
//
// Thread-safety: any thread. Each thread gets its own connection, made on its first call and kept (an
// advisory lock belongs to a connection, so the thread that holds a conversation must let it go). Errors:
// pqxx::failure (a std::exception) on any database failure, as SQLite errors elsewhere.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "bot/store/store.h"

namespace pqxx {
class connection_base;
}

namespace approdo {

class PgStore final : public Store {
 public:
  // Connects to `url` (postgresql://user:password@host:port/database) and applies migrations (under a lock,
  // so instances starting together migrate once). Throws on failure.
  PgStore(const std::string& url, const Keyring& keyring);
  ~PgStore() override;

  static int schema_version();
  // How long a claimed reply stays "sending" before another instance may send it (its instance died).
  static constexpr int64_t kClaimLeaseMs = 120'000;

  int current_version() override;
  bool integrity_ok() override;
  bool shared_by_instances() const override { return true; }
  RecordResult record_inbound(const std::vector<InboundMessage>& messages) override;
  std::vector<std::string> conversations_with_pending() override;
  std::vector<StoredInbound> pending_for(const std::string& conv_key) override;
  std::optional<ConversationRecord> load_conversation(const std::string& conv_key) override;
  std::vector<int64_t> commit_turn(const TurnCommit& turn) override;
  void commit_turns(const std::vector<TurnCommit>& turns) override;
  bool hold_conversation(const std::string& conv_key) override;
  void let_go_conversation(const std::string& conv_key) override;
  std::vector<OutboxRow> claim_due(const std::string& channel, int limit) override;
  void mark_sent(int64_t id, const std::string& provider_message_id) override;
  void mark_retry(int64_t id, int64_t next_attempt_at, const std::string& error) override;
  void mark_dead(int64_t id, const std::string& error) override;
  void mark_held(int64_t id, const std::string& error) override;
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

  // The caseworker console (pg_console_store.cc).
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
  pqxx::connection_base& connection();  // this thread's
  void migrate();

  const std::string url_;
  std::mutex mu_;  // guards connections_
  // Deletes a connection as the pqxx::connection it is: pqxx 6's connection_base has no virtual destructor,
  // and deleting through it would never close the connection.
  struct CloseConnection {
    void operator()(pqxx::connection_base* c) const;
  };
  std::map<std::thread::id, std::unique_ptr<pqxx::connection_base, CloseConnection>> connections_;
};

}  // namespace approdo
