#include "bot/server/console_api.h"

#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "bot/access/password.h"
#include "bot/access/secret_token.h"
#include "bot/core/language.h"
#include "bot/core/untrusted_json.h"
#include "bot/dialogue/dialogue.h"
#include "bot/handoff/case_outcome.h"
#include "bot/report/build_report.h"
#include "bot/report/svg_chart.h"
#include "bot/server/console_assets.h"
#include "bot/text/bidi.h"
#include "bot/text/utf8.h"

namespace approdo::server {
namespace {

using nlohmann::json;
using access::Permission;

constexpr const char* kSessionCookie = "approdo_session";
constexpr int64_t kSessionMs = 12LL * 60 * 60 * 1000;  // one working day; then log in again
constexpr std::size_t kMaxTextBytes = 4096;
constexpr int kHistoryLimit = 500;
constexpr auto kStreamLifetime = std::chrono::seconds(50);  // then the browser reconnects (frees the thread)
constexpr auto kStreamHeartbeat = std::chrono::seconds(15);
constexpr int64_t kWhatsAppWindowMs = 24LL * 60 * 60 * 1000;

// Pages and API answers may not be framed, sniffed or leak the URL; API answers are never cached.
void secure_headers(httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cache-Control", "no-store");
}

void answer(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void refuse(httplib::Response& res, int status, const std::string& message) { answer(res, status, {{"error", message}}); }

// The body as a JSON object; nullopt (and 400 written) when it is not one.
std::optional<json> body_object(const httplib::Request& req, httplib::Response& res) {
  // Depth-checked and UTF-8-checked: a hostile body cannot exhaust the stack.
  auto j = parse_untrusted_json(req.body, nullptr);
  if (!j.is_object()) {
    refuse(res, 400, "the body must be a JSON object");
    return std::nullopt;
  }
  return j;
}

// A string field of 1..max bytes of UTF-8; "" with the problem in `error` otherwise.
std::string text_field(const json& body, const char* name, std::size_t max, std::string* error) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty() ||
      it->get_ref<const std::string&>().size() > max || !text::is_valid_utf8(it->get_ref<const std::string&>())) {
    *error = std::string("'") + name + "' must be 1-" + std::to_string(max) + " bytes of UTF-8 text";
    return "";
  }
  return it->get<std::string>();
}

// A string field, or `fallback` when it is missing or not a string (json::value would throw on a number).
std::string string_field(const json& body, const char* name, const std::string& fallback = "") {
  auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::string cookie_value(const httplib::Request& req, const std::string& name) {
  std::string cookies = req.get_header_value("Cookie");
  std::size_t pos = 0;
  while (pos < cookies.size()) {
    std::size_t end = cookies.find(';', pos);
    if (end == std::string::npos) end = cookies.size();
    std::string part = cookies.substr(pos, end - pos);
    part.erase(0, part.find_first_not_of(' '));
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

int64_t id_in_path(const httplib::Request& req) {
  try {
    return std::stoll(req.matches[1]);
  } catch (const std::exception&) {
    return -1;  // no ticket has it: answered 404
  }
}

json user_json(const UserRecord& u) {
  return {{"name", u.name}, {"role", u.role}, {"languages", u.languages}, {"disabled", u.disabled},
          {"created_at", u.created_at}};
}

std::string languages_problem(const json& langs, std::vector<std::string>* out) {
  if (!langs.is_array()) return "'languages' must be a list of language codes";
  for (const auto& l : langs) {
    if (!l.is_string() || !is_known_language(l.get<std::string>()))
      return "'languages' may hold only en, fr, ar, fa, ps, uk, it";
    out->push_back(l.get<std::string>());
  }
  return "";
}

}  // namespace

ConsoleApi::ConsoleApi(const ServerParts& parts)
    : parts_(parts),
      routing_{int64_t{parts.config.offer_all_after_minutes} * 60 * 1000,
               int64_t{parts.config.first_response_minutes} * 60 * 1000} {}

std::optional<ConsoleApi::Caller> ConsoleApi::caller_of(const httplib::Request& req, bool* csrf_ok) {
  *csrf_ok = true;
  std::string auth = req.get_header_value("Authorization");
  const std::string bearer = "Bearer ";
  if (auth.rfind(bearer, 0) == 0) {
    std::string token = auth.substr(bearer.size());
    if (!parts_.config.api_token.empty() && access::same_secret(token, parts_.config.api_token)) {
      UserRecord integration;
      integration.name = "integration";
      integration.role = "caseworker";
      return Caller{integration, access::Role::kCaseworker, "integration", true};
    }
    auto found = parts_.store.api_token_user(access::token_digest(token));
    if (!found) return std::nullopt;
    auto role = access::parse_role(found->first.role);
    if (!role) return std::nullopt;
    return Caller{found->first, *role, found->first.name + " (token " + found->second.label + ")"};
  }
  std::string cookie = cookie_value(req, kSessionCookie);
  if (cookie.empty()) return std::nullopt;
  auto session = parts_.store.session(access::token_digest(cookie), now_ms());
  if (!session) return std::nullopt;
  auto role = access::parse_role(session->user.role);
  if (!role) return std::nullopt;
  // A browser's changes must carry the token only our page can read (SameSite=Strict is the first wall).
  if (req.method != "GET") *csrf_ok = access::same_secret(req.get_header_value("X-CSRF-Token"), session->csrf);
  return Caller{session->user, *role, session->user.name};
}

std::optional<ConsoleApi::Caller> ConsoleApi::authorise(const httplib::Request& req, httplib::Response& res,
                                                         Permission needed) {
  secure_headers(res);
  bool csrf_ok = true;
  auto caller = caller_of(req, &csrf_ok);
  if (!caller) {
    refuse(res, 401, "log in first (or send a valid API token)");
    return std::nullopt;
  }
  if (!csrf_ok) {
    refuse(res, 403, "missing or wrong X-CSRF-Token");
    return std::nullopt;
  }
  if (!access::allows(caller->role, needed)) {
    refuse(res, 403, std::string("the ") + access::role_name(caller->role) + " role may not do this");
    return std::nullopt;
  }
  return caller;
}

void ConsoleApi::add_routes(httplib::Server& svr) {
  add_session_routes(svr);
  add_ticket_routes(svr);
  add_admin_routes(svr);
  add_report_routes(svr);
  add_event_stream(svr);
  add_console_files(svr);
}

void ConsoleApi::add_session_routes(httplib::Server& svr) {
  const bool secure_cookie = parts_.config.public_url.rfind("https://", 0) == 0;

  svr.Post("/api/v1/login", [this, secure_cookie](const httplib::Request& req, httplib::Response& res) {
    secure_headers(res);
    // Only JSON: a cross-site HTML form cannot send it, so nobody can log a browser into their account.
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0)
      return refuse(res, 415, "send the login as application/json");
    auto body = body_object(req, res);
    if (!body) return;
    std::string name = string_field(*body, "name"), password = string_field(*body, "password");
    if (name.empty() || password.empty() || name.size() > 64 || password.size() > 512)
      return refuse(res, 400, "'name' and 'password' are needed");
    int64_t now = now_ms();
    if (int64_t wait = throttle_.wait_ms(name, req.remote_addr, now); wait > 0) {
      res.set_header("Retry-After", std::to_string((wait + 999) / 1000));
      return refuse(res, 429, "too many failed logins; try again later");
    }
    auto user = parts_.store.user(name);
    bool ok = false;
    if (user && !user->disabled)
      ok = access::verify_password(password, user->password_hash);
    else
      access::verify_against_nothing(password);
    if (!ok) {
      throttle_.failed(name, req.remote_addr, now);
      parts_.store.audit(name, "login_failed", 0, "");
      return refuse(res, 401, "wrong name or password");
    }
    throttle_.succeeded(name);
    std::string token = access::new_secret_token(), csrf = access::new_secret_token();
    parts_.store.add_session(access::token_digest(token), user->id, csrf, now + kSessionMs);
    parts_.store.audit(name, "login", 0, "");
    res.set_header("Set-Cookie", std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                     std::to_string(kSessionMs / 1000) + (secure_cookie ? "; Secure" : ""));
    answer(res, 200, {{"user", user_json(*user)}, {"csrf", csrf}});
  });

  svr.Post("/api/v1/logout", [this](const httplib::Request& req, httplib::Response& res) {
    secure_headers(res);
    bool csrf_ok = true;
    auto caller = caller_of(req, &csrf_ok);
    if (!caller || !csrf_ok) return refuse(res, caller ? 403 : 401, caller ? "missing or wrong X-CSRF-Token" : "not logged in");
    parts_.store.end_session(access::token_digest(cookie_value(req, kSessionCookie)));
    res.set_header("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    answer(res, 200, {{"logged_out", true}});
  });

  // Who am I, my CSRF token (a reloaded page asks again), and the lists the close form offers.
  svr.Get("/api/v1/me", [this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kReadCanned);
    if (!caller) return;
    auto session = parts_.store.session(access::token_digest(cookie_value(req, kSessionCookie)), now_ms());
    json perms = json::array();
    for (auto [p, name] : {std::pair{Permission::kWorkTickets, "work_tickets"}, {Permission::kReadStats, "read_stats"},
                           {Permission::kReadCaseReports, "read_case_reports"},
                           {Permission::kManageUsers, "manage_users"}, {Permission::kReadAudit, "read_audit"}})
      if (access::allows(caller->role, p)) perms.push_back(name);
    answer(res, 200,
           {{"user", user_json(caller->user)},
            {"csrf", session ? session->csrf : ""},
            {"permissions", perms},
            {"outcomes", handoff::outcome_categories()},
            {"referrals", handoff::referral_kinds()},
            {"first_response_minutes", parts_.config.first_response_minutes}});
  });

  svr.Get("/api/v1/canned", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorise(req, res, Permission::kReadCanned)) return;
    std::string lang = req.has_param("lang") ? req.get_param_value("lang") : std::string(kFallbackLanguage);
    auto kb = parts_.knowledge.current();
    json list = json::array();
    for (const auto& c : kb->content->canned) {
      auto text = c.text.find(lang);
      std::string used = lang;
      if (text == c.text.end()) {
        text = c.text.find(std::string(kFallbackLanguage));
        used = kFallbackLanguage;
      }
      if (text == c.text.end()) continue;
      list.push_back({{"id", c.id}, {"title", c.title}, {"lang", used}, {"text", text->second}});
    }
    answer(res, 200, {{"canned", list}});
  });
}

