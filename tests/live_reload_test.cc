// Editors change content under a running server: a good edit goes live by itself, a broken one is refused
// (the last good version keeps answering and the error is shown), and fixing it goes live again.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/content_edit.h"
#include "tests/running_bot.h"

namespace approdo {
namespace {

namespace fs = std::filesystem;

// Waits until the server's knowledge version satisfies `ok` (the watcher checks every 50 ms here).
template <typename Pred>
bool eventually(Pred ok) {
  for (int i = 0; i < 200; ++i) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

TEST_CASE("an edit goes live; a broken edit is refused and reported; the fix goes live") {
  testing::ScratchDir content;
  fs::copy(testing::source_dir() + "/content", content.path(), fs::copy_options::recursive);
  Config config;
  config.content_dir = content.path().string();
  config.content_check_ms = 50;
  testing::RunningBot bot(config);
  auto& kb = bot.app().knowledge();
  const fs::path article = content.path() / "articles/safety/emergency-numbers.yaml";
  testing::WebChatUser user(bot, "abcdefabcdefabcdefabcdefabcdef00");
  REQUIRE(user.send("1") == 202);  // any first message: welcome
  user.replies();
  REQUIRE(user.send("lang:en", "choice") == 202);
  user.replies();

  auto ask = [&] {
    REQUIRE(user.send("emergency number italy") == 202);
    auto r = user.replies();
    return r.empty() ? std::string() : r[0]["text"].get<std::string>();
  };
  CHECK(ask().find("Emergency numbers\n") == 0);

  testing::replace_in_file(article, "title: Emergency numbers", "title: Emergency phone numbers");
  REQUIRE_MESSAGE(eventually([&] { return kb.status().version == 2; }), "errors: " << kb.status().errors.size() << " ok " << kb.status().ok);
  CHECK(ask().find("Emergency phone numbers\n") == 0);

  testing::replace_in_file(article, "    title: Emergency phone numbers", "    tittle: Emergency phone numbers");
  REQUIRE(eventually([&] { return !kb.status().ok; }));
  CHECK(kb.status().version == 2);
  CHECK(ask().find("Emergency phone numbers\n") == 0);  // still the last good version
  auto metrics = bot.client().Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("approdo_knowledge_reload_ok 0") != std::string::npos);
  CHECK(metrics->body.find("unknown key 'tittle' (did you mean 'title'?)") != std::string::npos);
  auto health = nlohmann::json::parse(bot.client().Get("/healthz")->body);
  CHECK(health["knowledge_errors"].size() >= 1);

  testing::replace_in_file(article, "    tittle: Emergency phone numbers", "    title: Emergency numbers (fixed)");
  REQUIRE(eventually([&] { return kb.status().ok && kb.status().version == 3; }));
  CHECK(ask().find("Emergency numbers (fixed)\n") == 0);
}

}  // namespace
}  // namespace approdo
