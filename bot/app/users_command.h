// `approdo users add|list|disable|passwd`: the people who may use the caseworker console, managed from the
// server's shell (the first admin must come from somewhere; later ones can also be added in the console).
// Passwords are read from the terminal without echo (asked twice), or as the first line of stdin when it is
// not a terminal, never from the command line (it would stay in the shell history and in `ps`).
//
// Used by main() only, on the main thread.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "bot/app/config.h"

namespace approdo {

class UsersCommand {
 public:
  // Adds the subcommands under `users` (created by the caller, which also gives it --config).
  explicit UsersCommand(CLI::App& users);
  bool parsed() const;
  // Exit code: 0 done, 1 refused (name taken, no such user, weak password), 3 the database could not open.
  int run(const Config& config);

 private:
  CLI::App *add_ = nullptr, *list_ = nullptr, *disable_ = nullptr, *enable_ = nullptr, *passwd_ = nullptr;
  std::string name_, role_ = "caseworker", languages_;
};

}  // namespace approdo
