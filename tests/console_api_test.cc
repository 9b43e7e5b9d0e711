// The caseworker API's ticket work over real loopback HTTP and a real SQLite file: the queue (urgent first,
// routing by language, filters, counts), claim/release/transfer, replies that reach the person on their own
// channel with their delivery status, notes, closing with an outcome and referrals, the audit log, the live
// event stream, and erasure.
#include <doctest/doctest.h>

#include "adapters/whatsapp/whatsapp.h"
#include "tests/console_client.h"
#include "tests/fake_provider.h"

namespace approdo {
namespace {

using nlohmann::json;
using testing::ConsoleClient;
using testing::WebChatUser;

// A person in the web chat who asks for a human (a normal ticket), or says they are in danger (urgent).
void ask_for_person(WebChatUser& person, const std::string& first_words) {
  REQUIRE(person.send(first_words) == 202);
  person.replies(1);
  REQUIRE(person.send("human") == 202);
  person.replies(1);
}

int64_t ticket_of(ConsoleClient& c, const std::string& priority) {
  json queue = c.get("/api/v1/tickets").body;  // kept: a range-for over a temporary's member dangles
  for (const auto& t : queue["tickets"])
    if (t["priority"] == priority) return t["id"];
  return -1;
}

std::string path(int64_t ticket, const std::string& rest = "") { return "/api/v1/tickets/" + std::to_string(ticket) + rest; }

struct Desk {
  explicit Desk(Config config = {}) : bot(config) {
    testing::add_console_user(bot, "ada", "admin", {"it"});
    testing::add_console_user(bot, "carla", "caseworker", {"en"});
    testing::add_console_user(bot, "farid", "caseworker", {"fa", "ps"});
    testing::add_console_user(bot, "edo", "editor", {"en"});
    REQUIRE(ada.login("ada").status == 200);
    REQUIRE(carla.login("carla").status == 200);
    REQUIRE(farid.login("farid").status == 200);
  }
  testing::RunningBot bot;
  ConsoleClient ada{bot}, carla{bot}, farid{bot};
};

Config with_routing(int offer_all_after_minutes) {
  Config c;
  c.offer_all_after_minutes = offer_all_after_minutes;
  return c;
}

TEST_CASE("console tickets: urgent first, then the longest wait; counts and filters") {
  Desk desk(with_routing(0));
  WebChatUser first(desk.bot, std::string(32, '1')), second(desk.bot, std::string(32, '2'));
  ask_for_person(first, "hello");
  REQUIRE(second.send("hello") == 202);
  second.replies(1);
  REQUIRE(second.send("I am in danger") == 202);
  second.replies(1);

  auto queue = desk.carla.get("/api/v1/tickets").body;
  REQUIRE(queue["tickets"].size() == 2);
  CHECK(queue["tickets"][0]["priority"] == "urgent");  // opened later, shown first
  CHECK(queue["tickets"][1]["priority"] == "normal");
  CHECK(queue["tickets"][1]["reason"] == "asked");
  CHECK(queue["tickets"][0]["status"] == "waiting");
  CHECK(queue["tickets"][0]["channel"] == "webchat");
  CHECK(queue["tickets"][0]["lang"] == "en");
  CHECK(queue["tickets"][0]["overdue"] == false);
  CHECK(queue["counts"] == json{{"total", 2}, {"waiting", 2}, {"assigned", 0}, {"urgent", 1}, {"mine", 0}, {"overdue", 0}});

  CHECK(desk.carla.get("/api/v1/tickets?priority=urgent").body["tickets"].size() == 1);
  CHECK(desk.carla.get("/api/v1/tickets?lang=fa").body["tickets"].size() == 0);
  CHECK(desk.carla.get("/api/v1/tickets?mine=1").body["tickets"].size() == 0);
  int64_t urgent = ticket_of(desk.carla, "urgent");
  REQUIRE(desk.carla.post(path(urgent, "/claim")).status == 200);
  auto mine = desk.carla.get("/api/v1/tickets?mine=1").body;
  REQUIRE(mine["tickets"].size() == 1);
  CHECK(mine["tickets"][0]["id"] == urgent);
  CHECK(mine["counts"]["mine"] == 1);
  CHECK(mine["counts"]["assigned"] == 1);
}

TEST_CASE("console tickets: a waiting ticket is offered to its language's speakers first") {
  Desk desk(with_routing(30));
  WebChatUser person(desk.bot, std::string(32, '3'));
  ask_for_person(person, "hello");
  CHECK(desk.carla.get("/api/v1/tickets").body["tickets"].size() == 1);  // speaks English
  CHECK(desk.farid.get("/api/v1/tickets").body["tickets"].size() == 0);  // not yet: only after 30 minutes
  CHECK(desk.ada.get("/api/v1/tickets").body["tickets"].size() == 1);  // admins see the whole queue
  // Once someone has it, the whole team sees who works on what.
  REQUIRE(desk.carla.post(path(ticket_of(desk.carla, "normal"), "/claim")).status == 200);
  CHECK(desk.farid.get("/api/v1/tickets").body["tickets"].size() == 1);
}

TEST_CASE("console tickets: claim, release, transfer — and who may do each") {
  Desk desk(with_routing(0));
  WebChatUser person(desk.bot, std::string(32, '4'));
  ask_for_person(person, "hello");
  int64_t id = ticket_of(desk.carla, "normal");

  auto claimed = desk.carla.post(path(id, "/claim"));
  REQUIRE(claimed.status == 200);
  CHECK(claimed.body["status"] == "assigned");
  CHECK(claimed.body["assigned_to"] == "carla");
  auto taken = desk.farid.post(path(id, "/claim"));
  CHECK(taken.status == 409);
  CHECK(taken.body["error"] == "already assigned to carla");
  CHECK(desk.farid.post(path(id, "/release")).status == 403);
  CHECK(desk.farid.post(path(id, "/transfer"), {{"to", "farid"}}).status == 403);
  CHECK(desk.farid.post(path(id, "/reply"), {{"text", "hello"}}).status == 409);
  CHECK(desk.farid.post(path(id, "/close"), {{"outcome", "other"}}).status == 409);

  CHECK(desk.carla.post(path(id, "/transfer"), {{"to", "edo"}}).status == 400);  // an editor works no tickets
  CHECK(desk.carla.post(path(id, "/transfer"), {{"to", "nobody"}}).status == 400);
  CHECK(desk.carla.post(path(id, "/transfer"), json::object()).status == 400);
  CHECK(desk.carla.post(path(id, "/transfer"), {{"to", 5}}).status == 400);  // wrong types are bad input too
  auto moved = desk.carla.post(path(id, "/transfer"), {{"to", "farid"}});
  REQUIRE(moved.status == 200);
  CHECK(moved.body["assigned_to"] == "farid");
  CHECK(desk.carla.post(path(id, "/release")).status == 403);  // no longer hers
  CHECK(desk.ada.post(path(id, "/release")).status == 200);    // the admin may move any ticket
  CHECK(desk.ada.get(path(id)).body["status"] == "waiting");
  CHECK(desk.ada.post(path(id, "/release")).status == 409);  // not assigned

  auto colleagues = desk.carla.get("/api/v1/colleagues").body["colleagues"];
  std::vector<std::string> names;
  for (const auto& c : colleagues) names.push_back(c["name"]);
  CHECK(names == std::vector<std::string>{"ada", "carla", "farid"});
}

TEST_CASE("console tickets: the conversation, a reply on the person's channel, notes, close, audit and stats") {
  Desk desk(with_routing(0));
  WebChatUser person(desk.bot, std::string(32, '5'));
  ask_for_person(person, "They say I am 19 but I am 16");
  int64_t id = ticket_of(desk.carla, "normal");
  REQUIRE(desk.carla.post(path(id, "/claim")).status == 200);

  auto view = desk.carla.get(path(id)).body;
  REQUIRE(view["history"].size() >= 4);
  CHECK(view["history"][0]["direction"] == "in");
  CHECK(view["history"][0]["text"] == "They say I am 19 but I am 16");
  std::string article;
  for (const auto& h : view["history"])
    if (h["direction"] == "out" && h["source"].get<std::string>().rfind("article:", 0) == 0)
      article = h["source"].get<std::string>().substr(8);
  REQUIRE(!article.empty());  // what the bot answered, and from which article
  // The ticket's topic comes from the article the person read.
  CHECK(view["category"] == desk.bot.app().knowledge().current()->content->find(article)->category);
  CHECK(view["erased"] == false);
  CHECK(view["reply_window_closed"] == false);
  CHECK(view["notes"].empty());

  // Bad replies are refused and nothing is sent.
  CHECK(desk.carla.post(path(id, "/reply"), json::object()).body["error"] == "'text' must be 1-4096 bytes of UTF-8 text");
  CHECK(desk.carla.post(path(id, "/reply"), {{"text", std::string(4097, 'a')}}).status == 400);
  CHECK(desk.carla.post_body(path(id, "/reply"), "{\"text\": \"bad \xff UTF-8\"}").status == 400);
  CHECK(desk.carla.post(path(id, "/reply"), {{"text", 42}}).status == 400);
  auto replied = desk.carla.post(path(id, "/reply"), {{"text", "Ciao, sono Carla. Hai un tutore?"}});
  REQUIRE(replied.status == 201);
  auto got = person.replies(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0]["text"] == "Ciao, sono Carla. Hai un tutore?");
  auto last = desk.carla.get(path(id)).body["history"].back();
  CHECK(last["source"] == "caseworker:carla");
  CHECK(last["status"] == "sent");
  CHECK(last["delivery"] == "delivered");  // the web chat page fetched it
  CHECK(last["id"] == replied.body["outbox_id"]);
  CHECK(desk.carla.get(path(id)).body["first_response_at"].is_number());

