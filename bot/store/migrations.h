// The schema, as an ordered list of migrations. Version N of the database has applied the first N.
// Never edit a released migration: append a new one. Only bot/store/ includes this.
#pragma once

#include <array>
#include <string_view>

namespace approdo::store {

inline constexpr std::array<std::string_view, 7> kMigrations = {
    // 1: conversations, messages, outbox, tickets, unmatched questions, anonymous counters.
    R"SQL(
CREATE TABLE conversations (
  key            TEXT PRIMARY KEY,         -- HMAC of channel:address (see Keyring)
  channel        TEXT NOT NULL,
  address_sealed BLOB NOT NULL,            -- the address, encrypted
  state          TEXT NOT NULL DEFAULT '{}',
  lang           TEXT NOT NULL DEFAULT '',
  status         TEXT NOT NULL DEFAULT 'bot',
  blocked        INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE TABLE messages (
  id          INTEGER PRIMARY KEY,
  channel     TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  conv_key    TEXT NOT NULL,
  kind        TEXT NOT NULL,
  text        TEXT NOT NULL DEFAULT '',
  media       TEXT NOT NULL DEFAULT '',
  extra       TEXT NOT NULL DEFAULT '',
  received_at INTEGER NOT NULL,
  processed   INTEGER NOT NULL DEFAULT 0,
  UNIQUE (channel, provider_id)
);
CREATE INDEX messages_pending ON messages (conv_key, processed, id);
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  conv_key        TEXT NOT NULL,
  channel         TEXT NOT NULL,
  address_sealed  BLOB,                    -- cleared once delivered
  payload         TEXT NOT NULL,           -- JSON: text, choices, lang, source
  status          TEXT NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  provider_msg_id TEXT,
  delivery        TEXT NOT NULL DEFAULT '',
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (channel, status, next_attempt_at);
CREATE INDEX outbox_conv ON outbox (conv_key, id);
CREATE INDEX outbox_provider ON outbox (channel, provider_msg_id);
CREATE TABLE tickets (
  id                INTEGER PRIMARY KEY,
  conv_key          TEXT,                  -- NULL once the person is erased (counts stay)
  status            TEXT NOT NULL DEFAULT 'waiting',
  priority          TEXT NOT NULL DEFAULT 'normal',
  reason            TEXT NOT NULL,
  lang              TEXT NOT NULL,
  channel           TEXT NOT NULL,
  category          TEXT NOT NULL DEFAULT '',
  summary           TEXT NOT NULL DEFAULT '',
  assigned_to       TEXT,
  opened_at         INTEGER NOT NULL,
  first_response_at INTEGER,
  closed_at         INTEGER,
  outcome           TEXT,
  referrals         TEXT
);
CREATE INDEX tickets_open ON tickets (status, priority, opened_at);
CREATE TABLE unmatched (
  id         INTEGER PRIMARY KEY,
  lang       TEXT NOT NULL,
  text       TEXT NOT NULL,                -- numbers and e-mail addresses scrubbed
  outcome    TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE article_views (
  day     TEXT NOT NULL,
  article TEXT NOT NULL,
  lang    TEXT NOT NULL,
  views   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, article, lang)
);
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL DEFAULT 0
);
)SQL",
    // 2: outbox ids never come back (AUTOINCREMENT). Erasing a person deletes their newest rows; without this,
    // the next reply could reuse an id that a web chat page has already read past, and never be shown.
    R"SQL(
CREATE TABLE outbox_v2 (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  conv_key        TEXT NOT NULL,
  channel         TEXT NOT NULL,
  address_sealed  BLOB,
  payload         TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  provider_msg_id TEXT,
  delivery        TEXT NOT NULL DEFAULT '',
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
INSERT INTO outbox_v2 SELECT id, conv_key, channel, address_sealed, payload, status, attempts, next_attempt_at,
  provider_msg_id, delivery, last_error, created_at, updated_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v2 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (channel, status, next_attempt_at);
CREATE INDEX outbox_conv ON outbox (conv_key, id);
CREATE INDEX outbox_provider ON outbox (channel, provider_msg_id);
)SQL",
    // 3: the caseworker console — people who log in, their sessions and API tokens, private notes on tickets,
    // the audit log of who did what to which ticket, and the referrals a closed ticket records.
    R"SQL(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,      -- the login name, shown to colleagues
  role          TEXT NOT NULL,             -- caseworker, editor, admin
  languages     TEXT NOT NULL DEFAULT '',  -- codes the person speaks, comma-separated
  password_hash TEXT NOT NULL,             -- crypto_pwhash_str (Argon2id)
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,             -- SHA-256 of the cookie: the database alone opens no session
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE api_tokens (
  id         INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  label      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE ticket_notes (
  id         INTEGER PRIMARY KEY,
  ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
  author     TEXT NOT NULL,
  text       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX ticket_notes_ticket ON ticket_notes (ticket_id, id);
CREATE TABLE audit (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  actor     TEXT NOT NULL,                 -- user name, or "token:<label>"
  action    TEXT NOT NULL,                 -- view, reply, note, claim, release, transfer, close, login, ...
  ticket_id INTEGER,
  detail    TEXT NOT NULL DEFAULT ''       -- never the person's words
);
CREATE INDEX audit_ticket ON audit (ticket_id, id);
)SQL",
    // 4: indexes for the hot paths under load (bench/load): a conversation's open ticket (checked on every
    // turn) without scanning the queue, and the sender's claim walking pending replies oldest first.
    R"SQL(
CREATE INDEX tickets_conv ON tickets (conv_key, status);
CREATE INDEX outbox_pending ON outbox (channel, status, id);
)SQL",
    // 5: reports — "did this help?" per day, article and language (counts only), and the time indexes the
    // gap and case reports read by.
    R"SQL(
CREATE TABLE article_feedback (
  day         TEXT NOT NULL,
  article     TEXT NOT NULL,
  lang        TEXT NOT NULL,
  helpful     INTEGER NOT NULL DEFAULT 0,
  not_helpful INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, article, lang)
);
CREATE INDEX unmatched_created ON unmatched (created_at);
CREATE INDEX tickets_opened ON tickets (opened_at);
)SQL",
    // 6: delivery reports that arrive before their reply is recorded as sent. The senders record a batch of
    // sends at once, after the provider has answered each: a report in between (WhatsApp sends "sent" within
    // milliseconds) is kept here and applied when its message id is recorded. Anonymous (the id is hashed);
    // kept a day at most.
    R"SQL(
CREATE TABLE early_delivery (
  channel         TEXT NOT NULL,
  provider_msg_id TEXT NOT NULL,
  delivery        TEXT NOT NULL,
  error           TEXT NOT NULL DEFAULT '',
  at              INTEGER NOT NULL,
  PRIMARY KEY (channel, provider_msg_id)
);
)SQL",
    // 7: the claim and the senders' wait read outbox_pending (channel, status, id); outbox_due was one more
    // index to update on every insert and every change of status, and no query needed it.
    R"SQL(
DROP INDEX outbox_due;
)SQL",
};

}  // namespace approdo::store
