// Opens the store the config names (`store` key): SQLite in data_dir, the default, or PostgreSQL
// (postgresql://…, several instances). For App::open and the operator's commands; any thread.
#pragma once

#include <memory>
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

}  // namespace approdo
