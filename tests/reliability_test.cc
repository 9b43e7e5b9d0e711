// Reliability of the whole bot: a flood from one sender is throttled (but a person in danger is still
// answered), a locked database answers 503 and keeps nothing half-done, and a damaged database stops the
// start instead of serving from it.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/running_bot.h"
#include "tests/served_binary.h"

namespace approdo {
namespace {

using nlohmann::json;
using testing::RunningBot;
using testing::WebChatUser;

json exported(RunningBot& bot, const std::string& session) {
  auto text = bot.app().store().export_conversation(bot.app().store().keyring().conversation_key("webchat", session));
  REQUIRE(text);
  return json::parse(*text);
}

TEST_CASE("a flood from one sender is read but not answered beyond flood_per_minute; danger is always answered") {
  Config config;
  config.flood_per_minute = 5;
  RunningBot bot(config);
  const std::string session = "aaaabbbbccccdddd0000111122223333";
  WebChatUser flooder(bot, session);
  for (int i = 0; i < 12; ++i) CHECK(flooder.send("spam message number " + std::to_string(i)) == 202);
  CHECK(flooder.send("my uncle hits me and I am scared") == 202);
  bot.app().workers().wait_idle();

  auto data = exported(bot, session);
  int answered_texts = 0, forgotten = 0;
  for (const auto& m : data["messages"]) {
    CHECK(m["answered"] == true);
    std::string text = m["text"];
    if (text.empty())
      ++forgotten;
    else
      ++answered_texts;
  }
  CHECK(forgotten == 7);       // messages 6-12: taken as read, their text not kept
  CHECK(answered_texts == 6);  // the first five, and the one about danger
  CHECK(bot.app().workers().flooded() == 7);
  CHECK(data["tickets"].size() == 1);  // the caseworker queue gets one ticket, not one per message
  CHECK(data["tickets"][0]["priority"] == "urgent");

  // Another person is not affected.
  WebChatUser other(bot, "0123456789abcdef0123456789abcdef");
  CHECK(other.send("hi") == 202);
  CHECK(!other.replies(1).empty());
}

TEST_CASE("a locked database answers 503 and keeps nothing; the retry is answered once") {
  RunningBot bot;
  const std::string session = "feedfacefeedfacefeedfacefeedface";
  WebChatUser person(bot, session);
  {
    SQLite::Database blocker(bot.app().config().data_dir + "/approdo.db", SQLite::OPEN_READWRITE);
    blocker.exec("BEGIN EXCLUSIVE");  // another process holds the write lock longer than the busy timeout
    CHECK(person.send("hello") == 503);
  }
  CHECK(bot.app().store().count("messages") == 0);
  CHECK(bot.app().store().count("conversations") == 0);
  // The page (or a provider) sends the same message again: now it is kept and answered, once.
  auto c = bot.client();
  json again{{"session", session}, {"id", "m1"}, {"text", "hello"}};
  auto res = c.Post("/webchat/send", again.dump(), "application/json");
  REQUIRE(res);
  CHECK(res->status == 202);
  auto replies = person.replies(2);
  CHECK(replies.size() >= 2);
  CHECK(bot.app().store().count("messages") == 1);
}

// The disk fills up under a running server: here a file-size limit of one byte set on the server process
// from outside (prlimit), so every write of the database fails as on a full disk, while the server's code
// runs unchanged.
TEST_CASE("a full disk answers 503 and keeps nothing; once there is room the retry is answered once") {
  testing::ServedBinary server("webchat: true\n");
  REQUIRE(server.start());
  const std::string session = "0badf00d0badf00d0badf00d0badf00d";
  testing::WebChatUser person(server.port(), session);
  REQUIRE(person.send("hello") == 202);
  REQUIRE(person.replies(2).size() >= 2);
  auto messages_stored = [&] {
    SQLite::Database db(server.data_dir() + "/approdo.db", SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM messages").getInt();
  };
  REQUIRE(messages_stored() == 1);

  rlimit full{1, RLIM_INFINITY};  // the soft limit: lifting it again needs no privilege
  REQUIRE(prlimit(server.pid(), RLIMIT_FSIZE, &full, nullptr) == 0);
  nlohmann::json second{{"session", session}, {"id", "m2"}, {"text", "where do I sleep tonight"}};
  auto c = server.client();
  auto refused = c.Post("/webchat/send", second.dump(), "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(messages_stored() == 1);  // nothing half-kept
  auto health = c.Get("/healthz");
  REQUIRE(health);  // still serving

  rlimit room{RLIM_INFINITY, RLIM_INFINITY};
  REQUIRE(prlimit(server.pid(), RLIMIT_FSIZE, &room, nullptr) == 0);
  auto retried = c.Post("/webchat/send", second.dump(), "application/json");
  REQUIRE(retried);
  CHECK(retried->status == 202);
  auto replies = person.replies(1);
  CHECK(!replies.empty());
  auto again = c.Post("/webchat/send", second.dump(), "application/json");  // a second retry: a duplicate
  REQUIRE(again);
  CHECK(again->status == 202);
  CHECK(messages_stored() == 2);
  CHECK(server.stop() == 0);
}

TEST_CASE("a damaged database stops the start with a clear error") {
  testing::ScratchDir dir;
  Config config;
  config.data_dir = dir.path().string();
  config.content_dir = testing::source_dir() + "/content";
  config.locales_dir = testing::source_dir() + "/locales";
  {
    auto opened = App::open(config, {});
    REQUIRE(opened.app);
    InboundMessage m;
    m.channel = "webchat";
    m.provider_id = "x:1";
    m.address = "0000111122223333";
    m.text = "hello";
    opened.app->store().record_inbound({m});
    opened.app->workers().wait_idle();
  }
  {
    SQLite::Database db(dir.file("approdo.db"), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  {
    // Scribble over every page but the first, as a failing disk would.
    auto size = std::filesystem::file_size(dir.file("approdo.db"));
    REQUIRE(size > 4096);
    std::fstream f(dir.file("approdo.db"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    std::string junk(size - 4096, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto reopened = App::open(config, {});
  CHECK(!reopened.app);
  bool explained = reopened.error.find("integrity check") != std::string::npos ||
                   reopened.error.find("cannot open database") != std::string::npos;
  CHECK_MESSAGE(explained, reopened.error);
}

}  // namespace
}  // namespace approdo
