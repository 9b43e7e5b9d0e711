// Store: everything Approdo keeps, behind one interface; bot/store/ is the only place that speaks SQL.
//
// Thread-safety: a Store may be called from any thread. Each public call is one transaction, so a
// conversation step (new state + replies + ticket) is saved whole or not at all. Errors: database failures
// throw (SQLite::Exception, pqxx::failure: both std::exception; the caller answers 503 and the provider
// retries); see README "Errors".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bot/core/message.h"
#include "bot/store/keyring.h"

namespace approdo {

int64_t now_ms();

// Inbound text is kept at most this long (cut on a code point): a 100 KB message is stored as its prefix.
inline constexpr std::size_t kMaxStoredTextBytes = 4096;

// A delivery report for a message id no reply of ours has is kept this long for its reply to be recorded.
inline constexpr int64_t kEarlyDeliveryKeptMs = 24 * 3600 * 1000;

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

// A person's one-tap answer to "did this help?" after an article (counted per day, article and language;
// never linked to the person).
struct ArticleFeedback {
  std::string article;
  bool helpful = false;
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
  std::vector<ArticleFeedback> feedback;   // in `lang`
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

// What became of one claimed reply: the channel's sender records its sends together (Store::record_outcomes).
struct SendOutcome {
  enum class Kind { kSent, kRetry, kDead, kHeld };
  int64_t id = 0;
  Kind kind = Kind::kSent;
  std::string provider_message_id;  // kSent
  int64_t next_attempt_at = 0;      // kRetry
  std::string error;                // kRetry, kDead, kHeld
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

// What the reports read (bot/report/): anonymous rows, never a conversation key, an address or a summary.
struct UnmatchedRecord {
  std::string lang, text, outcome;  // as UnmatchedQuestion
  int64_t at = 0;
};
struct ArticleUsage {  // summed over the days asked for
  std::string article, lang;
  int64_t views = 0, helpful = 0, not_helpful = 0;
};
struct CaseRecord {  // one ticket
  int64_t opened_at = 0, first_response_at = 0, closed_at = 0;  // 0: not yet
  std::string priority, reason, lang, channel, category, outcome, referrals;  // as TicketView
};

struct RecordResult {
  int inserted = 0;   // new messages
  int duplicates = 0; // already seen (provider retry)
  std::vector<std::string> conv_keys;  // conversations with new work, in order of first appearance
};

// The store's interface: what the rest of Approdo may ask of the database. Two backends implement it, each
// with its own SQL and the same behaviour (bot/store/store_contract_test.cc runs the same tests on both):
// SqliteStore (bot/store/sqlite_store.h, the embedded default, one instance) and PgStore
// (bot/store/pg_store.h, PostgreSQL, several instances sharing one database). Opened by open_store()
// (bot/app/open_store.h) from the config's `store` key. Both number their schema versions alike.
class Store {
 public:
  explicit Store(const Keyring& keyring) : keyring_(keyring) {}
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  virtual int current_version() = 0;  // the schema version the database is at
  virtual bool integrity_ok() = 0;
  // Whether other processes may change this database while it is open (several instances on PostgreSQL):
  // then what this instance did not write itself it must look for.
  virtual bool shared_by_instances() const = 0;

  // Records messages from one webhook; returns once they are committed (SQLite commits concurrent calls
  // together). Duplicates (same channel + provider id, even from two instances at once) are skipped; status
  // updates are applied to the outbox; blocked/unblocked update the conversation.
  virtual RecordResult record_inbound(const std::vector<InboundMessage>& messages) = 0;

  virtual std::vector<std::string> conversations_with_pending() = 0;
  virtual std::vector<StoredInbound> pending_for(const std::string& conv_key) = 0;
  virtual std::optional<ConversationRecord> load_conversation(const std::string& conv_key) = 0;
  // Returns the ids of the outbox rows created, in order.
  virtual std::vector<int64_t> commit_turn(const TurnCommit& turn) = 0;
  // Several turns (of one or many conversations, in order) in one transaction: all saved or none.
  virtual void commit_turns(const std::vector<TurnCommit>& turns) = 0;

