#include "bot/app/users_command.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "bot/access/password.h"
#include "bot/access/role.h"
#include "bot/app/open_store.h"
#include "bot/core/language.h"
#include "bot/store/keyring.h"
#include "bot/store/store.h"

namespace approdo {
namespace {

std::string read_line_quietly(const char* prompt) {
  std::fprintf(stderr, "%s", prompt);
  termios old{};
  bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  }
  return line;
}

// The new password, checked; "" (with the reason printed) when refused.
std::string new_password() {
  bool tty = isatty(STDIN_FILENO);
  std::string password = read_line_quietly(tty ? "password: " : "");
  if (tty && read_line_quietly("again: ") != password) {
    std::fprintf(stderr, "approdo: the two passwords differ\n");
    return "";
  }
  if (auto problem = access::password_problem(password); !problem.empty()) {
    std::fprintf(stderr, "approdo: %s\n", problem.c_str());
    return "";
  }
  return password;
}

}  // namespace

UsersCommand::UsersCommand(CLI::App& users) {
  users.require_subcommand(1);
  users.fallthrough();  // --config may follow the subcommand
  add_ = users.add_subcommand("add", "add a console user (the password is read from the terminal or stdin)");
  add_->add_option("name", name_, "login name")->required();
  add_->add_option("--role", role_, "caseworker, editor or admin")->check(CLI::IsMember({"caseworker", "editor", "admin"}));
  add_->add_option("--languages", languages_, "languages the person speaks, e.g. fa,ps,en (tickets in them come first)");
  list_ = users.add_subcommand("list", "list console users");
  disable_ = users.add_subcommand("disable", "disable a user: ends their sessions and revokes their API tokens");
  disable_->add_option("name", name_)->required();
  enable_ = users.add_subcommand("enable", "enable a disabled user again");
  enable_->add_option("name", name_)->required();
  passwd_ = users.add_subcommand("passwd", "set a new password (ends the user's sessions)");
  passwd_->add_option("name", name_)->required();
}

bool UsersCommand::parsed() const {
  return add_->parsed() || list_->parsed() || disable_->parsed() || enable_->parsed() || passwd_->parsed();
}

int UsersCommand::run(const Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  auto keys = Keyring::load_or_create(config.data_dir, process_environment());
  if (!keys.keyring) {
    std::fprintf(stderr, "approdo: %s\n", keys.error.c_str());
    return 3;
  }
  std::unique_ptr<Store> store;
  try {
    store = open_store(config, *keys.keyring);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "approdo: cannot open %s: %s\n", store_name(config).c_str(), e.what());
    return 3;
  }

  if (list_->parsed()) {
    std::printf("%-24s %-11s %-20s %s\n", "name", "role", "languages", "status");
    for (const auto& u : store->users()) {
      std::string langs;
      for (const auto& l : u.languages) langs += (langs.empty() ? "" : ",") + l;
      std::printf("%-24s %-11s %-20s %s\n", u.name.c_str(), u.role.c_str(), langs.c_str(),
                  u.disabled ? "disabled" : "active");
    }
    return 0;
  }
  if (disable_->parsed() || enable_->parsed()) {
    bool disable = disable_->parsed();
    if (!store->set_user_disabled(name_, disable)) {
      std::fprintf(stderr, "approdo: no user '%s'\n", name_.c_str());
      return 1;
    }
    store->audit("shell", disable ? "user_disable" : "user_enable", 0, name_);
    std::printf("%s %s\n", name_.c_str(), disable ? "disabled" : "enabled");
    return 0;
  }
  if (passwd_->parsed()) {
    if (!store->user(name_)) {
      std::fprintf(stderr, "approdo: no user '%s'\n", name_.c_str());
      return 1;
    }
    std::string password = new_password();
    if (password.empty()) return 1;
    store->set_password_hash(name_, access::hash_password(password));
    store->audit("shell", "user_passwd", 0, name_);
    std::printf("password of %s changed; their sessions ended\n", name_.c_str());
    return 0;
  }
  // add
  UserRecord u;
  u.name = name_;
  u.role = role_;
  std::stringstream langs(languages_);
  for (std::string l; std::getline(langs, l, ',');) {
    if (l.empty()) continue;
    if (!is_known_language(l)) {
      std::fprintf(stderr, "approdo: unknown language '%s' (en, fr, ar, fa, ps, uk, it)\n", l.c_str());
      return 1;
    }
    u.languages.push_back(l);
  }
  if (name_.empty() || name_.size() > 64) {
    std::fprintf(stderr, "approdo: the name must have 1-64 bytes\n");
    return 1;
  }
  if (store->user(name_)) {
    std::fprintf(stderr, "approdo: a user '%s' exists already\n", name_.c_str());
    return 1;
  }
  std::string password = new_password();
  if (password.empty()) return 1;
  u.password_hash = access::hash_password(password);
  if (!store->add_user(u)) {
    std::fprintf(stderr, "approdo: a user '%s' exists already\n", name_.c_str());
    return 1;
  }
  store->audit("shell", "user_add", 0, u.name + " as " + u.role);
  std::printf("added %s (%s)\n", u.name.c_str(), u.role.c_str());
  return 0;
}

}  // namespace approdo
