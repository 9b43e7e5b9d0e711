#include "bot/access/role.h"

namespace approdo::access {

std::optional<Role> parse_role(const std::string& name) {
  if (name == "caseworker") return Role::kCaseworker;
  if (name == "editor") return Role::kEditor;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

const char* role_name(Role role) {
  switch (role) {
    case Role::kCaseworker: return "caseworker";
    case Role::kEditor: return "editor";
    case Role::kAdmin: return "admin";
  }
  return "caseworker";
}

bool allows(Role role, Permission permission) {
  switch (permission) {
    case Permission::kWorkTickets: return role == Role::kCaseworker || role == Role::kAdmin;
    case Permission::kReadCanned:
    case Permission::kReadCaseReports: return true;
    case Permission::kReadStats: return role == Role::kEditor || role == Role::kAdmin;
    case Permission::kManageUsers:
    case Permission::kReadAudit: return role == Role::kAdmin;
  }
  return false;
}

}  // namespace approdo::access