  // The dialogue worker holds a conversation while it answers it, from the calling thread, until it lets go
  // from the same thread: with several instances on one database only one of them answers a conversation
  // at a time. False when another instance holds it. One instance: always true. let_go never throws.
  virtual bool hold_conversation(const std::string& conv_key) = 0;
  virtual void let_go_conversation(const std::string& conv_key) = 0;

  // Outbox, for the channel's sender. Claims at most `limit` due rows, the oldest unsent row of each
  // conversation only (per-conversation order), marking them "sending".
  virtual std::vector<OutboxRow> claim_due(const std::string& channel, int limit) = 0;
  virtual void mark_sent(int64_t id, const std::string& provider_message_id) = 0;
  virtual void mark_retry(int64_t id, int64_t next_attempt_at, const std::string& error) = 0;
  virtual void mark_dead(int64_t id, const std::string& error) = 0;
  // e.g. WhatsApp's 24-hour window: kept for a caseworker.
  virtual void mark_held(int64_t id, const std::string& error) = 0;
  // Each outcome as the mark_* above would record it; SQLite commits them in one transaction. A delivery
  // report that arrived before its reply was marked sent (the provider answers the send, then reports at
  // once, while the sender is still sending the rest of its batch) was kept, and is applied by mark_sent.
  virtual void record_outcomes(const std::vector<SendOutcome>& outcomes);
  // After a restart: "sending" → "pending" (SQLite: all of them; PostgreSQL: those whose lease ran out, as
  // other instances may be sending theirs). Returns how many rows were mid-send when the last run stopped:
  // the provider may or may not have accepted them (no provider offers an idempotency key), so they are
  // sent again and a person may, rarely, get one reply twice rather than never.
  virtual int release_stale_claims() = 0;
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
  // `referrals`: comma-separated services the person was sent to.
  virtual bool close_ticket(int64_t ticket_id, const std::string& outcome, const OutboundMessage& closing,
                            const std::string& referrals) = 0;

  // Tickets waiting for a caseworker (not yet picked up), and whether `conv_key` has one open.
  virtual int waiting_tickets() = 0;
  virtual bool has_open_ticket(const std::string& conv_key) = 0;

  // Retention: erases every conversation not active since `cutoff_ms` that has no open ticket (a person
  // waiting for a caseworker is never erased by time), and the gap report's questions asked before it (people's
  // words, though anonymised). Returns how many conversations were erased.
  virtual int erase_inactive_before(int64_t cutoff_ms) = 0;

  // Erases everything about one conversation (messages, state, tickets' personal content, outbox).
  // Returns false when there was nothing to erase. SQLite: erased bytes are overwritten in the database
  // file and the write-ahead log is emptied, so the erased text cannot be read back from the disk either;
  // PostgreSQL: see deploy/README.md (VACUUM).
  virtual bool erase_conversation(const std::string& conv_key) = 0;

  // An access request: everything kept about one conversation as JSON text (conversation, messages,
  // tickets, replies; the address opened), or nullopt when there is none.
  virtual std::optional<std::string> export_conversation(const std::string& conv_key) = 0;

  // Whether this store's keys are the ones the database was written with (their fingerprint is recorded on
  // first use). False means a wrong APPRODO_SECRET_KEY or key file: nothing could be read or found.
  virtual bool key_matches() = 0;
  // Key rotation: re-keys every conversation (new HMAC key, address sealed again) and every unsent reply
  // under `next`, in one transaction, and records its fingerprint. Afterwards only a Store opened with `next`
  // may use the database. Returns how many conversations were re-keyed.
  virtual int rekey(const Keyring& next) = 0;

