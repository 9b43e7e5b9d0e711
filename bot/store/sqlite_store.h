// SqliteStore: the Store in one SQLite file (WAL), the embedded default for one instance.
//
// Thread-safety: any thread. Writes go through one write connection under a mutex (SQLite allows one writer
// anyway). One instance per database file: `approdo serve` locks the data directory (DataDirLock).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <mutex>

#include "bot/store/store.h"

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

  RecordResult record_inbound(const std::vector<InboundMessage>& messages) override;

  std::vector<std::string> conversations_with_pending() override;
  std::vector<StoredInbound> pending_for(const std::string& conv_key) override;
  std::optional<ConversationRecord> load_conversation(const std::string& conv_key) override;
  std::vector<int64_t> commit_turn(const TurnCommit& turn) override;
  // One instance: the dialogue workers' sharding already keeps a conversation on one thread.
  bool hold_conversation(const std::string&) override { return true; }
  void let_go_conversation(const std::string&) override {}

  std::vector<OutboxRow> claim_due(const std::string& channel, int limit) override;
  void mark_sent(int64_t id, const std::string& provider_message_id) override;
  void mark_retry(int64_t id, int64_t next_attempt_at, const std::string& error) override;
  void mark_dead(int64_t id, const std::string& error) override;
  void mark_held(int64_t id, const std::string& error) override;
  void release_stale_claims() override;  // after a restart: "sending" → "pending"
  int64_t next_due_at(const std::string& channel) override;
  std::vector<OutboxRow> take_for_conversation(const std::string& conv_key, int64_t after_id) override;
  std::optional<OutboxStatus> outbox_status(int64_t id) override;

  std::vector<TicketView> open_tickets() override;
  std::optional<TicketView> ticket(int64_t id) override;
  std::optional<int64_t> caseworker_reply(int64_t ticket_id, const std::string& caseworker,
                                          const OutboundMessage& m) override;
  bool close_ticket(int64_t ticket_id, const std::string& outcome, const OutboundMessage& closing) override;

  int waiting_tickets() override;
  bool has_open_ticket(const std::string& conv_key) override;

  int erase_inactive_before(int64_t cutoff_ms) override;

  void erase_conversation(const std::string& conv_key) override;

  int64_t count(const std::string& table) override;
  int64_t outbox_with_status(const std::string& status) override;

 private:
  void migrate();
  void erase_locked(const std::string& conv_key);
  OutboxRow read_outbox(SQLite::Statement& q);

  std::mutex mu_;
  SQLite::Database db_;  // declared before statements (they must die first)
};

}  // namespace approdo
