// Roles of console users and what each may do. Every API route names the permission it needs and the server
// checks it (the console hiding a button is a convenience, never the protection). Pure; any thread.
//
//   caseworker  works tickets: queue, conversations, replies, notes, claim/release/transfer, close
//   editor      keeps the content: canned replies, the anonymous outcome statistics and the editors' reports
//               (questions not answered, article reading and feedback), no conversations
//   everyone    the help desk's case report (anonymous counts)
//   admin       everything a caseworker does, plus users, API tokens and the audit log
#pragma once

#include <optional>
#include <string>

namespace approdo::access {

enum class Role { kCaseworker, kEditor, kAdmin };

enum class Permission {
  kWorkTickets,   // read conversations, reply, notes, claim, release, transfer, close
  kReadCanned,    // canned replies
  kReadStats,     // anonymous counts of outcomes and referrals; the editors' reports (gaps, articles)
  kReadCaseReports,  // the help desk's case report: anonymous counts per month
  kManageUsers,   // users and API tokens
  kReadAudit,     // who did what to which ticket
};

std::optional<Role> parse_role(const std::string& name);
const char* role_name(Role role);
bool allows(Role role, Permission permission);

}  // namespace approdo::access