  // How many messages of `conv_key` arrived after `since_ms` and before message `id` (flood throttling).
  virtual int64_t received_before(const std::string& conv_key, int64_t id, int64_t since_ms) = 0;

  // Counts for tests and metrics.
  virtual int64_t count(const std::string& table) = 0;
  // e.g. "dead": replies that could not be delivered.
  virtual int64_t outbox_with_status(const std::string& status) = 0;

  const Keyring& keyring() const { return keyring_; }

  // ---- The caseworker console ----
  // Users. add_user returns false when the name is taken.
  virtual bool add_user(const UserRecord& user) = 0;
  virtual std::optional<UserRecord> user(const std::string& name) = 0;
  virtual std::vector<UserRecord> users() = 0;
  virtual int64_t user_count() = 0;
  // Disabling also ends the user's sessions and revokes their API tokens. False when there is no such user.
  virtual bool set_user_disabled(const std::string& name, bool disabled) = 0;
  virtual bool set_password_hash(const std::string& name, const std::string& password_hash) = 0;  // ends sessions too

  // Sessions, keyed by the digest of the cookie (see bot/access/secret_token.h). A session of a disabled
  // user, or an expired one, is not found.
  virtual void add_session(const std::string& token_digest, int64_t user_id, const std::string& csrf,
                           int64_t expires_at) = 0;
  virtual std::optional<SessionRecord> session(const std::string& token_digest, int64_t now_ms) = 0;
  virtual void end_session(const std::string& token_digest) = 0;

  // API tokens for integrations, acting as their user.
  virtual int64_t add_api_token(const std::string& token_digest, int64_t user_id, const std::string& label) = 0;
  virtual std::optional<std::pair<UserRecord, ApiTokenRecord>> api_token_user(const std::string& token_digest) = 0;
  virtual std::vector<ApiTokenRecord> api_tokens() = 0;
  virtual bool revoke_api_token(int64_t id) = 0;

  // Ticket work. Each returns false when the ticket is not in a state that allows it (closed, or not
  // waiting for claim); the caller checks who may do what.
  virtual bool claim_ticket(int64_t ticket_id, const std::string& user) = 0;        // waiting → assigned to user
  virtual bool release_ticket(int64_t ticket_id) = 0;                               // assigned → waiting
  virtual bool transfer_ticket(int64_t ticket_id, const std::string& to_user) = 0;  // open → assigned to to_user
  virtual int64_t add_note(int64_t ticket_id, const std::string& author, const std::string& text) = 0;
  virtual std::vector<TicketNote> notes(int64_t ticket_id) = 0;
  // The whole conversation behind a ticket, oldest first (at most `limit` newest entries).
  virtual std::vector<HistoryEntry> history(const std::string& conv_key, int limit) = 0;
  // Changes whenever anything the console shows may have changed (messages, replies, delivery, notes, open
  // tickets' state and assignment, closings) — and not when someone merely looked.
  virtual std::string console_revision() = 0;

  virtual void audit(const std::string& actor, const std::string& action, int64_t ticket_id,
                     const std::string& detail) = 0;
  virtual std::vector<AuditEntry> audit_log(int64_t ticket_id, int limit) = 0;  // ticket_id 0: every entry
  virtual CaseStats case_stats() = 0;

  // ---- Reports (anonymous; see bot/report/) ----
  // Questions not answered, or answered with "did you mean", since `since_ms`, oldest first.
  virtual std::vector<UnmatchedRecord> unmatched_since(int64_t since_ms) = 0;
  // Views and feedback per article and language on days >= `since_day` ("YYYY-MM-DD", UTC).
  virtual std::vector<ArticleUsage> article_usage_since(const std::string& since_day) = 0;
  // Tickets opened since `since_ms`, oldest first.
  virtual std::vector<CaseRecord> cases_opened_since(int64_t since_ms) = 0;

 private:
  const Keyring keyring_;
};

}  // namespace approdo
