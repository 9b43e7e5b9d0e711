// Config: what `approdo serve --config FILE` reads. Loaded once at start on the main thread, then shared
// read-only. Every key can be overridden by an environment variable APPRODO_<PATH> (dots → '_', upper case,
// without the "channels." prefix): APPRODO_TELEGRAM_BOT_TOKEN, APPRODO_LISTEN_PORT, ... so secrets never
// need to be in a file.
#pragma once

#include <map>
#include <string>

namespace approdo {

struct TelegramConfig {
  std::string bot_token, secret_token, api_base = "https://api.telegram.org";
  int timeout_ms = 15000;  // a send without an answer this long is retried (not a YAML key: tests shorten it)
  bool configured() const { return !bot_token.empty(); }
};
struct WhatsAppConfig {
  std::string phone_number_id, access_token, app_secret, verify_token,
      api_base = "https://graph.facebook.com/v21.0";
  int timeout_ms = 15000;
  bool configured() const { return !phone_number_id.empty() && !access_token.empty(); }
};
struct TwilioConfig {
  std::string account_sid, auth_token, from, api_base = "https://api.twilio.com";
  int timeout_ms = 15000;
  bool configured() const { return !account_sid.empty() && !auth_token.empty(); }
};

struct Config {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  std::string public_url;          // how providers reach us (Twilio signatures are computed on it)
  std::string data_dir = "var";    // SQLite database and key file
  std::string store;               // "" = SQLite in data_dir; "postgresql://..." = PostgreSQL (several instances)
  std::string content_dir = "content";
  std::string locales_dir = "locales";
  bool webchat = true;             // the try-it web chat at /
  std::string opening_hours = "mon-fri 09:00-18:00";  // caseworker hours, Europe/Rome
  int http_threads = 32;           // HTTP pool (webhooks, web chat long-polls: at most half of them); see README
  int dialogue_threads = 2;        // dialogue workers; a conversation always runs on the same one
  int retention_days = 90;         // conversations inactive this long are erased (see privacy-your-data)
  int flood_per_minute = 20;       // messages from one conversation answered per minute; beyond: read, not answered
  std::string api_token;           // bearer token for /api/v1 integrations (acts as a caseworker); empty = none
  int offer_all_after_minutes = 10;  // a waiting ticket goes to every caseworker, not only its language's, after this
  int first_response_minutes = 60;   // SLA: a ticket without a first response after this is overdue
  int content_check_ms = 2000;     // how often content/ and locales/ are checked for edits (not a YAML key)
  TelegramConfig telegram;
  WhatsAppConfig whatsapp;
  TwilioConfig twilio;

  std::string sqlite_path() const;  // data_dir/approdo.db
  bool uses_postgresql() const { return store.rfind("postgresql://", 0) == 0 || store.rfind("postgres://", 0) == 0; }
};

// The result of loading: a config, or one line naming the file, key and problem.
struct ConfigResult {
  Config config;
  std::string error;  // empty on success
};

// Reads FILE (YAML), then applies environment overrides from `env` (normally the process environment).
ConfigResult load_config(const std::string& path, const std::map<std::string, std::string>& env);
// The defaults with environment overrides only (used by subcommands run without --config).
ConfigResult default_config(const std::map<std::string, std::string>& env);
std::map<std::string, std::string> process_environment();

}  // namespace approdo
