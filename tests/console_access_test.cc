// The caseworker API's access rules over real loopback HTTP: every endpoint with every role (and with no
// login), sessions and their cookies, CSRF, login throttling, API tokens, user management, and the console's
// security headers.
#include <doctest/doctest.h>

#include "tests/console_client.h"

namespace approdo {
namespace {

using nlohmann::json;
using testing::ConsoleClient;

Config api_config() {
  Config c;
  c.api_token = "integration-secret";
  return c;
}

void add_team(testing::RunningBot& bot) {
  testing::add_console_user(bot, "ada", "admin", {"en", "it"});
  testing::add_console_user(bot, "carla", "caseworker", {"fa", "ps"});
  testing::add_console_user(bot, "edo", "editor", {"en"});
}

TEST_CASE("console access: every endpoint with every role, including refusals") {
  testing::RunningBot bot(api_config());
  add_team(bot);
  ConsoleClient anonymous(bot), editor(bot), caseworker(bot), admin(bot);
  REQUIRE(editor.login("edo").status == 200);
  REQUIRE(caseworker.login("carla").status == 200);
  REQUIRE(admin.login("ada").status == 200);
  auto integration = ConsoleClient::with_token(bot, "integration-secret");  // acts as a caseworker

  // Allowed callers reach the handler (200, or 400/404 for the deliberately empty or unknown target);
  // refused ones get 401 (who are you?) or 403 (not your role).
  struct Row {
    const char* method;
    const char* path;
    json body;
    int anonymous, editor, caseworker, admin;
  };
  const std::vector<Row> rows = {
      {"GET", "/api/v1/me", nullptr, 401, 200, 200, 200},
      {"GET", "/api/v1/canned?lang=fa", nullptr, 401, 200, 200, 200},
      {"GET", "/api/v1/tickets", nullptr, 401, 403, 200, 200},
      {"GET", "/api/v1/tickets/999999", nullptr, 401, 403, 404, 404},
      {"POST", "/api/v1/tickets/999999/claim", json::object(), 401, 403, 404, 404},
      {"POST", "/api/v1/tickets/999999/release", json::object(), 401, 403, 404, 404},
      {"POST", "/api/v1/tickets/999999/transfer", json{{"to", "ada"}}, 401, 403, 404, 404},
      {"POST", "/api/v1/tickets/999999/reply", json{{"text", "hello"}}, 401, 403, 404, 404},
      {"POST", "/api/v1/tickets/999999/notes", json{{"text", "hello"}}, 401, 403, 404, 404},
      {"POST", "/api/v1/tickets/999999/close", json{{"outcome", "other"}}, 401, 403, 404, 404},
      {"GET", "/api/v1/colleagues", nullptr, 401, 403, 200, 200},
      {"GET", "/api/v1/users", nullptr, 401, 403, 403, 200},
      {"POST", "/api/v1/users", json::object(), 401, 403, 403, 400},
      {"POST", "/api/v1/users/nobody/disable", json::object(), 401, 403, 403, 404},
      {"GET", "/api/v1/tokens", nullptr, 401, 403, 403, 200},
      {"POST", "/api/v1/tokens", json::object(), 401, 403, 403, 400},
      {"POST", "/api/v1/tokens/999999/revoke", json::object(), 401, 403, 403, 404},
      {"GET", "/api/v1/audit", nullptr, 401, 403, 403, 200},
      {"GET", "/api/v1/stats", nullptr, 401, 200, 403, 200},
      {"GET", "/api/v1/reports/gaps", nullptr, 401, 200, 403, 200},
      {"GET", "/api/v1/reports/articles.csv?since=2w", nullptr, 401, 200, 403, 200},
      {"GET", "/api/v1/reports/cases?since=12w", nullptr, 401, 200, 200, 200},
      {"GET", "/api/v1/reports/cases.csv", nullptr, 401, 200, 200, 200},
      {"GET", "/api/v1/reports/cases?since=yesterday", nullptr, 401, 400, 400, 400},
      {"GET", "/api/v1/reports/charts/gaps-by-language.svg", nullptr, 401, 200, 403, 200},
      {"GET", "/api/v1/reports/charts/cases-by-month.svg", nullptr, 401, 200, 200, 200},
      {"GET", "/api/v1/reports/charts/no-such-chart.svg", nullptr, 401, 404, 404, 404},
  };
  for (const auto& r : rows) {
    CAPTURE(r.method);
    CAPTURE(r.path);
    CHECK(anonymous.call(r.method, r.path, r.body).status == r.anonymous);
    CHECK(editor.call(r.method, r.path, r.body).status == r.editor);
    CHECK(caseworker.call(r.method, r.path, r.body).status == r.caseworker);
    CHECK(integration.call(r.method, r.path, r.body).status == r.caseworker);
    CHECK(admin.call(r.method, r.path, r.body).status == r.admin);
  }
  // The live stream: refusals only (an allowed stream stays open; see console_api_test).
  CHECK(anonymous.get("/api/v1/events").status == 401);
  CHECK(editor.get("/api/v1/events").status == 403);
  // A wrong bearer token is no one.
  CHECK(ConsoleClient::with_token(bot, "integration-secreT").get("/api/v1/tickets").status == 401);
}

TEST_CASE("console access: the session cookie, CSRF on every change, logout") {
  testing::RunningBot bot(api_config());
  add_team(bot);
  ConsoleClient carla(bot);
  auto login = carla.login("carla");
  REQUIRE(login.status == 200);
  std::string cookie = login.header("Set-Cookie");
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("Path=/") != std::string::npos);
  CHECK(cookie.find("Secure") == std::string::npos);  // plain http in tests; https public_url adds it
  CHECK(login.body["user"]["role"] == "caseworker");
  CHECK(login.body["user"].count("password_hash") == 0);
  CHECK(carla.get("/api/v1/me").body["csrf"] == login.body["csrf"]);

