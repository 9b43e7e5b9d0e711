// Backup and restore of the SQLite database, for `approdo backup FILE` / `approdo restore FILE` and for the
// copy Store takes before migrating. Uses SQLite's online backup: the copy is one consistent moment of the
// database while the server keeps reading and writing it (WAL: the copy never blocks a writer).
//
// Any thread; each call opens its own connections. An operator's mistake (a file that is not an Approdo
// database, one made with another secret key, a server still running) is returned as an error string;
// failures of the machine (disk full, I/O) throw, as everywhere in the store.
#pragma once

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>

#include "bot/store/keyring.h"

namespace approdo {

// What a backup holds, for the operator's confirmation line.
struct DatabaseSummary {
  int schema_version = 0;
  int64_t conversations = 0, messages = 0, outbox = 0, tickets = 0;
  std::string describe() const;  // "schema v2: 3 conversations, 12 messages, 20 replies, 1 ticket"
};

struct BackupResult {
  DatabaseSummary summary;
  std::string error;  // empty on success
};

// Writes a consistent copy of the database `source` is connected to into `dest`, replacing it. The copy is
// one self-contained file (no -wal beside it), checked before it takes the name `dest`, so a crash midway
// never leaves a half-written `dest`. Throws on I/O failure.
void copy_database(SQLite::Database& source, const std::string& dest);

// `approdo backup`: copies the database at `db_path` (which a server may be using) to `dest`.
BackupResult backup_database(const std::string& db_path, const std::string& dest);

// `approdo restore`: checks `backup` (a sound SQLite file, an Approdo schema no newer than this build's, its
// addresses sealed with `keyring`), keeps the current database as `<db_path>.before-restore`, puts the
// backup in its place and migrates it to this build's schema. The caller makes sure no server is running.
BackupResult restore_database(const std::string& backup, const std::string& db_path, const Keyring& keyring);

}  // namespace approdo
