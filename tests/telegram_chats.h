// Telegram conversations for tests and benchmarks of whole trips: a config that points Telegram at a
// stand-in (tests/fake_provider.h) and the update Telegram posts for message `n` of a chat, shaped as
// tests/fixtures/telegram/text_message.json. Test and bench files only; any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "bot/app/config.h"
#include "tests/fake_provider.h"
#include "tests/test_support.h"

namespace approdo::testing {

inline const std::string kTelegramToken = "123:abc";
inline const std::string kTelegramSecret = "s3cret-token";

// A conversation that depends on its state at every step: the language chosen, then menus and a question.
inline const std::vector<std::string> kStatefulConversation = {
    "hi", "1", "2", "menu", "1", "what is the number for emergencies?", "menu"};

// `store`: "" for SQLite in the bot's scratch directory, or a PostgreSQL URL.
inline Config telegram_config(const FakeProvider& telegram, const std::string& store) {
  Config c;
  c.store = store;
  c.telegram.bot_token = kTelegramToken;
  c.telegram.secret_token = kTelegramSecret;
  c.telegram.api_base = telegram.base_url();
  return c;
}

inline std::string telegram_update(int64_t chat, int n, const std::string& text) {
  auto u = nlohmann::json::parse(read_fixture("telegram/text_message.json"));
  u["update_id"] = chat * 100 + n;
  u["message"]["message_id"] = n + 1;
  u["message"]["from"]["id"] = chat;
  u["message"]["chat"]["id"] = chat;
  u["message"]["text"] = text;
  return u.dump();
}

}  // namespace approdo::testing
