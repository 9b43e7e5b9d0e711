// Store: everything Approdo keeps, in one SQLite file (WAL). The only place that speaks SQL.
//
// Thread-safety: a Store may be called from any thread. Writes go through one write connection under a
// mutex (SQLite allows one writer anyway); each public call is one transaction, so a conversation step
// (new state + replies + ticket) is saved whole or not at all. Errors: SQLite failures throw
// SQLite::Exception (the caller answers 503 and the provider retries); see README "Errors".
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
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

class Store {
 public:
  // Opens (creating if needed) the database and applies migrations. Throws on failure.
  Store(const std::string& path, const Keyring& keyring);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  static int schema_version();  // the version this build migrates to
  int current_version();
  bool integrity_ok();

  // Records messages from one webhook; returns once they are committed. Concurrent calls are committed
  // together (group commit: one transaction for many webhooks; if it fails, each webhook alone). Duplicates
  // (same channel + provider id) are skipped; status updates are applied to the outbox; blocked/unblocked
  // update the conversation.
  RecordResult record_inbound(const std::vector<InboundMessage>& messages);

  std::vector<std::string> conversations_with_pending();
  std::vector<StoredInbound> pending_for(const std::string& conv_key);
  std::optional<ConversationRecord> load_conversation(const std::string& conv_key);
  // Returns the ids of the outbox rows created, in order.
  std::vector<int64_t> commit_turn(const TurnCommit& turn);
  // Several turns (of one or many conversations, in order) in one transaction: all saved or none.
  void commit_turns(const std::vector<TurnCommit>& turns);

  // Outbox, for the channel's sender. Claims at most `limit` due rows, the oldest unsent row of each
  // conversation only (per-conversation order), marking them "sending".
  std::vector<OutboxRow> claim_due(const std::string& channel, int limit);
  void mark_sent(int64_t id, const std::string& provider_message_id);
  void mark_retry(int64_t id, int64_t next_attempt_at, const std::string& error);
  void mark_dead(int64_t id, const std::string& error);
  void mark_held(int64_t id, const std::string& error);  // e.g. WhatsApp 24-hour window: kept for a caseworker
  void release_stale_claims();  // after a restart: "sending" → "pending"
  int64_t next_due_at(const std::string& channel);  // 0 when nothing waits
  // Pull delivery (web chat): rows after `after_id` for one conversation, marked sent.
  std::vector<OutboxRow> take_for_conversation(const std::string& conv_key, int64_t after_id);
  std::optional<OutboxStatus> outbox_status(int64_t id);

  // The caseworker queue: open tickets (waiting or assigned), urgent first, then oldest first.
  std::vector<TicketView> open_tickets();
  std::optional<TicketView> ticket(int64_t id);
  // A caseworker's reply: queued for the person's channel like any reply; the ticket becomes "assigned" to
  // `caseworker` and its first response time is recorded. Returns the outbox id, or nullopt when the ticket
  // is not open (or the person erased their data).
  std::optional<int64_t> caseworker_reply(int64_t ticket_id, const std::string& caseworker, const OutboundMessage& m);
  // Closes the ticket with an outcome, gives the conversation back to the bot and queues `closing` (what the
  // bot tells the person). False when the ticket is not open.
  bool close_ticket(int64_t ticket_id, const std::string& outcome, const OutboundMessage& closing);

  // Tickets waiting for a caseworker (not yet picked up), and whether `conv_key` has one open.
  int waiting_tickets();
  bool has_open_ticket(const std::string& conv_key);

  // Retention: erases every conversation not active since `cutoff_ms` that has no open ticket (a person
  // waiting for a caseworker is never erased by time). Returns how many were erased.
  int erase_inactive_before(int64_t cutoff_ms);

  // Erases everything about one conversation (messages, state, tickets' personal content, outbox).
  void erase_conversation(const std::string& conv_key);

  // Counts for tests and metrics.
  int64_t count(const std::string& table);
  int64_t outbox_with_status(const std::string& status);  // e.g. "dead": replies that could not be delivered

  const Keyring& keyring() const { return keyring_; }

 private:
  // A statement prepared once and kept for the connection's life (parsing SQL cost more than running it on
  // the hot paths). Reset when the handle goes out of scope, so no read snapshot stays open. Caller holds mu_.
  class Reused {
   public:
    explicit Reused(SQLite::Statement& s) : s_(s) {}
    ~Reused() {
      s_.tryReset();
      try {
        s_.clearBindings();
      } catch (const std::exception&) {  // cannot fail on a reset statement; never throw from here
      }
    }
    Reused(const Reused&) = delete;
    Reused& operator=(const Reused&) = delete;
    template <class... Args>
    void bind(Args&&... args) { s_.bind(std::forward<Args>(args)...); }
    int exec() { return s_.exec(); }
    bool executeStep() { return s_.executeStep(); }
    SQLite::Column getColumn(int i) const { return s_.getColumn(i); }
    SQLite::Statement& statement() { return s_; }

   private:
    SQLite::Statement& s_;
  };
  Reused reuse(std::string_view sql);  // `sql` must be a string literal (it is the cache key)

  struct InboundWriter;  // one caller of record_inbound waiting in the group-commit queue
  void migrate();
  void commit_inbound(const std::vector<InboundWriter*>& batch);
  RecordResult record_locked(const std::vector<InboundMessage>& messages);
  std::vector<int64_t> commit_turn_locked(const TurnCommit& turn);
  void erase_locked(const std::string& conv_key);
  OutboxRow read_outbox(SQLite::Statement& q);

  const Keyring keyring_;
  std::mutex writers_mu_;               // guards writers_ only; never held while waiting for the database
  std::deque<InboundWriter*> writers_;  // record_inbound callers, the front one commits for the queue
  std::mutex mu_;
  SQLite::Database db_;  // declared before statements (they must die first)
  std::unordered_map<std::string_view, std::unique_ptr<SQLite::Statement>> reused_;  // see reuse(); under mu_
};

}  // namespace approdo
