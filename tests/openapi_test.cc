// console/openapi.yaml against the running server: every documented operation exists, and what it answers
// to an anonymous caller and to an admin (with placeholder ids) is one of its documented responses.
#include <doctest/doctest.h>

#include "bot/yaml/document.h"
#include "tests/console_client.h"

namespace approdo {
namespace {

std::string with_placeholders(std::string path) {
  for (auto [param, value] : {std::pair{"{id}", "999999"}, {"{name}", "nobody"}, {"{report}", "cases"},
                              {"{chart}", "cases-by-month"}})
    for (auto at = path.find(param); at != std::string::npos; at = path.find(param))
      path.replace(at, std::string(param).size(), value);
  return "/api/v1" + path;
}

TEST_CASE("openapi: every documented operation answers as documented") {
  auto parsed = yaml::Document::parse_file(testing::source_dir() + "/console/openapi.yaml");
  REQUIRE_MESSAGE(parsed.document, parsed.error.format());
  yaml::Node spec = parsed.document->root();
  REQUIRE(spec.find("openapi"));
  REQUIRE(spec.find("openapi")->text().rfind("3.", 0) == 0);
  REQUIRE(spec.find("paths"));
  testing::RunningBot bot;
  testing::add_console_user(bot, "ada", "admin", {"en"});
  testing::ConsoleClient anonymous(bot), admin(bot);
  REQUIRE(admin.login("ada").status == 200);
  int operations = 0;
  for (auto [path_key, path_item] : spec.find("paths")->entries()) {
    std::string path(path_key.text());
    for (const char* method : {"get", "post"}) {
      std::optional<yaml::Node> op = path_item.find(method);
      if (!op) continue;
      ++operations;
      std::string url = with_placeholders(path);
      std::string upper = method == std::string("get") ? "GET" : "POST";
      nlohmann::json body = upper == "GET" ? nlohmann::json(nullptr) : nlohmann::json::object();
      CAPTURE(upper);
      CAPTURE(url);
      auto documented = [&](int status) {
        auto responses = op->find("responses");
        return responses && responses->find(std::to_string(status));
      };
      int as_anonymous = anonymous.call(upper, url, body).status;
      CHECK(documented(as_anonymous));
      if (path != "/login") CHECK(as_anonymous == 401);  // nothing but the login is open
      if (path == "/logout" || path == "/events") continue;  // would end the session / keep streaming
      int as_admin = admin.call(upper, url, body).status;
      CHECK(documented(as_admin));
    }
  }
  CHECK(operations == 26);
}

}  // namespace
}  // namespace approdo
