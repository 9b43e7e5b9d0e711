// console/openapi.yaml against the running server: every documented operation exists, and what it answers
// to an anonymous caller and to an admin (with placeholder ids) is one of its documented responses.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

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
  YAML::Node spec = YAML::LoadFile(testing::source_dir() + "/console/openapi.yaml");
  REQUIRE(spec["openapi"].as<std::string>().rfind("3.", 0) == 0);
  testing::RunningBot bot;
  testing::add_console_user(bot, "ada", "admin", {"en"});
  testing::ConsoleClient anonymous(bot), admin(bot);
  REQUIRE(admin.login("ada").status == 200);
  int operations = 0;
  for (const auto& path_item : spec["paths"]) {
    std::string path = path_item.first.as<std::string>();
    for (const char* method : {"get", "post"}) {
      YAML::Node op = path_item.second[method];
      if (!op) continue;
      ++operations;
      std::string url = with_placeholders(path);
      std::string upper = method == std::string("get") ? "GET" : "POST";
      nlohmann::json body = upper == "GET" ? nlohmann::json(nullptr) : nlohmann::json::object();
      CAPTURE(upper);
      CAPTURE(url);
      auto documented = [&](int status) { return static_cast<bool>(op["responses"][std::to_string(status)]); };
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
