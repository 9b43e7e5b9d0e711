// Mutation fuzzing of every parser that reads outside input: provider webhooks, the web chat, config YAML and
// content YAML. Each run mutates the real fixtures thousands of times (flip, insert, delete, truncate, splice
// bytes; fixed seeds, so a failure reproduces) and checks the contract: no crash, a defined status, and only
// valid UTF-8 reaches the rest of the bot. Built with sanitizers (CMAKE_FLAGS=-DAPPRODO_SANITIZE=ON) this also
// catches memory errors.
#include <doctest/doctest.h>

#include <random>

#include "adapters/telegram/telegram.h"
#include "adapters/twilio/twilio.h"
#include "adapters/webchat/webchat.h"
#include "adapters/whatsapp/whatsapp.h"
#include "bot/app/config.h"
#include "bot/kb/loader.h"
#include "bot/text/utf8.h"
#include "tests/fake_provider.h"

namespace approdo {
namespace {

std::string mutate(std::string s, std::mt19937& rng) {
  int edits = 1 + static_cast<int>(rng() % 8);
  for (int e = 0; e < edits; ++e) {
    std::size_t pos = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 6) {
      case 0:
        if (!s.empty()) s[pos] = static_cast<char>(rng());
        break;
      case 1:
        s.insert(pos, 1, "{}[]\",:\\%&=+\xff\xc3\x00"[rng() % 15]);
        break;
      case 2:
        if (!s.empty()) s.erase(pos, 1 + rng() % 8);
        break;
      case 3:
        s.resize(pos);
        break;
      case 4:
        s.insert(pos, s.substr(rng() % (s.size() + 1), rng() % 32));
        break;
      case 5:
        s.insert(pos, std::string(rng() % 64, "[{"[rng() % 2]));
        break;
    }
  }
  return s;
}

template <typename Parse>
void fuzz(const std::vector<std::string>& seeds, uint32_t seed, int rounds, Parse parse) {
  std::mt19937 rng(seed);
  for (int i = 0; i < rounds; ++i) {
    std::string input = mutate(seeds[i % seeds.size()], rng);
    CAPTURE(i);
    WebhookResult r = parse(input);
    CHECK((r.status == 200 || r.status == 400));
    for (const auto& m : r.messages) {
      CHECK(text::is_valid_utf8(m.text));
      CHECK(text::is_valid_utf8(m.address));
    }
  }
}

TEST_CASE("fuzz: Telegram updates") {
  std::vector<std::string> seeds;
  for (const char* f : {"text_message.json", "callback_query.json", "photo.json", "blocked.json", "start_payload.json"})
    seeds.push_back(testing::read_fixture(std::string("telegram/") + f));
  fuzz(seeds, 1, 4000, [](const std::string& s) { return telegram::parse_update(s); });
}

TEST_CASE("fuzz: WhatsApp notifications") {
  std::vector<std::string> seeds;
  for (const char* f : {"text.json", "button_reply.json", "list_reply.json", "audio.json", "status_failed.json"})
    seeds.push_back(testing::read_fixture(std::string("whatsapp/") + f));
  fuzz(seeds, 2, 4000, [](const std::string& s) { return whatsapp::parse_notification(s); });
}

TEST_CASE("fuzz: Twilio forms") {
  std::vector<std::string> seeds;
  for (const char* f : {"sms.form", "sms_dari.form", "mms_voice.form", "status_delivered.form", "opt_out.form"})
    seeds.push_back(testing::read_fixture(std::string("twilio/") + f));
  fuzz(seeds, 3, 4000, [](const std::string& s) { return twilio::parse_webhook(s); });
}

TEST_CASE("fuzz: web chat posts") {
  std::vector<std::string> seeds = {R"({"session":"0123456789abcdef0123456789abcdef","id":"m1","text":"سلام 112"})",
                                    R"({"session":"0123456789abcdef0123456789abcdef","id":"m2","choice":"lang:fa"})"};
  std::mt19937 rng(4);
  for (int i = 0; i < 4000; ++i) {
    auto p = webchat::parse_post(mutate(seeds[i % 2], rng));
    if (p.error.empty()) {
      CHECK(text::is_valid_utf8(p.message.text));
      CHECK(webchat::valid_session(p.message.address));
    }
  }
}

TEST_CASE("fuzz: config and content YAML give positioned errors, never crash") {
  testing::ScratchDir dir;
  std::string config = testing::read_fixture("../../deploy/approdo.dev.yaml");
  std::string article = testing::read_fixture("../../content/articles/documents/tax-code.yaml");
  std::mt19937 rng(5);
  for (int i = 0; i < 300; ++i) {
    auto path = dir.write("c.yaml", mutate(config, rng));
    auto r = load_config(path, {});
    if (!r.error.empty()) CHECK(r.error.find("c.yaml") != std::string::npos);
  }
  // Content: a minimal tree with one mutated article.
  std::filesystem::copy(testing::source_dir() + "/content", dir.path() / "content", std::filesystem::copy_options::recursive);
  for (int i = 0; i < 60; ++i) {
    dir.write("content/articles/documents/tax-code.yaml", mutate(article, rng));
    auto load = load_content((dir.path() / "content").string(), "2026-11-23");
    for (const auto& p : load.problems) CHECK(!p.file.empty());
  }
}

}  // namespace
}  // namespace approdo
