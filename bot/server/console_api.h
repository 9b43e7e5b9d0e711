// ConsoleApi: the caseworker API (/api/v1/…) and the web console's files (/console/). Every route
// authenticates the caller — a session cookie (browsers; changes need the session's CSRF token), a user's API
// token, or the configured integration token — and checks the caller's role on the server before doing
// anything. Ticket work is written to the audit log. The routes are described in console/openapi.yaml.
//
// Built and registered by HttpServer (add_routes) on the main thread; its handlers then run on the HTTP pool's
// threads. State of its own: the login throttle (locked inside) and the count of open event streams.
#pragma once

#include <atomic>
#include <string>

#include "bot/access/login_throttle.h"
#include "bot/access/role.h"
#include "bot/handoff/routing.h"
#include "bot/server/http_server.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace approdo::server {

class ConsoleApi {
 public:
  explicit ConsoleApi(const ServerParts& parts);
  void add_routes(httplib::Server& svr);
  // Ends the live event streams (each within a second) and waits, at most two seconds, until they have:
  // stopping the server first would cut them without their last chunk, stopping after them never waits for
  // their 50-second lifetime. Any thread; called once, by HttpServer::stop.
  void end_streams();

  // Who is calling, once authenticated.
  struct Caller {
    UserRecord user;
    access::Role role = access::Role::kCaseworker;
    std::string actor;  // for the audit log: the user's name, or "integration"
    bool integration = false;  // the configured api_token: a system acting for its own people
  };

 private:
  void add_session_routes(httplib::Server& svr);
  void add_ticket_routes(httplib::Server& svr);
  void add_admin_routes(httplib::Server& svr);
  void add_report_routes(httplib::Server& svr);
  void add_event_stream(httplib::Server& svr);
  void add_console_files(httplib::Server& svr);

  // The caller, or nullopt with the refusal (401, 403) already written to `res`.
  std::optional<Caller> authorise(const httplib::Request& req, httplib::Response& res, access::Permission needed);
  std::optional<Caller> caller_of(const httplib::Request& req, bool* csrf_ok);

  const ServerParts& parts_;
  handoff::RoutingPolicy routing_;
  access::LoginThrottle throttle_;
  std::atomic<int> event_streams_{0};
  std::atomic<bool> ending_{false};
};

}  // namespace approdo::server
