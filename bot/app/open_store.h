// Opens the store the config names (`store` key): SQLite in data_dir, the default, or PostgreSQL
// (postgresql://…, several instances). For App::open and the operator's commands; any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "bot/app/config.h"
#include "bot/store/store.h"

namespace approdo {

// Opens (creating and migrating as needed). Throws std::exception when the database cannot be opened.
std::unique_ptr<Store> open_store(const Config& config, const Keyring& keyring);

// How messages name the store: "database <the SQLite file>", or "the PostgreSQL database (store)" — never
// the URL, which may hold a password.
std::string store_name(const Config& config);

// Whether the store may hold data already: the SQLite file exists (PostgreSQL: it is asked when opened).
bool store_exists(const Config& config);

// The database and keys of `config` for an operator's command (admin, rotate-key, report), or nullopt with
// the problem printed on stderr. Never creates a key: without one there is no data to look up.
struct AdminStore {
  Keyring keys;
  std::string key_source;
  std::unique_ptr<Store> store;
};
std::optional<AdminStore> open_for_admin(const Config& config);

}  // namespace approdo
