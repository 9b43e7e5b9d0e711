// Running the approdo binary as a person or a script does: from the repository root, stdin from a string,
// stdout and stderr together. Test files only.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "tests/test_support.h"

namespace approdo::testing {

struct Run {
  int exit_code;
  std::string output;
};

inline Run run_approdo(const std::string& args, const std::string& stdin_text = "") {
  ScratchDir dir;
  std::string in = dir.write("stdin.txt", stdin_text);
  std::string cmd = "cd " + source_dir() + " && " + APPRODO_BINARY + " " + args + " < " + in + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace approdo::testing