void ConsoleApi::add_ticket_routes(httplib::Server& svr) {
  auto ticket_json = [this](const TicketView& t, int64_t now) {
    json referrals = json::array();
    for (std::size_t b = 0, e; b < t.referrals.size(); b = e + 1) {
      e = t.referrals.find(',', b);
      if (e == std::string::npos) e = t.referrals.size();
      referrals.push_back(t.referrals.substr(b, e - b));
    }
    return json{{"id", t.id},
                {"status", t.status},
                {"priority", t.priority},
                {"reason", t.reason},
                {"lang", t.lang},
                {"channel", t.channel},
                {"category", t.category},
                {"summary", t.summary},
                {"assigned_to", t.assigned_to},
                {"opened_at", t.opened_at},
                {"first_response_at", t.first_response_at ? json(t.first_response_at) : json(nullptr)},
                {"waited_ms", handoff::waited_ms(t, now)},
                {"overdue", handoff::overdue(t, routing_, now)},
                {"outcome", t.outcome},
                {"referrals", referrals}};
  };

  svr.Get("/api/v1/tickets", [=, this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kWorkTickets);
    if (!caller) return;
    std::string lang = req.get_param_value("lang"), priority = req.get_param_value("priority");
    bool mine = req.get_param_value("mine") == "1" || req.get_param_value("mine") == "true";
    int64_t now = now_ms();
    json list = json::array();
    json counts{{"total", 0}, {"waiting", 0}, {"assigned", 0}, {"urgent", 0}, {"mine", 0}, {"overdue", 0}};
    // An admin leads the team: the whole queue, whatever the languages.
    const std::vector<std::string> no_languages;
    const auto& languages = caller->role == access::Role::kAdmin ? no_languages : caller->user.languages;
    for (const auto& t : parts_.store.open_tickets()) {  // urgent first, then the longest wait
      if (!handoff::offered_to(t, languages, routing_, now)) continue;
      counts["total"] = counts["total"].get<int>() + 1;
      counts[t.status] = counts[t.status].get<int>() + 1;
      if (t.priority == "urgent") counts["urgent"] = counts["urgent"].get<int>() + 1;
      if (t.assigned_to == caller->user.name) counts["mine"] = counts["mine"].get<int>() + 1;
      if (handoff::overdue(t, routing_, now)) counts["overdue"] = counts["overdue"].get<int>() + 1;
      if ((!lang.empty() && t.lang != lang) || (!priority.empty() && t.priority != priority) ||
          (mine && t.assigned_to != caller->user.name))
        continue;
      list.push_back(ticket_json(t, now));
    }
    answer(res, 200, {{"tickets", list}, {"counts", counts}, {"now", now}});
  });

  svr.Get(R"(/api/v1/tickets/(\d+))", [=, this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kWorkTickets);
    if (!caller) return;
    auto t = parts_.store.ticket(id_in_path(req));
    if (!t) return refuse(res, 404, "no such ticket");
    int64_t now = now_ms();
    json history = json::array();
    int64_t last_in = 0;
    if (!t->conv_key.empty())
      for (const auto& h : parts_.store.history(t->conv_key, kHistoryLimit)) {
        if (h.direction == "in") last_in = std::max(last_in, h.at);
        json e{{"direction", h.direction}, {"id", h.id}, {"at", h.at}, {"text", h.text}};
        if (h.direction == "in") e["kind"] = h.kind;
        else e.update({{"source", h.source}, {"status", h.status}, {"delivery", h.delivery}, {"error", h.error}});
        history.push_back(std::move(e));
      }
    json notes = json::array();
    for (const auto& n : parts_.store.notes(t->id))
      notes.push_back({{"id", n.id}, {"author", n.author}, {"text", n.text}, {"at", n.created_at}});
    json out = ticket_json(*t, now);
    out["history"] = history;
    out["notes"] = notes;
    out["erased"] = t->conv_key.empty();
    // WhatsApp lets a business write freely only within 24 hours of the person's last message.
    out["reply_window_closed"] = t->channel == "whatsapp" && last_in > 0 && now - last_in > kWhatsAppWindowMs;
    parts_.store.audit(caller->actor, "view", t->id, "");
    answer(res, 200, out);
  });

  // Claim, release, transfer: who may move a ticket. A caseworker moves their own or waiting tickets; an
  // admin (the team lead) may move any.
  auto may_move = [](const Caller& c, const TicketView& t) {
    return c.role == access::Role::kAdmin || c.integration || t.assigned_to.empty() || t.assigned_to == c.user.name;
  };

  svr.Post(R"(/api/v1/tickets/(\d+)/claim)", [=, this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kWorkTickets);
    if (!caller) return;
    auto t = parts_.store.ticket(id_in_path(req));
    if (!t) return refuse(res, 404, "no such ticket");
    if (!parts_.store.claim_ticket(t->id, caller->user.name))
      return refuse(res, 409, t->status == "closed" ? "the ticket is closed" : "already assigned to " + t->assigned_to);
    parts_.store.audit(caller->actor, "claim", t->id, "");
    parts_.replies.ring();
    answer(res, 200, ticket_json(*parts_.store.ticket(t->id), now_ms()));
  });

  svr.Post(R"(/api/v1/tickets/(\d+)/release)", [=, this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kWorkTickets);
    if (!caller) return;
    auto t = parts_.store.ticket(id_in_path(req));
    if (!t) return refuse(res, 404, "no such ticket");
    if (!may_move(*caller, *t)) return refuse(res, 403, "assigned to " + t->assigned_to + ": only they or an admin may release it");
    if (!parts_.store.release_ticket(t->id)) return refuse(res, 409, "the ticket is not assigned");
    parts_.store.audit(caller->actor, "release", t->id, "");
    parts_.replies.ring();
    answer(res, 200, ticket_json(*parts_.store.ticket(t->id), now_ms()));
  });

  svr.Post(R"(/api/v1/tickets/(\d+)/transfer)", [=, this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kWorkTickets);
    if (!caller) return;
    auto body = body_object(req, res);
    if (!body) return;
    auto t = parts_.store.ticket(id_in_path(req));
    if (!t) return refuse(res, 404, "no such ticket");
    if (!may_move(*caller, *t)) return refuse(res, 403, "assigned to " + t->assigned_to + ": only they or an admin may transfer it");
    auto to = parts_.store.user(string_field(*body, "to"));
    if (!to || to->disabled || !access::allows(access::parse_role(to->role).value_or(access::Role::kEditor),
                                               Permission::kWorkTickets))
      return refuse(res, 400, "'to' must name an active caseworker or admin");
    if (!parts_.store.transfer_ticket(t->id, to->name)) return refuse(res, 409, "the ticket is closed");
    parts_.store.audit(caller->actor, "transfer", t->id, "to " + to->name);
    parts_.replies.ring();
    answer(res, 200, ticket_json(*parts_.store.ticket(t->id), now_ms()));
  });

  svr.Post(R"(/api/v1/tickets/(\d+)/reply)", [=, this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kWorkTickets);
    if (!caller) return;
    auto body = body_object(req, res);
    if (!body) return;
    std::string error, text = text_field(*body, "text", kMaxTextBytes, &error);
    if (!error.empty()) return refuse(res, 400, error);
    auto t = parts_.store.ticket(id_in_path(req));
    if (!t) return refuse(res, 404, "no such ticket");
    if (!may_move(*caller, *t)) return refuse(res, 409, "assigned to " + t->assigned_to + ": ask for a transfer first");
    // An integration may say which of its people wrote; it is recorded, not trusted for access.
    std::string author = caller->integration ? string_field(*body, "caseworker", "integration") : caller->user.name;
    OutboundMessage m{text, {}, t->lang, "caseworker:" + author};
    if (is_rtl_language(m.lang)) m.text = text::isolate_ltr_runs(m.text);
    auto id = parts_.store.caseworker_reply(t->id, author, m);
    if (!id) return refuse(res, 409, t->conv_key.empty() ? "the person erased their data" : "the ticket is closed");
    parts_.store.audit(caller->actor, "reply", t->id, "outbox " + std::to_string(*id));
    parts_.replies.ring();
    answer(res, 201, {{"outbox_id", *id}});
  });

  svr.Post(R"(/api/v1/tickets/(\d+)/notes)", [=, this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kWorkTickets);
    if (!caller) return;
    auto body = body_object(req, res);
    if (!body) return;
    std::string error, text = text_field(*body, "text", kMaxTextBytes, &error);
    if (!error.empty()) return refuse(res, 400, error);
    auto t = parts_.store.ticket(id_in_path(req));
    if (!t) return refuse(res, 404, "no such ticket");
    if (t->conv_key.empty()) return refuse(res, 409, "the person erased their data");
    int64_t id = parts_.store.add_note(t->id, caller->user.name, text);
    parts_.store.audit(caller->actor, "note", t->id, "");
    parts_.replies.ring();
    answer(res, 201, {{"note_id", id}});
  });

  svr.Post(R"(/api/v1/tickets/(\d+)/close)", [=, this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kWorkTickets);
    if (!caller) return;
    auto body = body_object(req, res);
    if (!body) return;
    auto outcome = handoff::normalize_outcome(string_field(*body, "outcome"));
    if (!outcome) return refuse(res, 400, "'outcome' must be one of the outcome categories (GET /api/v1/me)");
    std::string referrals;
    json given = body->value("referrals", json::array());
    if (!given.is_array()) return refuse(res, 400, "'referrals' must list referral kinds (GET /api/v1/me)");
    for (const auto& r : given) {
      auto kind = r.is_string() ? handoff::normalize_referral(r.get<std::string>()) : std::nullopt;
      if (!kind) return refuse(res, 400, "'referrals' must list referral kinds (GET /api/v1/me)");
      referrals += (referrals.empty() ? "" : ",") + *kind;
    }
    auto t = parts_.store.ticket(id_in_path(req));
    if (!t) return refuse(res, 404, "no such ticket");
    if (!may_move(*caller, *t)) return refuse(res, 409, "assigned to " + t->assigned_to + ": ask for a transfer first");
    auto kb = parts_.knowledge.current();
    if (!parts_.store.close_ticket(t->id, *outcome, dialogue::handoff_ended_message(*kb, t->lang), referrals))
      return refuse(res, 409, "the ticket is already closed");
    parts_.store.audit(caller->actor, "close", t->id, *outcome + (referrals.empty() ? "" : "; " + referrals));
    parts_.replies.ring();
    answer(res, 200, {{"closed", true}});
  });

  svr.Get("/api/v1/colleagues", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorise(req, res, Permission::kWorkTickets)) return;
    json list = json::array();
    for (const auto& u : parts_.store.users()) {
      auto role = access::parse_role(u.role);
      if (!u.disabled && role && access::allows(*role, Permission::kWorkTickets))
        list.push_back({{"name", u.name}, {"languages", u.languages}});
    }
    answer(res, 200, {{"colleagues", list}});
  });
}

