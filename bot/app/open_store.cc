#include "bot/app/open_store.h"

#include <cstdio>
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

std::optional<AdminStore> open_for_admin(const Config& config) {
  auto env = process_environment();
  std::filesystem::path key_file = std::filesystem::path(config.data_dir) / "approdo.key";
  const std::string db_name = store_name(config);
  if (!env.count("APPRODO_SECRET_KEY") && !std::filesystem::exists(key_file)) {
    std::fprintf(stderr, "approdo: no secret key (APPRODO_SECRET_KEY or %s): no data to look up\n",
                 key_file.c_str());
    return std::nullopt;
  }
  auto keys = Keyring::load_or_create(config.data_dir, env);
  if (!keys.keyring) {
    std::fprintf(stderr, "approdo: %s\n", keys.error.c_str());
    return std::nullopt;
  }
  if (!store_exists(config)) {
    std::fprintf(stderr, "approdo: no %s\n", db_name.c_str());
    return std::nullopt;
  }
  AdminStore a{*keys.keyring, keys.source, open_store(config, *keys.keyring)};
  if (!a.store->key_matches()) {
    std::fprintf(stderr, "approdo: the key from %s is not the key of %s\n", keys.source.c_str(), db_name.c_str());
    return std::nullopt;
  }
  return a;
}

}  // namespace approdo
