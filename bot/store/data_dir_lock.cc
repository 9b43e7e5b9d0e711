#include "bot/store/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace approdo {

DataDirLock::DataDirLock(const std::string& data_dir) {
  std::string path = (std::filesystem::path(data_dir) / "approdo.lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    error_ = "cannot open " + path + ": " + std::strerror(errno);
    return;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    error_ = errno == EWOULDBLOCK ? "another approdo is running on " + data_dir + " (stop it first)"
                                  : "cannot lock " + path + ": " + std::strerror(errno);
    ::close(fd);
    return;
  }
  fd_ = fd;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace approdo
