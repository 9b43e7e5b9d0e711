// Web chat: the try-it channel at http://host:port/ — a page in the browser talks to the bot through the same
// pipeline as every other channel (record → dialogue → outbox), and fetches its replies by long-polling, so
// nothing is pushed and no address is kept beyond a random session id the page makes up.
//
// This file holds the channel's own rules: what a message from the page looks like, what the page gets back,
// and the page itself. The routes are wired in bot/server/. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bot/core/message.h"
#include "bot/store/store.h"

namespace approdo::webchat {

// Longer text (a paste of 100 KB) is accepted and cut to this, on a code point: a person who pasted too much
// still gets an answer, matched on the beginning.
inline constexpr std::size_t kMaxTextBytes = 4096;

struct ParsedPost {
  InboundMessage message;
  std::string error;  // empty when `message` is valid
};

// Body of POST /webchat/send: {"session": "<16-64 hex>", "id": "<client message id>", "text": "..."} or
// {"session", "id", "choice": "<choice id>"}.
ParsedPost parse_post(std::string_view body);

// True when `session` is a well-formed session id (16-64 lower-case hex digits).
bool valid_session(std::string_view session);

// Body answering GET /webchat/poll: {"messages": [{"id", "text", "choices": [{"id","label"}], "lang", "dir"}]}.
std::string render_poll(const std::vector<OutboxRow>& rows);

// The HTML page, its script and its styles: three files, because the page's Content-Security-Policy allows
// no inline script or style (a message that slipped through as HTML could run nothing).
std::string_view page();
std::string_view page_script();
std::string_view page_style();

}  // namespace approdo::webchat
