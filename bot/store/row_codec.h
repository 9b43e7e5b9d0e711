// How records become column values and back, the same for every store backend (only the SQL differs):
// message kinds as words, a reply as its JSON payload, the day article views are counted under, provider
// ids keyed-hashed, inbound text cleaned and bounded, comma-joined lists, and the console's merged history.
// Only bot/store/ includes this. Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bot/core/message.h"
#include "bot/store/keyring.h"
#include "bot/store/store.h"

namespace approdo::store {

const char* kind_name(InboundMessage::Kind k);
InboundMessage::Kind kind_from(const std::string& s);
std::string payload_json(const OutboundMessage& m);
OutboundMessage payload_from(const std::string& s);  // a damaged payload gives an empty message
std::string today();  // UTC, YYYY-MM-DD

// Providers' message ids are kept only keyed-hashed: WhatsApp's ids embed the phone number (base64), and
// a stable hash is all that deduplication and delivery statuses need.
std::string hashed_id(const Keyring& keyring, const std::string& channel, const std::string& id);

// Inbound text as it is stored and as the dialogue will read it: valid UTF-8 without control or
// bidi-override characters, and bounded (a 100 KB message keeps its first kMaxStoredTextBytes).
std::string stored_text(const std::string& text);

// Lists kept in one column (a user's languages, a ticket's referrals), comma-separated.
std::string join_list(const std::vector<std::string>& parts);
std::vector<std::string> split_list(const std::string& joined);

// A message's history line.
HistoryEntry inbound_entry(int64_t id, int64_t at, std::string kind, std::string text);
// A reply's history line from its outbox row (text and source come from the payload).
HistoryEntry outbound_entry(int64_t id, int64_t at, const std::string& payload, std::string status,
                            std::string delivery, std::string error);
// Puts a conversation's messages and replies (each the newest `limit`) in the order the console shows
// them, oldest first, and keeps the newest `limit` entries.
void order_history(std::vector<HistoryEntry>& entries, int limit);

// The anonymous statistics of closed tickets, from each one's outcome and comma-joined referrals.
CaseStats tally_closed(const std::vector<std::pair<std::string, std::string>>& outcome_and_referrals);

// The reports' queries, the same SQL on both backends ($1 is SQLite's first parameter too).
// Article views and feedback per article and language on days >= $1 (views without feedback, and feedback on
// an article not viewed that day, both count).
inline constexpr const char* kArticleUsageSql =
    "SELECT article, lang, SUM(views), SUM(helpful), SUM(not_helpful) FROM ("
    " SELECT article, lang, views, 0 AS helpful, 0 AS not_helpful FROM article_views WHERE day >= $1"
    " UNION ALL SELECT article, lang, 0, helpful, not_helpful FROM article_feedback WHERE day >= $1"
    ") AS usage GROUP BY article, lang ORDER BY article, lang";
// Questions of the gap report asked at or after $1: the columns of UnmatchedRecord, oldest first.
inline constexpr const char* kUnmatchedSql =
    "SELECT lang, text, outcome, created_at FROM unmatched WHERE created_at >= $1 ORDER BY id";
// Tickets opened at or after $1: the columns of CaseRecord, in its order, without NULLs.
inline constexpr const char* kCaseRecordSql =
    "SELECT opened_at, COALESCE(first_response_at, 0), COALESCE(closed_at, 0), priority, reason, lang, channel,"
    " category, COALESCE(outcome, ''), COALESCE(referrals, '') FROM tickets WHERE opened_at >= $1 ORDER BY id";

// The console revision from the database's counters and the text its open tickets' states make.
std::string revision_of(const std::vector<int64_t>& counters, const std::string& open_tickets);

// Key rotation: a conversation's new key and sealed address under `next`, or nullopt when its address
// cannot be opened with `current` (left as it is; retention erases it).
struct Rekeyed {
  std::string key, sealed;
};
std::optional<Rekeyed> rekeyed(const Keyring& current, const Keyring& next, const std::string& channel,
                               const std::string& sealed);

}  // namespace approdo::store