  // Changes without the CSRF token, or with another one, are refused even with a valid cookie.
  CHECK(carla.call("POST", "/api/v1/tickets/1/claim", json::object(), /*csrf=*/false).status == 403);
  carla.set_csrf(std::string(64, 'a'));
  CHECK(carla.post("/api/v1/tickets/1/claim").status == 403);
  carla.set_csrf(login.body["csrf"]);
  CHECK(carla.post("/api/v1/tickets/1/claim").status == 404);  // past the checks: there is no ticket 1

  REQUIRE(carla.post("/api/v1/logout").status == 200);
  CHECK(carla.get("/api/v1/me").status == 401);  // the cookie opens nothing any more
}

TEST_CASE("console access: login failures, throttling per account and per address, disabled users") {
  testing::RunningBot bot(api_config());
  add_team(bot);
  ConsoleClient c(bot);
  CHECK(c.login("carla", "a wrong password").status == 401);
  CHECK(c.login("nobody", "a long password").status == 401);  // same answer: names are not revealed
  CHECK(c.login("nobody", "a long password").body["error"] == "wrong name or password");
  // Not JSON: refused before anything (a cross-site form cannot log a browser in).
  auto form = bot.client().Post("/api/v1/login", "name=carla&password=a+long+password",
                                "application/x-www-form-urlencoded");
  REQUIRE(form);
  CHECK(form->status == 415);

  for (int i = 0; i < 4; ++i) CHECK(c.login("carla", "a wrong password").status == 401);
  auto locked = c.login("carla");  // five failures: even the right password waits
  CHECK(locked.status == 429);
  CHECK(std::stoi(locked.header("Retry-After")) > 0);
  CHECK(c.login("ada").status == 200);  // another account from the same address still may

  // Per address: many names guessed from one address lock the address.
  for (int i = 0; i < 20; ++i) c.login("guess" + std::to_string(i), "a wrong password");
  CHECK(c.login("edo").status == 429);

  // A disabled user cannot log in, and their open sessions end.
  testing::RunningBot bot2(api_config());
  add_team(bot2);
  ConsoleClient ada(bot2), carla(bot2);
  REQUIRE(ada.login("ada").status == 200);
  REQUIRE(carla.login("carla").status == 200);
  CHECK(ada.post("/api/v1/users/carla/disable").status == 200);
  CHECK(carla.get("/api/v1/me").status == 401);
  CHECK(ConsoleClient(bot2).login("carla").status == 401);
  CHECK(ada.post("/api/v1/users/ada/disable").status == 400);  // not yourself
  CHECK(ada.post("/api/v1/users/carla/enable").status == 200);
  CHECK(ConsoleClient(bot2).login("carla").status == 200);
}

TEST_CASE("console access: admins add users with roles and languages; bad input is refused") {
  testing::RunningBot bot(api_config());
  add_team(bot);
  ConsoleClient ada(bot);
  REQUIRE(ada.login("ada").status == 200);
  json good{{"name", "omar"}, {"role", "caseworker"}, {"languages", {"ar", "fr"}}, {"password", "a long password"}};
  auto added = ada.post("/api/v1/users", good);
  CHECK(added.status == 201);
  CHECK(added.body["languages"] == json({"ar", "fr"}));
  CHECK(ada.post("/api/v1/users", good).status == 409);
  auto bad = [&](json patch) {
    json body = good;
    body["name"] = "someone";
    body.update(patch);
    return ada.post("/api/v1/users", body);
  };
  CHECK(bad({{"role", "root"}}).body["error"] == "'role' must be caseworker, editor or admin");
  CHECK(bad({{"languages", {"xx"}}}).body["error"] == "'languages' may hold only en, fr, ar, fa, ps, uk, it");
  CHECK(bad({{"password", "short"}}).body["error"] == "the password must have at least 10 characters");
  CHECK(bad({{"name", ""}}).status == 400);
  CHECK(ada.call("POST", "/api/v1/users", "not an object").status == 400);
  CHECK(ConsoleClient(bot).login("omar").status == 200);
  auto users = ada.get("/api/v1/users").body["users"];
  CHECK(users.size() == 4);
  for (const auto& u : users) CHECK(u.count("password_hash") == 0);
}

TEST_CASE("console access: API tokens act as their user until revoked or the user is disabled") {
  testing::RunningBot bot(api_config());
  add_team(bot);
  ConsoleClient ada(bot);
  REQUIRE(ada.login("ada").status == 200);
  auto made = ada.post("/api/v1/tokens", {{"user", "carla"}, {"label", "case management system"}});
  REQUIRE(made.status == 201);
  std::string token = made.body["token"];
  CHECK(token.size() == 64);
  auto as_carla = ConsoleClient::with_token(bot, token);
  CHECK(as_carla.get("/api/v1/tickets").status == 200);
  CHECK(as_carla.get("/api/v1/users").status == 403);  // a caseworker's token, a caseworker's rights
  CHECK(as_carla.post("/api/v1/tickets/999999/claim").status == 404);  // no CSRF for bearer tokens
  auto listed = ada.get("/api/v1/tokens").body["tokens"];
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["label"] == "case management system");
  CHECK(listed[0].count("token") == 0);  // shown once, at creation
  CHECK(ada.post("/api/v1/tokens/" + std::to_string(made.body["id"].get<int64_t>()) + "/revoke").status == 200);
  CHECK(as_carla.get("/api/v1/tickets").status == 401);

