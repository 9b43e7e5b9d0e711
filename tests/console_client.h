// ConsoleClient: one caller of the caseworker API over real loopback HTTP, as the console page or an
// integration is — logged in with a session cookie (and sending its CSRF token on changes), or with a bearer
// token, or anonymous. Used by the console API tests only.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "bot/access/password.h"
#include "tests/running_bot.h"

namespace approdo::testing {

struct ApiAnswer {
  int status = -1;
  nlohmann::json body;
  httplib::Headers headers;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// Adds a console user straight into the store (what `approdo users add` does).
inline void add_console_user(RunningBot& bot, const std::string& name, const std::string& role,
                             std::vector<std::string> languages, const std::string& password = "a long password") {
  UserRecord u;
  u.name = name;
  u.role = role;
  u.languages = std::move(languages);
  u.password_hash = access::hash_password(password);
  REQUIRE(bot.app().store().add_user(u));
}

class ConsoleClient {
 public:
  explicit ConsoleClient(const RunningBot& bot) : client_(bot.client()) {}

  static ConsoleClient with_token(const RunningBot& bot, const std::string& token) {
    ConsoleClient c(bot);
    c.bearer_ = token;
    return c;
  }

  // Logs in; returns the HTTP status. On success the cookie and CSRF token are kept for later calls.
  ApiAnswer login(const std::string& name, const std::string& password = "a long password") {
    auto a = call("POST", "/api/v1/login", nlohmann::json{{"name", name}, {"password", password}});
    if (a.status == 200) {
      std::string cookie = a.header("Set-Cookie");
      cookie_ = cookie.substr(0, cookie.find(';'));
      csrf_ = a.body["csrf"];
    }
    return a;
  }

  ApiAnswer get(const std::string& path) { return call("GET", path, nullptr); }
  ApiAnswer post(const std::string& path, const nlohmann::json& body = nlohmann::json::object()) {
    return call("POST", path, body);
  }

  // A body as bytes (e.g. not UTF-8, which a json value cannot hold).
  ApiAnswer post_body(const std::string& path, const std::string& body) { return send("POST", path, body, true); }

  // A raw call: `body` null sends none; csrf false leaves the CSRF header out (to test the refusal).
  ApiAnswer call(const std::string& method, const std::string& path, const nlohmann::json& body, bool csrf = true) {
    return send(method, path, body.is_null() ? "" : body.dump(), csrf);
  }

  const std::string& cookie() const { return cookie_; }
  void set_csrf(std::string csrf) { csrf_ = std::move(csrf); }

 private:
  ApiAnswer send(const std::string& method, const std::string& path, const std::string& body, bool csrf) {
    httplib::Headers h;
    if (!cookie_.empty()) h.emplace("Cookie", cookie_);
    if (!bearer_.empty()) h.emplace("Authorization", "Bearer " + bearer_);
    if (csrf && !csrf_.empty() && method != "GET") h.emplace("X-CSRF-Token", csrf_);
    httplib::Result r = method == "GET" ? client_.Get(path.c_str(), h)
                                        : client_.Post(path.c_str(), h, body, "application/json");
    ApiAnswer a;
    if (!r) return a;
    a.status = r->status;
    a.headers = r->headers;
    a.body = nlohmann::json::parse(r->body, nullptr, false);
    return a;
  }

  httplib::Client client_;
  std::string cookie_, csrf_, bearer_;
};

}  // namespace approdo::testing
