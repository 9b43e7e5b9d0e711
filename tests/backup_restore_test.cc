// `approdo backup` and `approdo restore` as an operator uses them: a backup taken from a server that is busy
// answering people, restored on a fresh data directory (as after losing a server), and the conversations go
// on where the backup left them.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "bot/store/sqlite_store.h"
#include "tests/approdo_binary.h"
#include "tests/running_bot.h"
#include "tests/test_support.h"

namespace approdo {
namespace {

// The schema this build writes, as the commands name it ("schema v5").
const std::string kSchema = "schema v" + std::to_string(SqliteStore::schema_version());

testing::Run approdo(const std::string& args) { return testing::run_approdo(args); }

std::string config_for(const testing::ScratchDir& dir, const std::string& name, const std::string& data_dir) {
  return dir.write(name, "listen: {host: 127.0.0.1, port: 0}\ndata_dir: " + data_dir + "\ncontent_dir: " +
                             testing::source_dir() + "/content\nlocales_dir: " + testing::source_dir() +
                             "/locales\nopening_hours: 24/7\n");
}

TEST_CASE("a backup taken while serving restores on a new data directory, and the conversation goes on") {
  testing::ScratchDir dir;
  const std::string old_data = dir.file("old"), new_data = dir.file("new");
  const std::string old_config = config_for(dir, "old.yaml", old_data);
  const std::string session = "0123456789abcdef0123456789abcdef";
  const std::string backup = dir.file("backups/approdo-today.db");
  std::filesystem::create_directories(dir.path() / "backups");
  {
    testing::ServeProcess serve(old_config, dir.file("old.log"));
    REQUIRE(serve.port() > 0);
    testing::WebChatUser person(serve.port(), session);
    REQUIRE(person.send("hi") == 202);
    REQUIRE(person.replies(2).size() == 2);  // welcome and the language list
    REQUIRE(person.send("2") == 202);  // Français
    REQUIRE(person.replies(1).size() >= 1);

    // Others keep writing while the backup is taken.
    std::atomic<bool> stop{false};
    std::thread others([&] {
      for (int i = 0; !stop; ++i) {
        testing::WebChatUser other(serve.port(), "fedcba9876543210" + std::to_string(1000000 + i) + "00000000");
        other.send("hello");
      }
    });
    auto b = approdo("backup --config " + old_config + " " + backup);
    auto refused = approdo("restore --config " + old_config + " " + backup);
    stop = true;
    others.join();
    CHECK(b.exit_code == 0);
    CHECK(b.output.find("backup written to " + backup + " (" + kSchema + ": ") != std::string::npos);
    CHECK(b.output.find("the secret key is not in the backup") != std::string::npos);
    // Restoring under a running server would pull the database from under it.
    CHECK(refused.exit_code == 1);
    CHECK(refused.output.find("another approdo is running on " + old_data) != std::string::npos);
    CHECK(serve.stop());
  }

  // A new server: the operator brings the key they kept apart, and the backup.
  std::filesystem::create_directories(new_data);
  std::filesystem::copy_file(old_data + "/approdo.key", new_data + "/approdo.key");
  const std::string new_config = config_for(dir, "new.yaml", new_data);
  auto restored = approdo("restore --config " + new_config + " " + backup);
  CHECK(restored.exit_code == 0);
  CHECK(restored.output.find("restored " + backup + " into " + new_data + "/approdo.db (" + kSchema + ": ") !=
        std::string::npos);

  testing::ServeProcess serve(new_config, dir.file("new.log"));
  REQUIRE(serve.port() > 0);
  // The person carries on in French: no welcome, no language list again.
  auto client = testing::loopback_client(serve.port());
  nlohmann::json body{{"session", session}, {"id", "after-restore"}, {"text", "menu"}};
  auto r = client.Post("/webchat/send", body.dump(), "application/json");
  REQUIRE(r);
  CHECK(r->status == 202);
  testing::WebChatUser person(serve.port(), session);
  auto replies = person.replies(5);  // the history from before the backup, then the new answer
  REQUIRE(replies.size() >= 4);
  CHECK(replies.front()["text"].get<std::string>().find("Hi! I am Approdo") == 0);
  CHECK(replies.back()["text"].get<std::string>().find("De quoi as-tu besoin") != std::string::npos);
}

TEST_CASE("restore without the right secret key is refused and changes nothing") {
  testing::ScratchDir dir;
  const std::string config = config_for(dir, "c.yaml", dir.file("data"));
  {
    testing::ServeProcess serve(config, dir.file("serve.log"));
    REQUIRE(serve.port() > 0);
    testing::WebChatUser person(serve.port(), "00112233445566778899aabbccddeeff");
    REQUIRE(person.send("hi") == 202);
    REQUIRE(person.replies(2).size() == 2);
  }
  REQUIRE(approdo("backup --config " + config + " " + dir.file("b.db")).exit_code == 0);
  const std::string other = config_for(dir, "other.yaml", dir.file("other"));
  auto r = approdo("restore --config " + other + " " + dir.file("b.db"));
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("made with a different secret key") != std::string::npos);
  CHECK(!std::filesystem::exists(dir.file("other/approdo.db")));
}

TEST_CASE("backup and restore point to PostgreSQL's own tools when the store is PostgreSQL") {
  testing::ScratchDir dir;
  const std::string config = dir.write("pg.yaml", "data_dir: " + dir.file("data") +
                                                      "\nstore: postgresql://approdo@127.0.0.1:1/approdo\n");
  auto b = approdo("backup --config " + config + " " + dir.file("b.db"));
  CHECK(b.exit_code == 2);
  CHECK(b.output.find("the store is PostgreSQL: use pg_dump") != std::string::npos);
  auto r = approdo("restore --config " + config + " " + config);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("use pg_restore") != std::string::npos);
}

}  // namespace
}  // namespace approdo
