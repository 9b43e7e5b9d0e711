// The approdo binary as people and scripts use it: exit codes, config errors, `chat` over a pipe, and a
// graceful stop of `serve` on SIGTERM.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/fake_provider.h"
#include "tests/approdo_binary.h"
#include "tests/run_approdo.h"
#include "tests/test_support.h"

namespace approdo {
namespace {

using testing::Run;

Run run(const std::string& args, const std::string& stdin_text = "") { return testing::run_approdo(args, stdin_text); }

// A config for `serve` in `dir`: any free port, data in dir/var.
std::string serve_config(const testing::ScratchDir& dir) {
  return dir.write("c.yaml", "listen: {host: 127.0.0.1, port: 0}\ndata_dir: " + dir.path().string() +
                                 "/var\ncontent_dir: content\nlocales_dir: locales\n");
}

TEST_CASE("a config mistake is one line naming the file and key, exit code 2") {
  testing::ScratchDir dir;
  auto path = dir.write("bad.yaml", "listen:\n  host: 127.0.0.1\n  prot: 8080\n");
  auto r = run("serve --config " + path);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("bad.yaml:3:3: unknown key 'listen.prot'") != std::string::npos);
  auto missing = run("serve --config /nonexistent/approdo.yaml");
  CHECK(missing.exit_code == 2);
}

TEST_CASE("approdo chat reads one message per line and prints each reply as a block") {
  auto r = run("chat", "hi\n1\n");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("Hi! I am Approdo") == 0);
  CHECK(r.output.find("\n1) English\n") != std::string::npos);
  CHECK(r.output.find("OK, I will write to you in English.\n\n") != std::string::npos);
}

TEST_CASE("approdo chat --lang starts in that language") {
  auto r = run("chat --lang uk", "меню\n");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("Добре, я писатиму тобі українською.") == 0);
  CHECK(r.output.find("Привіт! Я Approdo") == std::string::npos);  // no welcome and language list again
  CHECK(r.output.find("Що тобі потрібно?") != std::string::npos);
}

TEST_CASE("approdo lint passes on the starter knowledge base") {
  auto r = run("lint");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find(": error:") == std::string::npos);
}

TEST_CASE("approdo telegram set-webhook registers our URL and secret at Telegram") {
  testing::FakeProvider api({200, R"({"ok":true,"result":true,"description":"Webhook was set"})"});
  testing::ScratchDir dir;
  auto config = dir.write("c.yaml", "public_url: https://bot.example.org\nchannels:\n  telegram:\n    api_base: " +
                                        api.base_url() + "\n");
  auto r = run("telegram set-webhook --config " + config);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("APPRODO_TELEGRAM_BOT_TOKEN") != std::string::npos);  // no token: told what to set
  std::string env = "APPRODO_TELEGRAM_BOT_TOKEN=123:abc APPRODO_TELEGRAM_SECRET_TOKEN=s3cret ";
  FILE* p = popen((env + APPRODO_BINARY + " telegram set-webhook --config " + config + " 2>&1").c_str(), "r");
  REQUIRE(p);
  char buf[512];
  std::string out;
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  CHECK(WEXITSTATUS(pclose(p)) == 0);
  CHECK(out.find("webhook set: https://bot.example.org/webhooks/telegram") != std::string::npos);
  auto reqs = api.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].path == "/bot123:abc/setWebhook");
  CHECK(reqs[0].body.find(R"("secret_token":"s3cret")") != std::string::npos);
  CHECK(reqs[0].body.find(R"("url":"https://bot.example.org/webhooks/telegram")") != std::string::npos);
}

TEST_CASE("serve stops cleanly on SIGTERM") {
  testing::ScratchDir dir;
  testing::ServeProcess serve(serve_config(dir), dir.file("serve.log"));
  REQUIRE(serve.port() > 0);
  CHECK(serve.stop());
  std::string text = serve.log();
  CHECK(text.find("stopping (signal 15)") != std::string::npos);
  CHECK(text.find("approdo: stopped") != std::string::npos);
}

TEST_CASE("a second server on the same data directory is refused, and says why") {
  testing::ScratchDir dir;
  const std::string config = serve_config(dir);
  testing::ServeProcess first(config, dir.file("first.log"));
  REQUIRE(first.port() > 0);
  auto second = run("serve --config " + config);
  CHECK(second.exit_code == 3);
  CHECK(second.output.find("another approdo is running on " + dir.path().string() + "/var") != std::string::npos);
}

TEST_CASE("approdo users: add, list, passwd, disable; passwords from stdin, checked, stored as Argon2id") {
  testing::ScratchDir dir;
  auto config = dir.write("approdo.yaml", "data_dir: " + dir.file("var") + "\n");
  auto add = run("users add giulia --role admin --languages fa,ps --config " + config, "a long password\n");
  CHECK(add.exit_code == 0);
  CHECK(add.output.find("added giulia (admin)") != std::string::npos);
  CHECK(add.output.find("a long password") == std::string::npos);
  auto again = run("users add giulia --config " + config, "a long password\n");
  CHECK(again.exit_code == 1);
  CHECK(again.output.find("a user 'giulia' exists already") != std::string::npos);
  auto weak = run("users add marco --config " + config, "short\n");
  CHECK(weak.exit_code == 1);
  CHECK(weak.output.find("the password must have at least 10 characters") != std::string::npos);
  CHECK(run("users add marco --languages xx --config " + config, "a long password\n").exit_code == 1);
  CHECK(run("users add marco --role root --config " + config, "a long password\n").exit_code == 2);
  CHECK(run("users add marco --config " + config, "another long one\n").exit_code == 0);

  auto list = run("users list --config " + config);
  CHECK(list.exit_code == 0);
  CHECK(list.output.find("giulia                   admin       fa,ps                active") != std::string::npos);
  CHECK(list.output.find("marco                    caseworker                       active") != std::string::npos);

  CHECK(run("users passwd marco --config " + config, "a new long password\n").exit_code == 0);
  CHECK(run("users passwd nobody --config " + config, "a new long password\n").exit_code == 1);
  CHECK(run("users disable marco --config " + config).exit_code == 0);
  CHECK(run("users list --config " + config).output.find("disabled") != std::string::npos);
  CHECK(run("users disable nobody --config " + config).exit_code == 1);

  // What is stored: an Argon2id hash, never the password.
  FILE* db = popen(("sqlite3 " + dir.file("var") + "/approdo.db \"SELECT password_hash FROM users WHERE name = 'marco'\"").c_str(), "r");
  REQUIRE(db);
  char buf[256] = {};
  std::string hash(buf, fread(buf, 1, sizeof buf - 1, db));
  pclose(db);
  CHECK(hash.rfind("$argon2id$v=19$", 0) == 0);
  CHECK(hash.find("a new long password") == std::string::npos);
}

}  // namespace
}  // namespace approdo
