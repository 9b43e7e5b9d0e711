// PgCluster: a throwaway PostgreSQL server for the tests of the PostgreSQL store — Debian's postgresql
// binaries, a new cluster (initdb) in a temporary directory, listening on a free loopback port, stopped and
// removed when the test binary exits. initdb refuses to run as root, so under root (CI) the cluster runs as
// the `postgres` system user that Debian's package creates. Each test takes a database of its own.
//
// Used by test files (and benchmarks) only; shared() and new_database() from any thread.
#pragma once

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>

#include "tests/test_support.h"

namespace approdo::testing {

class PgCluster {
 public:
  // The one cluster of this process, started on first use. Throws (failing the test) when it cannot start:
  // scripts/bootstrap installs the postgresql package, so a missing server is a broken setup, not a skip.
  static PgCluster& shared() {
    static PgCluster cluster;
    return cluster;
  }

  // A new, empty database; returns its URL.
  std::string new_database() {
    std::lock_guard lock(mu_);
    std::string name = "approdo_test_" + std::to_string(++databases_);
    pqxx::connection admin(url("postgres"));
    pqxx::nontransaction(admin).exec("CREATE DATABASE " + name);
    return url(name);
  }

  std::string url(const std::string& database) const {
    return "postgresql://approdo@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

  ~PgCluster() { run(pg_ctl_ + " -D " + data_ + " -m immediate stop >/dev/null 2>&1"); }

 private:
  PgCluster() {
    std::string bin = find_bin_dir();
    if (bin.empty()) throw std::runtime_error("PostgreSQL server binaries not found (apt-get install postgresql)");
    pg_ctl_ = bin + "/pg_ctl";
    data_ = (dir_.path() / "data").string();
    port_ = free_port();
    if (geteuid() == 0) {
      // initdb will not run as root: the cluster belongs to the postgres user.
      const passwd* pw = getpwnam("postgres");
      if (!pw) throw std::runtime_error("running as root and there is no 'postgres' user to run PostgreSQL as");
      std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);
      as_ = "runuser -u postgres -- ";
      if (chown(dir_.path().c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("cannot give the cluster directory to the postgres user");
    }
    std::string log = (dir_.path() / "server.log").string();
    if (run(bin + "/initdb -D " + data_ + " -U approdo --auth=trust -E UTF8 --no-locale >" +
            (dir_.path() / "initdb.log").string() + " 2>&1") != 0)
      throw std::runtime_error("initdb failed: see " + (dir_.path() / "initdb.log").string());
    // Throwaway data: no fsync. Sockets only on loopback TCP and in our own directory.
    std::string options = "-p " + std::to_string(port_) + " -k " + dir_.path().string() +
                          " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
                          " -c full_page_writes=off -c max_connections=300";
    if (run(pg_ctl_ + " -D " + data_ + " -l " + log + " -o '" + options + "' -w -t 60 start >/dev/null") != 0)
      throw std::runtime_error("PostgreSQL did not start: see " + log);
  }

  int run(const std::string& command) const { return std::system((as_ + command).c_str()); }

  static std::string find_bin_dir() {
    std::string best;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
      if (std::filesystem::exists(e.path() / "bin" / "initdb") && e.path().string() > best) best = e.path().string();
    return best.empty() ? "" : best + "/bin";
  }

  static int free_port() {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      close(s);
      throw std::runtime_error("no free loopback port for PostgreSQL");
    }
    close(s);
    return ntohs(a.sin_port);
  }

  ScratchDir dir_;
  std::string as_;  // prefix that runs a command as the cluster's owner ("" = ourselves)
  std::string pg_ctl_, data_;
  int port_ = 0;
  std::mutex mu_;
  int databases_ = 0;
};

}  // namespace approdo::testing
