#include "bot/app/config.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "tests/test_support.h"

namespace approdo {
namespace {

TEST_CASE("the development config loads with every key of the contract") {
  auto r = load_config(testing::source_dir() + "/deploy/approdo.dev.yaml", {});
  REQUIRE(r.error == "");
  CHECK(r.config.listen_port == 8080);
  CHECK(r.config.webchat);
  CHECK(r.config.telegram.api_base == "https://api.telegram.org");
  CHECK(r.config.whatsapp.api_base == "https://graph.facebook.com/v21.0");
  CHECK(r.config.twilio.api_base == "https://api.twilio.com");
}

TEST_CASE("every channel key is accepted, and secrets come from the environment") {
  testing::ScratchDir dir;
  auto path = dir.write("c.yaml", R"(listen: {host: 0.0.0.0, port: 9000}
public_url: https://bot.example.org
channels:
  telegram: {bot_token: "", secret_token: "", api_base: "http://127.0.0.1:1"}
  whatsapp: {phone_number_id: "1", access_token: "", app_secret: "", verify_token: "", api_base: "http://x"}
  twilio: {account_sid: "AC1", auth_token: "", from: "+15550001111", api_base: "http://y"}
)");
  auto r = load_config(path, {{"APPRODO_TELEGRAM_BOT_TOKEN", "123:abc"}, {"APPRODO_LISTEN_PORT", "9100"},
                              {"APPRODO_WHATSAPP_APP_SECRET", "s3cret"}});
  REQUIRE(r.error == "");
  CHECK(r.config.telegram.bot_token == "123:abc");
  CHECK(r.config.telegram.configured());
  CHECK(r.config.listen_port == 9100);
  CHECK(r.config.whatsapp.app_secret == "s3cret");
  CHECK(r.config.twilio.from == "+15550001111");
}

TEST_CASE("config mistakes are one line naming the file and the key") {
  testing::ScratchDir dir;
  struct Case {
    const char* yaml;
    const char* expect;
  };
  const Case cases[] = {
      {"listen: {prot: 80}\n", "c.yaml:1:10: unknown key 'listen.prot'"},
      {"listen: {port: eighty}\n", "'listen.port'"},
      {"http_threads: 1\n", "'http_threads' must be 2..256"},
      {"channels: {telegram: {bot_tokn: x}}\n", "unknown key 'channels.telegram.bot_tokn'"},
      {"listen: [1, 2\n", "c.yaml:2:1: did not find expected ',' or ']' (while parsing a flow sequence that starts at 1:9)"},
      // A key holding a line break (found by fuzz/config_fuzz) is still quoted on one line.
      {"\"chan\\rnels\\n\": {}\n", "unknown key 'chan nels '"},
      {"a: \"x\\\x01\"\n", "c.yaml:1:7: control characters are not allowed (0x01)"},  // libyaml's words
      {"listen: {port: 1}\nlisten: {port: 2}\n", "c.yaml:2:1: duplicate key 'listen'"},
  };
  for (const auto& c : cases) {
    auto path = dir.write("c.yaml", c.yaml);
    auto r = load_config(path, {});
    CHECK_MESSAGE(r.error.find(c.expect) != std::string::npos, r.error << " lacks " << c.expect);
    CHECK_MESSAGE(std::none_of(r.error.begin(), r.error.end(), [](char ch) { return ch >= 0 && ch < 0x20; }),
                  "a control character in: " << r.error);
  }
  auto missing = load_config(dir.file("nope.yaml"), {});
  CHECK(missing.error.find("nope.yaml") != std::string::npos);
  auto bad_env = load_config(dir.write("ok.yaml", "webchat: true\n"), {{"APPRODO_LISTEN_PORT", "x"}});
  CHECK(bad_env.error.find("APPRODO_LISTEN_PORT") != std::string::npos);
}

}  // namespace
}  // namespace approdo
