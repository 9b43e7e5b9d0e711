#include "bot/access/role.h"

#include <doctest/doctest.h>

namespace approdo::access {

TEST_CASE("roles: names round-trip and unknown names are refused") {
  for (Role r : {Role::kCaseworker, Role::kEditor, Role::kAdmin}) CHECK(parse_role(role_name(r)) == r);
  CHECK_FALSE(parse_role("Admin"));
  CHECK_FALSE(parse_role(""));
}

TEST_CASE("roles: what each may do") {
  CHECK(allows(Role::kCaseworker, Permission::kWorkTickets));
  CHECK_FALSE(allows(Role::kCaseworker, Permission::kManageUsers));
  CHECK_FALSE(allows(Role::kCaseworker, Permission::kReadAudit));
  CHECK_FALSE(allows(Role::kCaseworker, Permission::kReadStats));
  CHECK_FALSE(allows(Role::kEditor, Permission::kWorkTickets));  // no conversations for content editors
  CHECK(allows(Role::kEditor, Permission::kReadStats));
  CHECK(allows(Role::kEditor, Permission::kReadCanned));
  for (auto p : {Permission::kWorkTickets, Permission::kReadCanned, Permission::kReadStats, Permission::kManageUsers,
                 Permission::kReadAudit, Permission::kReadCaseReports})
    CHECK(allows(Role::kAdmin, p));
  // The case report is anonymous counts: the whole help desk reads it.
  for (Role r : {Role::kCaseworker, Role::kEditor}) CHECK(allows(r, Permission::kReadCaseReports));
}

}  // namespace approdo::access