void ConsoleApi::add_admin_routes(httplib::Server& svr) {
  svr.Get("/api/v1/users", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorise(req, res, Permission::kManageUsers)) return;
    json list = json::array();
    for (const auto& u : parts_.store.users()) list.push_back(user_json(u));
    answer(res, 200, {{"users", list}});
  });

  svr.Post("/api/v1/users", [this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kManageUsers);
    if (!caller) return;
    auto body = body_object(req, res);
    if (!body) return;
    UserRecord u;
    u.name = string_field(*body, "name");
    u.role = string_field(*body, "role");
    std::string password = string_field(*body, "password");
    if (u.name.empty() || u.name.size() > 64 || !text::is_valid_utf8(u.name))
      return refuse(res, 400, "'name' must be 1-64 bytes of UTF-8");
    if (!access::parse_role(u.role)) return refuse(res, 400, "'role' must be caseworker, editor or admin");
    if (auto e = languages_problem(body->value("languages", json::array()), &u.languages); !e.empty())
      return refuse(res, 400, e);
    if (auto e = access::password_problem(password); !e.empty()) return refuse(res, 400, e);
    u.password_hash = access::hash_password(password);
    if (!parts_.store.add_user(u)) return refuse(res, 409, "a user with that name exists");
    parts_.store.audit(caller->actor, "user_add", 0, u.name + " as " + u.role);
    answer(res, 201, user_json(*parts_.store.user(u.name)));
  });

  svr.Post(R"(/api/v1/users/([^/]+)/(disable|enable))", [this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kManageUsers);
    if (!caller) return;
    std::string name = req.matches[1], action = req.matches[2];
    if (name == caller->user.name) return refuse(res, 400, "you cannot disable yourself");
    if (!parts_.store.set_user_disabled(name, action == "disable")) return refuse(res, 404, "no such user");
    parts_.store.audit(caller->actor, "user_" + action, 0, name);
    answer(res, 200, user_json(*parts_.store.user(name)));
  });

  svr.Get("/api/v1/tokens", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorise(req, res, Permission::kManageUsers)) return;
    json list = json::array();
    for (const auto& t : parts_.store.api_tokens())
      list.push_back({{"id", t.id}, {"user", t.user}, {"label", t.label}, {"created_at", t.created_at},
                      {"revoked", t.revoked}});
    answer(res, 200, {{"tokens", list}});
  });

  svr.Post("/api/v1/tokens", [this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kManageUsers);
    if (!caller) return;
    auto body = body_object(req, res);
    if (!body) return;
    std::string error, label = text_field(*body, "label", 100, &error);
    if (!error.empty()) return refuse(res, 400, error);
    auto user = parts_.store.user(string_field(*body, "user"));
    if (!user || user->disabled) return refuse(res, 400, "'user' must name an active user (the token acts as them)");
    std::string token = access::new_secret_token();
    int64_t id = parts_.store.add_api_token(access::token_digest(token), user->id, label);
    parts_.store.audit(caller->actor, "token_add", 0, label + " for " + user->name);
    answer(res, 201, {{"id", id}, {"token", token}, {"user", user->name}, {"label", label}});  // shown once
  });

  svr.Post(R"(/api/v1/tokens/(\d+)/revoke)", [this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kManageUsers);
    if (!caller) return;
    int64_t id = id_in_path(req);
    if (!parts_.store.revoke_api_token(id)) return refuse(res, 404, "no such active token");
    parts_.store.audit(caller->actor, "token_revoke", 0, std::to_string(id));
    answer(res, 200, {{"revoked", true}});
  });

  svr.Get("/api/v1/audit", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorise(req, res, Permission::kReadAudit)) return;
    int64_t ticket = 0;
    try {
      ticket = req.has_param("ticket") ? std::stoll(req.get_param_value("ticket")) : 0;
    } catch (const std::exception&) {
      return refuse(res, 400, "'ticket' must be a number");
    }
    json list = json::array();
    for (const auto& a : parts_.store.audit_log(ticket, 1000))
      list.push_back({{"id", a.id}, {"at", a.at}, {"actor", a.actor}, {"action", a.action},
                      {"ticket", a.ticket_id ? json(a.ticket_id) : json(nullptr)}, {"detail", a.detail}});
    answer(res, 200, {{"audit", list}});
  });

  svr.Get("/api/v1/stats", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorise(req, res, Permission::kReadStats)) return;
    CaseStats s = parts_.store.case_stats();
    json outcomes = json::object(), referrals = json::object();
    for (const auto& [k, v] : s.outcomes) outcomes[k] = v;
    for (const auto& [k, v] : s.referrals) referrals[k] = v;
    answer(res, 200, {{"closed", s.closed}, {"outcomes", outcomes}, {"referrals", referrals}});
  });
}

