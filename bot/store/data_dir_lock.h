// DataDirLock: marks a data directory as in use by a running `approdo serve`, so a second server on the same
// SQLite database, or `approdo restore` under a running server, is refused with a clear message instead of
// corrupting what the first one does. An advisory lock (flock) on <data_dir>/approdo.lock: the kernel drops
// it when the process ends, however it ends, so a crash never leaves a stale lock behind.
//
// Taken on the main thread at start and held for the life of the object.
#pragma once

#include <string>

namespace approdo {

class DataDirLock {
 public:
  // Takes the lock without waiting. On failure `error()` says why (another process holds it, or the file
  // cannot be created).
  explicit DataDirLock(const std::string& data_dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  bool held() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string error_;
};

}  // namespace approdo
