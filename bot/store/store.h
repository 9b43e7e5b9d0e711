// Store: everything Approdo keeps, in one SQLite file (WAL). The only place that speaks SQL.
//
// Thread-safety: a Store may be called from any thread. Writes go through one write connection under a
// mutex (SQLite allows one writer anyway); each public call is one transaction, so a conversation step
// (new state + replies + ticket) is saved whole or not at all. Errors: SQLite failures throw
// SQLite::Exception (the caller answers 503 and the provider retries); see README "Errors".
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <cstddef>
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

// Inbound text is kept at most this long (cut on a code point): a 100 KB message is stored as its prefix.
inline constexpr std::size_t kMaxStoredTextBytes = 4096;

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
  bool forget_text = false;  // the processed messages' text is not kept (a flood that was not answered)
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
  int64_t first_response_at = 0, closed_at = 0;  // 0: not yet
  std::string outcome, referrals;                // set when closed; referrals comma-separated
};

// People who use the caseworker console (see bot/access/role.h for what each role may do).
struct UserRecord {
  int64_t id = 0;
  std::string name, role;
  std::vector<std::string> languages;
  std::string password_hash;
  bool disabled = false;
  int64_t created_at = 0;
};

// A logged-in browser: its user and the CSRF token its page must send with every change.
struct SessionRecord {
  UserRecord user;
  std::string csrf;
  int64_t expires_at = 0;
};

struct ApiTokenRecord {
  int64_t id = 0;
  std::string user, label;
  int64_t created_at = 0;
  bool revoked = false;
};

struct TicketNote {
  int64_t id = 0;
  std::string author, text;
  int64_t created_at = 0;
};

// One line of a conversation as the console shows it: what the person wrote ("in") or what went to them
// ("out": the bot's replies with their source, e.g. "article:asylum-appeal", or a caseworker's) with its
// delivery state.
struct HistoryEntry {
  std::string direction;  // "in" or "out"
  int64_t id = 0;         // message id or outbox id
  int64_t at = 0;
  std::string kind;       // in: text, choice, media
  std::string text, source;
  std::string status, delivery, error;  // out only
};

struct AuditEntry {
  int64_t id = 0, at = 0;
  std::string actor, action;
  int64_t ticket_id = 0;  // 0: not about a ticket
  std::string detail;
};

// Anonymous counts of closed cases, for monitoring how children's rights are respected.
struct CaseStats {
  std::vector<std::pair<std::string, int64_t>> outcomes, referrals;
  int64_t closed = 0;
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
  // After a restart: "sending" → "pending". Returns how many rows were mid-send when the last run stopped:
  // the provider may or may not have accepted them (no provider offers an idempotency key), so they are
  // sent again and a person may, rarely, get one reply twice rather than never.
  int release_stale_claims();
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
  bool close_ticket(int64_t ticket_id, const std::string& outcome, const OutboundMessage& closing,
                    const std::string& referrals = "");

  // Tickets waiting for a caseworker (not yet picked up), and whether `conv_key` has one open.
  int waiting_tickets();
  bool has_open_ticket(const std::string& conv_key);

  // Retention: erases every conversation not active since `cutoff_ms` that has no open ticket (a person
  // waiting for a caseworker is never erased by time). Returns how many were erased.
  int erase_inactive_before(int64_t cutoff_ms);

  // Erases everything about one conversation (messages, state, tickets' personal content, outbox).
  // Returns false when there was nothing to erase. Erased bytes are overwritten in the database file and the
  // write-ahead log is emptied, so the erased text cannot be read back from the disk either.
  bool erase_conversation(const std::string& conv_key);

  // An access request: everything kept about one conversation as JSON text (conversation, messages,
  // tickets, replies; the address opened), or nullopt when there is none.
  std::optional<std::string> export_conversation(const std::string& conv_key);

  // Whether this store's keys are the ones the database was written with (their fingerprint is recorded on
  // first use). False means a wrong APPRODO_SECRET_KEY or key file: nothing could be read or found.
  bool key_matches();
  // Key rotation: re-keys every conversation (new HMAC key, address sealed again) and every unsent reply
  // under `next`, in one transaction, and records its fingerprint. Afterwards only a Store opened with `next`
  // may use the database. Returns how many conversations were re-keyed.
  int rekey(const Keyring& next);

  // How many messages of `conv_key` arrived after `since_ms` and before message `id` (flood throttling).
  int64_t received_before(const std::string& conv_key, int64_t id, int64_t since_ms);

  // Counts for tests and metrics.
  int64_t count(const std::string& table);
  int64_t outbox_with_status(const std::string& status);  // e.g. "dead": replies that could not be delivered

  const Keyring& keyring() const { return keyring_; }

  // ---- The caseworker console (bot/store/console_store.cc) ----
  // Users. add_user returns false when the name is taken.
  bool add_user(const UserRecord& user);
  std::optional<UserRecord> user(const std::string& name);
  std::vector<UserRecord> users();
  int64_t user_count();
  // Disabling also ends the user's sessions and revokes their API tokens. False when there is no such user.
  bool set_user_disabled(const std::string& name, bool disabled);
  bool set_password_hash(const std::string& name, const std::string& password_hash);  // ends sessions too

  // Sessions, keyed by the digest of the cookie (see bot/access/secret_token.h). A session of a disabled
  // user, or an expired one, is not found.
  void add_session(const std::string& token_digest, int64_t user_id, const std::string& csrf, int64_t expires_at);
  std::optional<SessionRecord> session(const std::string& token_digest, int64_t now_ms);
  void end_session(const std::string& token_digest);

  // API tokens for integrations, acting as their user.
  int64_t add_api_token(const std::string& token_digest, int64_t user_id, const std::string& label);
  std::optional<std::pair<UserRecord, ApiTokenRecord>> api_token_user(const std::string& token_digest);
  std::vector<ApiTokenRecord> api_tokens();
  bool revoke_api_token(int64_t id);

  // Ticket work. Each returns false when the ticket is not in a state that allows it (closed, or not
  // waiting for claim); the caller checks who may do what.
  bool claim_ticket(int64_t ticket_id, const std::string& user);      // waiting → assigned to user
  bool release_ticket(int64_t ticket_id);                             // assigned → waiting
  bool transfer_ticket(int64_t ticket_id, const std::string& to_user);  // open → assigned to to_user
  int64_t add_note(int64_t ticket_id, const std::string& author, const std::string& text);
  std::vector<TicketNote> notes(int64_t ticket_id);
  // The whole conversation behind a ticket, oldest first (at most `limit` newest entries).
  std::vector<HistoryEntry> history(const std::string& conv_key, int limit);
  // Changes whenever anything the console shows may have changed (messages, replies, delivery, notes, open
  // tickets' state and assignment, closings) — and not when someone merely looked.
  std::string console_revision();

  void audit(const std::string& actor, const std::string& action, int64_t ticket_id, const std::string& detail);
  std::vector<AuditEntry> audit_log(int64_t ticket_id, int limit);  // ticket_id 0: every entry
  CaseStats case_stats();

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
  void empty_wal();
  OutboxRow read_outbox(SQLite::Statement& q);

  const Keyring keyring_;
  std::mutex writers_mu_;               // guards writers_ only; never held while waiting for the database
  std::deque<InboundWriter*> writers_;  // record_inbound callers, the front one commits for the queue
  std::mutex mu_;
  SQLite::Database db_;  // declared before statements (they must die first)
  std::unordered_map<std::string_view, std::unique_ptr<SQLite::Statement>> reused_;  // see reuse(); under mu_
};

}  // namespace approdo