// The reports (bot/report/): JSON for the console's pages, CSV downloads, and the charts as SVG. The editors'
// reports (gaps, articles) need read_stats; the case report is for the whole help desk. In the console the
// counts are exact; the case report's CSV is meant to leave the help desk, so its counts under 5 are hidden.
void ConsoleApi::add_report_routes(httplib::Server& svr) {
  // The report asked for, or nullopt with the refusal written.
  auto build = [this](const std::string& name, const httplib::Request& req,
                      httplib::Response& res) -> std::optional<report::Report> {
    if (!authorise(req, res, name == "cases" ? Permission::kReadCaseReports : Permission::kReadStats))
      return std::nullopt;
    std::string since = req.has_param("since") ? req.get_param_value("since") : name == "cases" ? "365d" : "30d";
    std::string error;
    auto period = report::parse_period(since, now_ms(), &error);
    if (!period) {
      refuse(res, 400, error);
      return std::nullopt;
    }
    auto knowledge = parts_.knowledge.current();
    return report::build_report(name, parts_.store, *knowledge->content, *period,
                                parts_.config.first_response_minutes, now_ms());
  };
  auto since_query = [](const httplib::Request& req) {
    return req.has_param("since") ? "?since=" + httplib::detail::encode_query_param(req.get_param_value("since"))
                                  : std::string();
  };

  svr.Get(R"(/api/v1/reports/(gaps|articles|cases))", [=, this](const httplib::Request& req, httplib::Response& res) {
    auto r = build(req.matches[1], req, res);
    if (!r) return;
    json body = report::as_json(*r);
    json charts = json::array();
    for (const auto& c : report::charts_of(r->id))
      charts.push_back({{"id", c.id}, {"title", c.title}, {"url", "/api/v1/reports/charts/" + c.id + ".svg" +
                                                                       since_query(req)}});
    body["charts"] = std::move(charts);
    body["csv_url"] = "/api/v1/reports/" + r->id + ".csv" + since_query(req);
    res.set_header("Cache-Control", "no-store");
    answer(res, 200, body);
  });

  svr.Get(R"(/api/v1/reports/(gaps|articles|cases)\.csv)", [=, this](const httplib::Request& req, httplib::Response& res) {
    auto r = build(req.matches[1], req, res);
    if (!r) return;
    if (r->id == "cases") report::suppress_small_cells(*r, report::kSmallCellThreshold);
    res.set_header("Cache-Control", "no-store");
    res.set_header("Content-Disposition",
                   "attachment; filename=\"approdo-" + r->id + "-" + r->since + "-to-" + r->until + ".csv\"");
    res.set_content(report::render_csv(*r), "text/csv; charset=utf-8");
  });

  svr.Get(R"(/api/v1/reports/charts/([a-z-]+)\.svg)", [=, this](const httplib::Request& req, httplib::Response& res) {
    const std::string chart = req.matches[1];
    std::string owner;
    for (const char* name : report::kReportNames)
      for (const auto& c : report::charts_of(name))
        if (c.id == chart) owner = name;
    if (owner.empty()) {
      if (authorise(req, res, Permission::kReadCaseReports)) refuse(res, 404, "no chart '" + chart + "'");
      return;
    }
    auto r = build(owner, req, res);
    if (!r) return;
    res.set_header("Cache-Control", "no-store");
    // An SVG opened on its own is a document: no script may run in it, whatever it holds.
    res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    res.set_content(*report::render_chart(*r, chart), "image/svg+xml");
  });
}