  CHECK(desk.carla.post(path(id, "/notes"), {{"text", ""}}).status == 400);
  REQUIRE(desk.carla.post(path(id, "/notes"), {{"text", "Says 16; documents held by the centre."}}).status == 201);
  REQUIRE(desk.farid.post(path(id, "/notes"), {{"text", "I can call the guardian tomorrow."}}).status == 201);
  auto notes = desk.carla.get(path(id)).body["notes"];
  REQUIRE(notes.size() == 2);
  CHECK(notes[0]["author"] == "carla");
  CHECK(notes[1]["text"] == "I can call the guardian tomorrow.");
  for (const auto& h : person.replies(0)) CHECK(h["text"] != "Says 16; documents held by the centre.");  // private

  CHECK(desk.carla.post(path(id, "/close"), json::object()).status == 400);
  CHECK(desk.carla.post(path(id, "/close"), {{"outcome", "shoes"}}).status == 400);
  CHECK(desk.carla.post(path(id, "/close"), {{"outcome", 7}}).status == 400);
  CHECK(desk.carla.post(path(id, "/close"), {{"outcome", "other"}, {"referrals", "lawyer"}}).status == 400);
  CHECK(desk.carla.post(path(id, "/close"), {{"outcome", "age_assessment"}, {"referrals", {"police"}}}).status == 400);
  auto closed = desk.carla.post(path(id, "/close"), {{"outcome", "age_assessment"}, {"referrals", {"lawyer", "Guardian"}}});
  REQUIRE(closed.status == 200);
  auto bye = person.replies(1);
  REQUIRE(bye.size() == 1);
  CHECK(bye[0]["text"] == desk.bot.app().knowledge().current()->locales->text("en", "handoff_ended"));
  CHECK(desk.carla.post(path(id, "/close"), {{"outcome", "other"}}).status == 409);
  CHECK(desk.carla.post(path(id, "/reply"), {{"text", "late"}}).status == 409);
  CHECK(desk.carla.get("/api/v1/tickets").body["tickets"].empty());
  auto after = desk.carla.get(path(id)).body;
  CHECK(after["status"] == "closed");
  CHECK(after["outcome"] == "age_assessment");
  CHECK(after["referrals"] == json({"lawyer", "guardian"}));

