// Privacy with the real binary: three people write on WhatsApp and Telegram (phone numbers, chat ids, names,
// a number and an e-mail address inside their words). Then the server's log and its database files are read
// byte for byte: no phone number, chat id, name or message text in the log; addresses only encrypted in the
// database. One person erases their data with the delete command, one is erased by an operator with
// `approdo admin erase`; afterwards nothing of either is left in any database file, while the third person's
// data (exported with `approdo admin export`) is still there.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "adapters/whatsapp/whatsapp.h"
#include "tests/fake_provider.h"
#include "tests/run_approdo.h"
#include "tests/served_binary.h"
#include "tests/whatsapp_people.h"

namespace approdo {
namespace {

using nlohmann::json;
using testing::FakeProvider;

constexpr const char* kAppSecret = "privacy-app-secret";
constexpr const char* kTelegramSecret = "privacy-tg-secret";

struct Person {
  std::string channel, address, name;
  std::vector<std::string> messages;
};

// Every byte of every file in the data directory (database, write-ahead log, shared memory, key).
std::string data_files(const std::string& dir) {
  std::string all;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream f(e.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(f), {});
  }
  return all;
}

class Session {
 public:
  // `first_id`: where message ids start (a new session on a restarted server must not repeat earlier ids).
  explicit Session(testing::ServedBinary& bot, int first_id = 0) : bot_(bot), n_(first_id) {}
  void say(const Person& p, const std::string& text) {
    auto c = bot_.client();
    const bool wa = p.channel == "whatsapp";
    std::string body = wa ? whatsapp_notification(p, text) : telegram_update(p, text);
    httplib::Headers h{
        wa ? std::make_pair(std::string("X-Hub-Signature-256"), whatsapp::signature(kAppSecret, body))
           : std::make_pair(std::string("X-Telegram-Bot-Api-Secret-Token"), std::string(kTelegramSecret))};
    auto res = c.Post(wa ? "/webhooks/whatsapp" : "/webhooks/telegram", h, body, "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    ++said_;
  }
  // A WhatsApp notification carrying the person's profile name.
  std::string whatsapp_notification(const Person& p, const std::string& text) {
    auto j = json::parse(testing::whatsapp_text(p.address, ++n_, text));
    j["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] = p.name;
    return j.dump();
  }
  std::string telegram_update(const Person& p, const std::string& text) {
    json update = json::parse(testing::read_fixture("telegram/text_message.json"));
    update["update_id"] = 200000000 + ++n_;
    update["message"]["from"]["id"] = std::stoll(p.address);
    update["message"]["from"]["first_name"] = p.name;
    update["message"]["chat"]["id"] = std::stoll(p.address);
    update["message"]["chat"]["first_name"] = p.name;
    update["message"]["text"] = text;
    return update.dump();
  }

  // Waits until the dialogue answered everything said so far and the outbox is empty.
  void wait_answered() {
    for (int i = 0; i < 200; ++i) {
      auto res = bot_.client().Get("/metrics");
      if (res && res->body.find("approdo_turns_total " + std::to_string(said_) + "\n") != std::string::npos &&
          res->body.find("approdo_outbox_pending 0\n") != std::string::npos) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the last send's outcome is saved
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL("the bot did not answer in 20 s");
  }

 private:
  testing::ServedBinary& bot_;
  int n_ = 0, said_ = 0;
};

TEST_CASE("no personal data in logs; addresses only encrypted; after delete and admin erase, nothing left") {
  FakeProvider wa_api({200, testing::read_fixture("whatsapp/send_ok.json")});
  FakeProvider tg_api({200, testing::read_fixture("telegram/send_ok.json")});
  testing::ServedBinary bot(
      "webchat: false\nopening_hours: 24/7\nchannels:\n  whatsapp:\n"
      "    phone_number_id: '106540352242922'\n    access_token: EAAG\n    app_secret: " +
      std::string(kAppSecret) + "\n    api_base: " + wa_api.base_url() +
      "\n  telegram:\n    bot_token: '123:abc'\n    secret_token: " + kTelegramSecret +
      "\n    api_base: " + tg_api.base_url() + "\n");
  REQUIRE(bot.start());

  const Person zainab{"whatsapp",
                      "393471234567",
                      "Zainab Rahimi",
                      {"hi", "1", "call 347 987 6543 or zainab.r@example.org about the blue xylophone concert",
                       "they took my passport at the border yesterday"}};
  const Person farid{
      "telegram", "7770001234", "Farid Noori", {"hi", "1", "my uncle hits me and I am scared, call me at 3281112222"}};
  const Person olena{"telegram", "7770005678", "Olena Kovalenko", {"hi", "1", "where can I learn Italian for free"}};
  Session session(bot);
  for (const Person* p : {&zainab, &farid, &olena})
    for (const auto& text : p->messages) session.say(*p, text);
  session.wait_answered();

  // Everything personal that went in: addresses, names, the words (the short replies "hi", "1" excepted).
  auto personal = [](const Person& p) {
    std::vector<std::string> out{p.address, p.name};
    for (const auto& m : p.messages)
      if (m.size() > 8) out.push_back(m);
    return out;
  };
  std::vector<std::string> extra{"347 987 6543", "zainab.r@example.org", "3281112222"};

  std::string log = bot.log();
  CHECK(log.find("created a new secret key") != std::string::npos);
  struct stat st {};
  REQUIRE(stat((bot.data_dir() + "/approdo.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  std::string db = data_files(bot.data_dir());
  CHECK(db.find(olena.messages[2]) != std::string::npos);  // the words are kept (so this search can find things)
  for (const Person* p : {&zainab, &farid, &olena}) {
    CHECK_MESSAGE(db.find(p->address) == std::string::npos, "address in clear: " << p->address);
    CHECK_MESSAGE(db.find(p->name) == std::string::npos, "name stored: " << p->name);
  }

  // Zainab deletes her data herself; an operator erases Farid's.
  session.say(zainab, "delete");
  session.say(zainab, "yes");
  session.wait_answered();
  auto erased = testing::run_approdo("admin erase --config " + bot.config_path() + " --channel telegram --address " +
                                     farid.address);
  CHECK(erased.exit_code == 0);
  CHECK(erased.output.find("erased conversation") != std::string::npos);
  auto again = testing::run_approdo("admin erase --config " + bot.config_path() + " --channel telegram --address " +
                                    farid.address);
  CHECK(again.exit_code == 1);  // nothing left to erase

  auto exporting = testing::run_approdo("admin export --config " + bot.config_path() +
                                        " --channel telegram --address " + olena.address);
  REQUIRE(exporting.exit_code == 0);
  auto exported = json::parse(exporting.output, nullptr, false);
  REQUIRE(exported.is_object());
  CHECK(exported["conversation"]["address"] == olena.address);
  CHECK(exported["messages"].size() == olena.messages.size());
  CHECK(exported["messages"][2]["text"] == olena.messages[2]);
  CHECK(exported["replies"].size() >= 3);
  CHECK(testing::run_approdo("admin export --config " + bot.config_path() + " --channel whatsapp --address " +
                             zainab.address)
            .exit_code == 1);

  // Questions the knowledge base could not answer stay for the editors' gap report, unlinked from anyone and
  // with numbers and e-mail addresses scrubbed: those (and only those) may still be there, scrubbed.
  std::set<std::string> gap_report;
  {
    SQLite::Database read(bot.data_dir() + "/approdo.db", SQLite::OPEN_READONLY);
    SQLite::Statement q(read, "SELECT text FROM unmatched");
    while (q.executeStep()) gap_report.insert(q.getColumn(0).getString());
  }
  CHECK(gap_report.count("call # or <email> about the blue xylophone concert") == 1);
  db = data_files(bot.data_dir());
  for (const Person* p : {&zainab, &farid})
    for (const auto& s : personal(*p))
      if (!gap_report.count(s)) CHECK_MESSAGE(db.find(s) == std::string::npos, "left after erasure: " << s);
  for (const auto& s : extra) CHECK_MESSAGE(db.find(s) == std::string::npos, "left after erasure: " << s);
  CHECK(db.find(olena.messages[2]) != std::string::npos);  // others are untouched

  CHECK(bot.stop() == 0);
  log = bot.log();
  for (const Person* p : {&zainab, &farid, &olena})
    for (const auto& s : personal(*p)) CHECK_MESSAGE(log.find(s) == std::string::npos, "in the log: " << s);
  for (const auto& s : extra) CHECK_MESSAGE(log.find(s) == std::string::npos, "in the log: " << s);
}

}  // namespace
}  // namespace approdo

namespace approdo {
namespace {

TEST_CASE("key rotation: approdo admin rotate-key re-keys the database; an interrupted rotation is finished") {
  FakeProvider wa_api({200, testing::read_fixture("whatsapp/send_ok.json")});
  testing::ServedBinary bot(
      "webchat: false\nopening_hours: 24/7\nchannels:\n  whatsapp:\n"
      "    phone_number_id: '106540352242922'\n    access_token: EAAG\n    app_secret: " +
      std::string(kAppSecret) + "\n    api_base: " + wa_api.base_url() + "\n");
  const Person amir{"whatsapp", "393331234000", "Amir", {}};
  const std::string key_file = bot.data_dir() + "/approdo.key";
  auto read_file = [](const std::string& path) {
    std::ifstream f(path);
    return std::string((std::istreambuf_iterator<char>(f)), {});
  };
  auto write_key = [&](const std::string& hex) {
    std::ofstream(key_file) << hex;
    std::filesystem::permissions(key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  };
  // The person's conversation goes on where it was: English chosen, so "menu" is answered with the menu only.
  auto menu_answered_in_english = [&](Session& session) {
    std::size_t before = wa_api.requests().size();
    session.say(amir, "menu");
    session.wait_answered();
    auto sent = wa_api.wait_for(before + 1);
    REQUIRE(sent.size() == before + 1);
    auto reply = json::parse(sent.back().body);
    CHECK(reply["to"] == amir.address);
    CHECK(sent.back().body.find("What do you need?") != std::string::npos);
  };

  REQUIRE(bot.start());
  {
    Session session(bot);
    session.say(amir, "hi");
    session.say(amir, "1");
    session.wait_answered();
  }
  CHECK(bot.stop() == 0);
  const std::string old_key = read_file(key_file);

  auto rotated = testing::run_approdo("admin rotate-key --config " + bot.config_path());
  CHECK_MESSAGE(rotated.exit_code == 0, rotated.output);
  CHECK(rotated.output.find("1 conversations re-keyed") != std::string::npos);
  const std::string new_key = read_file(key_file);
  CHECK(new_key != old_key);
  CHECK(data_files(bot.data_dir()).find(amir.address) == std::string::npos);
  REQUIRE(bot.start());
  {
    Session session(bot, 100);
    menu_answered_in_english(session);
  }
  CHECK(bot.stop() == 0);

  // Rotate again, and stop it between the database and the key file: the old key file is back, the new key
  // waits in approdo.key.next. The next start finishes the rotation.
  CHECK(testing::run_approdo("admin rotate-key --config " + bot.config_path()).exit_code == 0);
  std::filesystem::rename(key_file, bot.data_dir() + "/approdo.key.next");
  write_key(new_key);
  REQUIRE(bot.start());
  CHECK(bot.log().find("finished an interrupted key rotation") != std::string::npos);
  {
    Session session(bot, 200);
    menu_answered_in_english(session);
  }
  CHECK(bot.stop() == 0);

  // A wrong key is refused at start instead of serving a database nothing can be read from.
  write_key(old_key);
  CHECK(!bot.start(testing::ServedBinary::Expect::kRefusal));
  CHECK(bot.log().find("is not the key database") != std::string::npos);
}

}  // namespace
}  // namespace approdo