// Server-Sent Events: "change" whenever something the console shows may have changed, so the page refetches.
// Each stream lives kStreamLifetime and then ends (EventSource reconnects by itself), and at most a quarter of
// the HTTP threads may hold one, so webhooks always find a free thread.
void ConsoleApi::add_event_stream(httplib::Server& svr) {
  svr.Get("/api/v1/events", [this](const httplib::Request& req, httplib::Response& res) {
    auto caller = authorise(req, res, Permission::kWorkTickets);
    if (!caller) return;
    if (++event_streams_ > std::max(1, parts_.config.http_threads / 4)) {
      --event_streams_;
      return refuse(res, 503, "too many live streams; the console falls back to polling");
    }
    auto deadline = std::chrono::steady_clock::now() + kStreamLifetime;
    auto last_write = std::chrono::steady_clock::now();
    auto revision = std::make_shared<std::string>();
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, deadline, last_write, revision](std::size_t, httplib::DataSink& sink) mutable {
          if (ending_ || std::chrono::steady_clock::now() >= deadline || !sink.is_writable()) {
            sink.done();
            return true;
          }
          uint64_t seen = parts_.replies.generation();
          std::string now_rev = parts_.store.console_revision();
          std::string chunk;
          if (revision->empty()) chunk = "retry: 2000\n";
          if (now_rev != *revision) {
            *revision = now_rev;
            chunk += "event: change\ndata: " + json{{"revision", now_rev}}.dump() + "\n\n";
          } else if (std::chrono::steady_clock::now() - last_write >= kStreamHeartbeat) {
            chunk += ": still here\n\n";
          }
          if (!chunk.empty()) {
            last_write = std::chrono::steady_clock::now();
            if (!sink.write(chunk.data(), chunk.size())) return false;
          }
          parts_.replies.wait_after(seen, std::chrono::milliseconds(1000));
          return true;
        },
        [this](bool) { --event_streams_; });
  });
}

void ConsoleApi::end_streams() {
  ending_ = true;
  parts_.replies.ring();  // wakes streams waiting for a change
  for (int i = 0; i < 200 && event_streams_ > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void ConsoleApi::add_console_files(httplib::Server& svr) {
  svr.Get("/console", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/console/"); });
  svr.Get(R"(/console/([a-z0-9.-]*))", [](const httplib::Request& req, httplib::Response& res) {
    std::string name = req.matches[1];
    auto asset = console_asset(name.empty() ? "index.html" : name);
    secure_headers(res);
    // No inline script or style anywhere: the console's JS and CSS are files of its own origin.
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                   "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    if (!asset) return refuse(res, 404, "no such file");
    res.set_content(std::string(asset->content), std::string(asset->content_type));
  });
}

}  // namespace approdo::server
