// The PostgreSQL schema, as ordered migrations: the same data as the SQLite schema (migrations.h), version
// for version, so `current_version()` means the same on both backends. Ids are BIGSERIAL (never reused),
// flags BOOLEAN, sealed addresses BYTEA. outbox.claimed_at is PostgreSQL's own: the lease on a claimed reply
// (several instances). Never edit a released migration: append one. Only pg_store.cc includes this.
#pragma once

#include <array>
#include <string_view>

namespace approdo::store {

inline constexpr std::array<std::string_view, 7> kPgMigrations = {
    // 1: conversations, messages, outbox, tickets, unmatched questions, anonymous counters.
    R"SQL(
CREATE TABLE conversations (
  key            TEXT PRIMARY KEY,
  channel        TEXT NOT NULL,
  address_sealed BYTEA NOT NULL,
  state          TEXT NOT NULL DEFAULT '{}',
  lang           TEXT NOT NULL DEFAULT '',
  status         TEXT NOT NULL DEFAULT 'bot',
  blocked        BOOLEAN NOT NULL DEFAULT false,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL
);
CREATE TABLE messages (
  id          BIGSERIAL PRIMARY KEY,
  channel     TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  conv_key    TEXT NOT NULL,
  kind        TEXT NOT NULL,
  text        TEXT NOT NULL DEFAULT '',
  media       TEXT NOT NULL DEFAULT '',
  extra       TEXT NOT NULL DEFAULT '',
  received_at BIGINT NOT NULL,
  processed   BOOLEAN NOT NULL DEFAULT false,
  UNIQUE (channel, provider_id)
);
CREATE INDEX messages_pending ON messages (conv_key, id) WHERE NOT processed;
CREATE TABLE outbox (
  id              BIGSERIAL PRIMARY KEY,
  conv_key        TEXT NOT NULL,
  channel         TEXT NOT NULL,
  address_sealed  BYTEA,
  payload         TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL DEFAULT 0,
  claimed_at      BIGINT NOT NULL DEFAULT 0,
  provider_msg_id TEXT,
  delivery        TEXT NOT NULL DEFAULT '',
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (channel, status, next_attempt_at);
CREATE INDEX outbox_conv ON outbox (conv_key, id);
CREATE INDEX outbox_provider ON outbox (channel, provider_msg_id);
CREATE TABLE tickets (
  id                BIGSERIAL PRIMARY KEY,
  conv_key          TEXT,
  status            TEXT NOT NULL DEFAULT 'waiting',
  priority          TEXT NOT NULL DEFAULT 'normal',
  reason            TEXT NOT NULL,
  lang              TEXT NOT NULL,
  channel           TEXT NOT NULL,
  category          TEXT NOT NULL DEFAULT '',
  summary           TEXT NOT NULL DEFAULT '',
  assigned_to       TEXT,
  opened_at         BIGINT NOT NULL,
  first_response_at BIGINT,
  closed_at         BIGINT,
  outcome           TEXT,
  referrals         TEXT
);
CREATE INDEX tickets_open ON tickets (status, priority, opened_at);
CREATE TABLE unmatched (
  id         BIGSERIAL PRIMARY KEY,
  lang       TEXT NOT NULL,
  text       TEXT NOT NULL,
  outcome    TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE article_views (
  day     TEXT NOT NULL,
  article TEXT NOT NULL,
  lang    TEXT NOT NULL,
  views   BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, article, lang)
);
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value BIGINT NOT NULL DEFAULT 0
);
)SQL",
    // 2: SQLite's outbox ids became AUTOINCREMENT (never reused); BIGSERIAL ids never were. Nothing to do.
    R"SQL(
SELECT 1;
)SQL",
    // 3: the caseworker console — people who log in, their sessions and API tokens, private notes on tickets,
    // the audit log of who did what to which ticket.
    R"SQL(
CREATE TABLE users (
  id            BIGSERIAL PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL,
  languages     TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  disabled      BOOLEAN NOT NULL DEFAULT false,
  created_at    BIGINT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE api_tokens (
  id         BIGSERIAL PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  label      TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked    BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE ticket_notes (
  id         BIGSERIAL PRIMARY KEY,
  ticket_id  BIGINT NOT NULL REFERENCES tickets (id),
  author     TEXT NOT NULL,
  text       TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX ticket_notes_ticket ON ticket_notes (ticket_id, id);
CREATE TABLE audit (
  id        BIGSERIAL PRIMARY KEY,
  at        BIGINT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  ticket_id BIGINT,
  detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_ticket ON audit (ticket_id, id);
)SQL",
    // 4: indexes for the hot paths under load: a conversation's open ticket, pending replies oldest first.
    R"SQL(
CREATE INDEX tickets_conv ON tickets (conv_key, status);
CREATE INDEX outbox_pending ON outbox (channel, status, id);
)SQL",
    // 5: reports — "did this help?" per day, article and language; time indexes for the gap and case reports.
    R"SQL(
CREATE TABLE article_feedback (
  day         TEXT NOT NULL,
  article     TEXT NOT NULL,
  lang        TEXT NOT NULL,
  helpful     BIGINT NOT NULL DEFAULT 0,
  not_helpful BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, article, lang)
);
CREATE INDEX unmatched_created ON unmatched (created_at);
CREATE INDEX tickets_opened ON tickets (opened_at);
)SQL",
    // 6: delivery reports that arrive before their reply is recorded as sent (see migrations.h).
    R"SQL(
CREATE TABLE early_delivery (
  channel         TEXT NOT NULL,
  provider_msg_id TEXT NOT NULL,
  delivery        TEXT NOT NULL,
  error           TEXT NOT NULL DEFAULT '',
  at              BIGINT NOT NULL,
  PRIMARY KEY (channel, provider_msg_id)
);
)SQL",
    // 7: outbox_due goes (see migrations.h).
    R"SQL(
DROP INDEX outbox_due;
)SQL",
};

}  // namespace approdo::store
