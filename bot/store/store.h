// Store: everything Approdo keeps, behind one interface; bot/store/ is the only place that speaks SQL.
//
// Thread-safety: a Store may be called from any thread. Each public call is one transaction, so a
// conversation step (new state + replies + ticket) is saved whole or not at all. Errors: database failures
// throw (SQLite::Exception, pqxx::failure: both std::exception; the caller answers 503 and the provider
// retries); see README "Errors".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/core/message.h"
#include "bot/store/keyring.h"

namespace approdo {

int64_t now_ms();

// A received message waiting for (or done with) the dialogue.
struct StoredInbound {
  int64_t id = 0;
  std::string conv_key;
  InboundMessage msg;  // address is not filled in (it lives sealed in the conversation)
  int64_t received_at = 0;
};

struct ConversationRecord {
  std::string key, channel, state_json, lang, status;  // status: "bot", "handoff", "stopped"
  bool blocked = false;  // the person blocked the bot on their channel
  int64_t created_at = 0, updated_at = 0;
};

struct TicketRequest {
  std::string reason;    // "asked", "misses", "urgent", "media"
  std::string priority;  // "urgent" or "normal"
  std::string lang, channel, category;  // channel "" = the conversation's
  std::string summary;   // what triggered it, for the caseworker (may hold the person's words)
};

struct UnmatchedQuestion {
  std::string lang, text, outcome;  // outcome: "no_match" or "close_call"; text is scrubbed by the caller
};

// Everything one conversation step changes, saved in one transaction.
struct TurnCommit {
  std::string conv_key, channel;
  std::vector<int64_t> processed_ids;
  std::string state_json, lang, status;
  std::vector<OutboundMessage> replies;
  std::optional<TicketRequest> open_ticket;
  std::vector<UnmatchedQuestion> unmatched;
  std::vector<std::string> article_views;  // article ids answered in `lang`
  bool erase = false;  // delete everything about the person first; replies are still sent
};

struct OutboxRow {
  int64_t id = 0;
  std::string conv_key, channel, address;  // address opened from its sealed copy
  OutboundMessage msg;
  int attempts = 0;
  int64_t created_at = 0;
};

struct OutboxStatus {
  int64_t id = 0;
  std::string status;           // "pending", "sending", "sent", "failed", "dead", "held"
  std::string delivery;         // provider delivery status: "", "sent", "delivered", "read", "failed"
  std::string error;
};

// A ticket as the caseworker queue shows it. Urgent first, then the longest wait.
struct TicketView {
  int64_t id = 0;
  std::string conv_key, status, priority, reason, lang, channel, category, summary, assigned_to;
  int64_t opened_at = 0;
};

struct RecordResult {
  int inserted = 0;   // new messages
  int duplicates = 0; // already seen (provider retry)
  std::vector<std::string> conv_keys;  // conversations with new work, in order of first appearance
};

// The store's interface: what the rest of Approdo may ask of the database. Two backends implement it, each
// with its own SQL: SqliteStore (bot/store/sqlite_store.h, the embedded default, one instance) and PgStore
// (bot/store/pg_store.h, PostgreSQL, several instances sharing one database). Opened by App from the
// config's `store` key.
class Store {
 public:
  explicit Store(const Keyring& keyring) : keyring_(keyring) {}
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  virtual int current_version() = 0;  // the schema version the database is at
  virtual bool integrity_ok() = 0;

  // Records messages from one webhook in one transaction. Duplicates (same channel + provider id) are
  // skipped; status updates are applied to the outbox; blocked/unblocked update the conversation.
  virtual RecordResult record_inbound(const std::vector<InboundMessage>& messages) = 0;

  virtual std::vector<std::string> conversations_with_pending() = 0;
  virtual std::vector<StoredInbound> pending_for(const std::string& conv_key) = 0;
  virtual std::optional<ConversationRecord> load_conversation(const std::string& conv_key) = 0;
  // Returns the ids of the outbox rows created, in order.
  virtual std::vector<int64_t> commit_turn(const TurnCommit& turn) = 0;

  // The dialogue worker holds a conversation while it answers it, from the calling thread: with several
  // instances on one database only one of them answers a conversation at a time. False when another
  // instance holds it (that one answers everything pending before it lets go). One instance: always true.
  virtual bool hold_conversation(const std::string& conv_key) = 0;
  virtual void let_go_conversation(const std::string& conv_key) = 0;

  // Outbox, for the channel's sender. Claims at most `limit` due rows, the oldest unsent row of each
  // conversation only (per-conversation order), marking them "sending".
  virtual std::vector<OutboxRow> claim_due(const std::string& channel, int limit) = 0;
  virtual void mark_sent(int64_t id, const std::string& provider_message_id) = 0;
  virtual void mark_retry(int64_t id, int64_t next_attempt_at, const std::string& error) = 0;
  virtual void mark_dead(int64_t id, const std::string& error) = 0;
  virtual void mark_held(int64_t id, const std::string& error) = 0;  // e.g. WhatsApp 24-hour window: kept for a caseworker
  // After a restart: claims this instance can no longer be sending → "pending" (SQLite: all of them;
  // PostgreSQL: those whose lease ran out, as other instances may be sending theirs).
  virtual void release_stale_claims() = 0;
  virtual int64_t next_due_at(const std::string& channel) = 0;  // 0 when nothing waits
  // Pull delivery (web chat): rows after `after_id` for one conversation, marked sent.
  virtual std::vector<OutboxRow> take_for_conversation(const std::string& conv_key, int64_t after_id) = 0;
  virtual std::optional<OutboxStatus> outbox_status(int64_t id) = 0;

  // The caseworker queue: open tickets (waiting or assigned), urgent first, then oldest first.
  virtual std::vector<TicketView> open_tickets() = 0;
  virtual std::optional<TicketView> ticket(int64_t id) = 0;
  // A caseworker's reply: queued for the person's channel like any reply; the ticket becomes "assigned" to
  // `caseworker` and its first response time is recorded. Returns the outbox id, or nullopt when the ticket
  // is not open (or the person erased their data).
  virtual std::optional<int64_t> caseworker_reply(int64_t ticket_id, const std::string& caseworker,
                                                  const OutboundMessage& m) = 0;
  // Closes the ticket with an outcome, gives the conversation back to the bot and queues `closing` (what the
  // bot tells the person). False when the ticket is not open.
  virtual bool close_ticket(int64_t ticket_id, const std::string& outcome, const OutboundMessage& closing) = 0;

  // Tickets waiting for a caseworker (not yet picked up), and whether `conv_key` has one open.
  virtual int waiting_tickets() = 0;
  virtual bool has_open_ticket(const std::string& conv_key) = 0;

  // Retention: erases every conversation not active since `cutoff_ms` that has no open ticket (a person
  // waiting for a caseworker is never erased by time). Returns how many were erased.
  virtual int erase_inactive_before(int64_t cutoff_ms) = 0;

  // Erases everything about one conversation (messages, state, tickets' personal content, outbox).
  virtual void erase_conversation(const std::string& conv_key) = 0;

  // Counts for tests and metrics.
  virtual int64_t count(const std::string& table) = 0;
  virtual int64_t outbox_with_status(const std::string& status) = 0;  // e.g. "dead": replies that could not be delivered

  const Keyring& keyring() const { return keyring_; }

 private:
  const Keyring keyring_;
};

}  // namespace approdo
