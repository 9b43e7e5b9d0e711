#include "bot/app/config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <vector>

#include "bot/text/utf8.h"
#include "bot/yaml/document.h"

extern char** environ;

namespace approdo {
namespace {

// One config key: its dotted path and how to store a scalar into the Config.
struct Key {
  std::string path;
  bool is_int;
  std::function<void(Config&, const std::string&)> set;
};

std::vector<Key> keys() {
  auto str = [](std::string path, std::string Config::*m) {
    return Key{path, false, [m](Config& c, const std::string& v) { c.*m = v; }};
  };
  auto channel_field = [](std::string path, std::string* (*pick)(Config&)) {
    return Key{path, false, [pick](Config& c, const std::string& v) { *pick(c) = v; }};
  };
  std::vector<Key> k = {
      str("listen.host", &Config::listen_host),
      Key{"listen.port", true, [](Config& c, const std::string& v) { c.listen_port = std::stoi(v); }},
      str("public_url", &Config::public_url),
      str("data_dir", &Config::data_dir),
      str("store", &Config::store),
      str("content_dir", &Config::content_dir),
      str("locales_dir", &Config::locales_dir),
      Key{"webchat", false, [](Config& c, const std::string& v) { c.webchat = (v == "true" || v == "yes" || v == "on"); }},
      str("opening_hours", &Config::opening_hours),
      str("api_token", &Config::api_token),
      Key{"http_threads", true, [](Config& c, const std::string& v) { c.http_threads = std::stoi(v); }},
      Key{"retention_days", true, [](Config& c, const std::string& v) { c.retention_days = std::stoi(v); }},
      Key{"flood_per_minute", true, [](Config& c, const std::string& v) { c.flood_per_minute = std::stoi(v); }},
      Key{"handoff.offer_all_after_minutes", true,
          [](Config& c, const std::string& v) { c.offer_all_after_minutes = std::stoi(v); }},
      Key{"handoff.first_response_minutes", true,
          [](Config& c, const std::string& v) { c.first_response_minutes = std::stoi(v); }},
      Key{"dialogue_threads", true, [](Config& c, const std::string& v) { c.dialogue_threads = std::stoi(v); }},
  };
#define APPRODO_CH(ch, field) \
  channel_field("channels." #ch "." #field, +[](Config& c) -> std::string* { return &c.ch.field; })
  k.push_back(APPRODO_CH(telegram, bot_token));
  k.push_back(APPRODO_CH(telegram, secret_token));
  k.push_back(APPRODO_CH(telegram, api_base));
  k.push_back(APPRODO_CH(whatsapp, phone_number_id));
  k.push_back(APPRODO_CH(whatsapp, access_token));
  k.push_back(APPRODO_CH(whatsapp, app_secret));
  k.push_back(APPRODO_CH(whatsapp, verify_token));
  k.push_back(APPRODO_CH(whatsapp, api_base));
  k.push_back(APPRODO_CH(twilio, account_sid));
  k.push_back(APPRODO_CH(twilio, auth_token));
  k.push_back(APPRODO_CH(twilio, from));
  k.push_back(APPRODO_CH(twilio, api_base));
#undef APPRODO_CH
  return k;
}

std::string env_name(const std::string& path) {
  std::string p = path.rfind("channels.", 0) == 0 ? path.substr(9) : path;
  std::string out = "APPRODO_";
  for (char ch : p) out += ch == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

bool is_integer(const std::string& s) {
  return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string where(const std::string& file, const yaml::Node& at) {
  return file + ":" + std::to_string(at.line()) + ":" + std::to_string(at.col());
}

// Walks the YAML mapping, setting known scalar keys; returns the first problem.
std::string walk(const yaml::Node& node, const std::string& prefix, const std::string& file,
                 const std::vector<Key>& known, Config& config) {
  for (auto [key_node, value] : node.entries()) {
    std::string name(key_node.text());
    std::string path = prefix.empty() ? name : prefix + "." + name;
    bool is_section = std::any_of(known.begin(), known.end(),
                                  [&](const Key& k) { return k.path.rfind(path + ".", 0) == 0; });
    auto key = std::find_if(known.begin(), known.end(), [&](const Key& k) { return k.path == path; });
    if (is_section) {
      if (value.is_null()) continue;  // an empty section, e.g. "twilio:" with nothing under it
      if (!value.is_map()) return where(file, value) + ": '" + path + "' must be a mapping";
      if (auto e = walk(value, path, file, known, config); !e.empty()) return e;
      continue;
    }
    if (key == known.end()) return where(file, key_node) + ": unknown key '" + path + "'";
    if (value.is_null()) continue;
    if (!value.is_scalar()) return where(file, value) + ": '" + path + "' must be a single value";
    std::string s(value.text());
    if (key->is_int && !is_integer(s))
      return where(file, value) + ": '" + path + "' must be a whole number, not '" + s + "'";
    key->set(config, s);
  }
  return {};
}

std::string apply_env(const std::map<std::string, std::string>& env, const std::vector<Key>& known, Config& c) {
  for (const Key& k : known) {
    auto it = env.find(env_name(k.path));
    if (it == env.end()) continue;
    if (k.is_int && !is_integer(it->second))
      return "environment " + it->first + ": '" + k.path + "' must be a whole number";
    k.set(c, it->second);
  }
  return {};
}

std::string check(const Config& c, const std::string& file) {
  if (c.listen_port < 0 || c.listen_port > 65535) return file + ": 'listen.port' must be 0..65535";
  if (c.http_threads < 2 || c.http_threads > 256) return file + ": 'http_threads' must be 2..256";
  if (c.retention_days < 1 || c.retention_days > 3650) return file + ": 'retention_days' must be 1..3650";
  if (!c.store.empty() && c.store != "sqlite" && !c.uses_postgresql())
    return file + ": 'store' must be sqlite or a postgresql://user@host/database URL";
  if (c.dialogue_threads < 1 || c.dialogue_threads > 64) return file + ": 'dialogue_threads' must be 1..64";
  if (c.flood_per_minute < 1 || c.flood_per_minute > 100000) return file + ": 'flood_per_minute' must be 1..100000";
  if (c.first_response_minutes < 1) return file + ": 'handoff.first_response_minutes' must be at least 1";
  return {};
}

}  // namespace

std::string Config::sqlite_path() const { return (std::filesystem::path(data_dir) / "approdo.db").string(); }

ConfigResult default_config(const std::map<std::string, std::string>& env) {
  ConfigResult r;
  r.error = apply_env(env, keys(), r.config);
  if (r.error.empty()) r.error = check(r.config, "environment");
  return r;
}

ConfigResult load_config(const std::string& path, const std::map<std::string, std::string>& env) {
  ConfigResult r;
  if (!std::filesystem::exists(path)) {
    r.error = path + ": config file not found";
    return r;
  }
  auto parsed = yaml::Document::parse_file(path);
  if (!parsed.document) {
    r.error = text::one_line(parsed.error.format());
    return r;
  }
  yaml::Node root = parsed.document->root();
  auto known = keys();
  if (!root.is_null()) {
    if (!root.is_map()) {
      r.error = path + ":1:1: the config must be a mapping of keys";
      return r;
    }
    r.error = walk(root, "", path, known, r.config);
  }
  if (r.error.empty()) r.error = apply_env(env, known, r.config);
  if (r.error.empty()) r.error = check(r.config, path);
  r.error = text::one_line(r.error);  // one line, whatever a key in the file holds
  // Relative directories in a config file are relative to where approdo runs (the repository root in
  // development), not to the file: that keeps deploy/approdo.dev.yaml readable.
  return r;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos && kv.rfind("APPRODO_", 0) == 0) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

}  // namespace approdo