  auto stats = desk.ada.get("/api/v1/stats").body;
  CHECK(stats["closed"] == 1);
  CHECK(stats["outcomes"] == json{{"age_assessment", 1}});
  CHECK(stats["referrals"] == json{{"guardian", 1}, {"lawyer", 1}});

  // Who viewed, replied, noted, closed: newest first, never the person's words.
  std::vector<std::string> trail;
  json audit = desk.ada.get("/api/v1/audit?ticket=" + std::to_string(id)).body;
  for (const auto& a : audit["audit"])
    trail.push_back(a["actor"].get<std::string>() + " " + a["action"].get<std::string>());
  std::reverse(trail.begin(), trail.end());
  CHECK(trail == std::vector<std::string>{"carla claim", "carla view", "carla reply", "carla view", "carla view",
                                          "carla note", "farid note", "carla view", "carla close", "carla view"});
  CHECK(desk.ada.get("/api/v1/audit?ticket=x").status == 400);
}

TEST_CASE("console tickets: the integration token keeps the first API's calls working") {
  Config config = with_routing(0);
  config.api_token = "integration-secret";
  Desk desk(config);
  WebChatUser person(desk.bot, std::string(32, '6'));
  ask_for_person(person, "hello");
  auto integration = ConsoleClient::with_token(desk.bot, "integration-secret");
  int64_t id = ticket_of(integration, "normal");
  auto r = integration.post(path(id, "/reply"), {{"text", "Sono Giulia."}, {"caseworker", "giulia"}});
  REQUIRE(r.status == 201);
  CHECK(person.replies(1)[0]["text"] == "Sono Giulia.");
  CHECK(desk.ada.get(path(id)).body["assigned_to"] == "giulia");
  CHECK(integration.post(path(id, "/close"), {{"outcome", "age assessment"}}).status == 200);  // words, as before
  auto audit = desk.ada.get("/api/v1/audit?ticket=" + std::to_string(id)).body["audit"];
  REQUIRE(audit.size() == 3);  // newest first
  CHECK(audit[0]["actor"] == "integration");
  CHECK(audit[0]["action"] == "close");
  CHECK(audit[0]["detail"] == "age_assessment");
  CHECK(audit[2]["actor"] == "integration");
  CHECK(audit[2]["action"] == "reply");
}

TEST_CASE("console tickets: a WhatsApp reply's delivery status, as the provider reports it") {
  testing::FakeProvider meta({200, testing::read_fixture("whatsapp/send_ok.json")});
  Config config = with_routing(0);
  config.whatsapp.phone_number_id = "106540352242922";
  config.whatsapp.access_token = "EAAG";
  config.whatsapp.app_secret = "app-secret";
  config.whatsapp.api_base = meta.base_url();
  Desk desk(config);
  auto c = desk.bot.client();
  auto post_signed = [&](const std::string& body) {
    auto r = c.Post("/webhooks/whatsapp", {{"X-Hub-Signature-256", whatsapp::signature("app-secret", body)}}, body,
                    "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
  };
  json inbound = json::parse(testing::read_fixture("whatsapp/text.json"));
  auto& message = inbound["entry"][0]["changes"][0]["value"]["messages"][0];
  message["text"]["body"] = "I am in danger";
  post_signed(inbound.dump());
  int64_t id = -1;
  for (int i = 0; i < 100 && id < 0; ++i) {
    desk.bot.app().workers().wait_idle();
    id = ticket_of(desk.carla, "urgent");
    if (id < 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(id > 0);
  // Everything the bot said has gone out; the next send is the caseworker's.
  auto& store = desk.bot.app().store();
  for (int i = 0; i < 500 && store.outbox_with_status("pending") + store.outbox_with_status("sending") > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::size_t before = meta.requests().size();
  meta.queue({200, R"({"messaging_product":"whatsapp","messages":[{"id":"wamid.CASEWORKER1"}]})"});
  REQUIRE(desk.carla.post(path(id, "/reply"), {{"text", "Sono Carla, sei al sicuro adesso?"}}).status == 201);
  auto sent = meta.wait_for(before + 1);
  REQUIRE(sent.size() >= before + 1);
  bool reached = false;
  for (const auto& r : sent) reached |= r.body.find("Sono Carla, sei al sicuro adesso?") != std::string::npos;
  CHECK(reached);
  // Meta reports a message's status only after its API has answered the send; the stand-in saw the request
  // before it answered, so wait until the sender has recorded the id Meta returned.
  for (int i = 0; i < 100 && desk.carla.get(path(id)).body["history"].back()["delivery"] != "sent"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));

  json status = json::parse(testing::read_fixture("whatsapp/status_failed.json"));
  auto& st = status["entry"][0]["changes"][0]["value"]["statuses"][0];
  st.erase("errors");
  st["id"] = "wamid.CASEWORKER1";
  for (const char* s : {"delivered", "read"}) {
    st["status"] = s;
    post_signed(status.dump());
    json last;
    for (int i = 0; i < 100; ++i) {
      last = desk.carla.get(path(id)).body["history"].back();
      if (last["delivery"] == s) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(last["text"] == "Sono Carla, sei al sicuro adesso?");
    CHECK(last["delivery"] == s);
  }
}

TEST_CASE("console tickets: live updates over Server-Sent Events") {
  Desk desk(with_routing(0));
  WebChatUser person(desk.bot, std::string(32, '7'));
  ask_for_person(person, "hello");
  int64_t id = ticket_of(desk.carla, "normal");
  httplib::Client stream = desk.bot.client();
  std::string received;
  std::atomic<int> changes{0};
  std::thread reader([&] {
    stream.Get("/api/v1/events", {{"Cookie", desk.carla.cookie()}},
               [&](const char* data, std::size_t n) {
                 received.append(data, n);
                 std::size_t count = 0;
                 for (auto at = received.find("event: change"); at != std::string::npos;
                      at = received.find("event: change", at + 1))
                   ++count;
                 changes = static_cast<int>(count);
                 return count < 2;  // the first (on connecting) and one more
               });
  });
  for (int i = 0; i < 200 && changes < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(changes == 1);
  REQUIRE(desk.farid.post(path(id, "/notes"), {{"text", "seen"}}).status == 201);
  reader.join();
  CHECK(changes == 2);
  CHECK(received.rfind("retry: 2000\n", 0) == 0);

  // Looking is audited but changes nothing the consoles show: it must not wake them (they would look again).
  auto& store = desk.bot.app().store();
  std::string revision = store.console_revision();
  REQUIRE(desk.carla.get(path(id)).status == 200);
  CHECK(store.console_revision() == revision);
  REQUIRE(desk.carla.post(path(id, "/claim")).status == 200);
  CHECK(store.console_revision() != revision);
  revision = store.console_revision();
  REQUIRE(desk.carla.post(path(id, "/transfer"), {{"to", "farid"}}).status == 200);
  CHECK(store.console_revision() != revision);
}

TEST_CASE("console tickets: live streams hold at most a quarter of the HTTP threads; more are told to poll") {
  Config config;
  config.http_threads = 8;  // two streams
  Desk desk(config);
  std::atomic<bool> stop{false};
  std::atomic<int> open{0};
  std::vector<std::thread> streams;
  for (int i = 0; i < 2; ++i)
    streams.emplace_back([&] {
      httplib::Client c = desk.bot.client();
      bool counted = false;
      c.Get("/api/v1/events", {{"Cookie", desk.carla.cookie()}}, [&](const char*, std::size_t) {
        if (!counted) ++open;
        counted = true;
        return !stop;
      });
    });
  for (int i = 0; i < 300 && open < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(open == 2);
  auto third = desk.farid.get("/api/v1/events");
  CHECK(third.status == 503);
  CHECK(desk.farid.get("/api/v1/tickets").status == 200);  // the rest of the server is not starved
  stop = true;
  // Each reader stops at the next chunk: a change wakes both streams.
  REQUIRE(desk.carla.post("/api/v1/tickets/999999/notes", {{"text", "x"}}).status == 404);
  WebChatUser person(desk.bot, std::string(32, '9'));
  REQUIRE(person.send("hello") == 202);
  for (auto& t : streams) t.join();
}

TEST_CASE("console tickets: stopping the server ends live streams instead of waiting for them") {
  auto desk = std::make_unique<Desk>();
  std::atomic<bool> streaming{false};
  bool ended_cleanly = false;
  std::thread reader([&, cookie = desk->carla.cookie(), port = desk->bot.port()] {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get("/api/v1/events", {{"Cookie", cookie}}, [&](const char*, std::size_t) {
      streaming = true;
      return true;
    });
    ended_cleanly = r && r->status == 200;
  });
  for (int i = 0; i < 300 && !streaming; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(streaming);
  auto t0 = std::chrono::steady_clock::now();
  desk.reset();  // stops the server
  reader.join();
  // Ended by the stop, not by the stream's 50-second lifetime.
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30));
  CHECK(ended_cleanly);
}

TEST_CASE("console tickets: a person's erasure removes the conversation and the notes, not the ticket") {
  Desk desk(with_routing(0));
  WebChatUser person(desk.bot, std::string(32, '8'));
  ask_for_person(person, "hello");
  int64_t id = ticket_of(desk.carla, "normal");
  REQUIRE(desk.carla.post(path(id, "/notes"), {{"text", "lives in Via Roma 1"}}).status == 201);
  desk.bot.app().store().erase_conversation(desk.bot.app().store().keyring().conversation_key("webchat", std::string(32, '8')));
  auto view = desk.carla.get(path(id)).body;
  CHECK(view["erased"] == true);
  CHECK(view["history"].empty());
  CHECK(view["notes"].empty());
  CHECK(view["summary"] == "");
  CHECK(desk.carla.post(path(id, "/reply"), {{"text", "hello?"}}).body["error"] == "the person erased their data");
  CHECK(desk.carla.post(path(id, "/notes"), {{"text", "more"}}).status == 409);
  CHECK(desk.carla.post(path(id, "/close"), {{"outcome", "other"}}).status == 200);
}

}  // namespace
}  // namespace approdo
