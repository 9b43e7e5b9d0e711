#include "bot/app/open_store.h"

#include <filesystem>

#include "bot/store/pg_store.h"
#include "bot/store/sqlite_store.h"

namespace approdo {

std::unique_ptr<Store> open_store(const Config& config, const Keyring& keyring) {
  if (config.uses_postgresql()) return std::make_unique<PgStore>(config.store, keyring);
  return std::make_unique<SqliteStore>(config.sqlite_path(), keyring);
}

std::string store_name(const Config& config) {
  return config.uses_postgresql() ? "the PostgreSQL database (store)" : "database " + config.sqlite_path();
}

bool store_exists(const Config& config) {
  return config.uses_postgresql() || std::filesystem::exists(config.sqlite_path());
}

}  // namespace approdo