  auto second = ada.post("/api/v1/tokens", {{"user", "carla"}, {"label", "second"}});
  CHECK(ConsoleClient::with_token(bot, second.body["token"]).get("/api/v1/tickets").status == 200);
  ada.post("/api/v1/users/carla/disable");
  CHECK(ConsoleClient::with_token(bot, second.body["token"]).get("/api/v1/tickets").status == 401);
  CHECK(ada.post("/api/v1/tokens", {{"user", "nobody"}, {"label", "x"}}).status == 400);
}

TEST_CASE("console access: the console's files carry a strict policy and no inline script") {
  testing::RunningBot bot(api_config());
  auto c = bot.client();
  auto page = c.Get("/console/");
  REQUIRE(page);
  CHECK(page->status == 200);
  std::string csp = page->get_header_value("Content-Security-Policy");
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(page->get_header_value("Referrer-Policy") == "no-referrer");
  // Inline script or handlers would be refused by that policy: the page must not need them.
  const std::string& html = page->body;
  for (std::size_t at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1))
    CHECK(html.substr(at, html.find('>', at) - at).find(" src=") != std::string::npos);
  CHECK(html.find(" onclick=") == std::string::npos);
  CHECK(html.find(" style=") == std::string::npos);
  for (const char* file : {"/console/console.js", "/console/i18n.js", "/console/console.css"}) {
    auto r = c.Get(file);
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  CHECK(c.Get("/console/console.js")->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(c.Get("/console/missing.js")->status == 404);
  CHECK(c.Get("/console/../var/approdo.key")->status == 404);
  // The console's own script never turns text into HTML.
  std::string js = c.Get("/console/console.js")->body;
  CHECK(js.find("innerHTML") == std::string::npos);
  CHECK(js.find("insertAdjacentHTML") == std::string::npos);
  CHECK(c.Get("/api/v1/me")->get_header_value("X-Content-Type-Options") == "nosniff");
}

}  // namespace
}  // namespace approdo
