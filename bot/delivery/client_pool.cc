#include "bot/delivery/client_pool.h"

#include <httplib.h>

namespace approdo::delivery {

ClientPool::ClientPool(std::string origin, int timeout_ms, std::function<void(httplib::Client&)> authorize)
    : origin_(std::move(origin)), timeout_ms_(timeout_ms), authorize_(std::move(authorize)) {}

std::unique_ptr<httplib::Client> ClientPool::make() const {
  auto client = std::make_unique<httplib::Client>(origin_);
  client->set_tcp_nodelay(true);  // ../shared/notes/libraries.md: without it keep-alive requests stall
  client->set_connection_timeout(5, 0);
  client->set_read_timeout(std::chrono::milliseconds(timeout_ms_));
  client->set_write_timeout(std::chrono::milliseconds(timeout_ms_));
  client->set_keep_alive(true);
  authorize_(*client);
  return client;
}

ClientPool::~ClientPool() = default;

ClientPool::Lease::Lease(ClientPool& pool, std::unique_ptr<httplib::Client> client)
    : pool_(pool), client_(std::move(client)) {}

ClientPool::Lease::~Lease() { pool_.give_back(std::move(client_)); }

ClientPool::Lease ClientPool::take() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto client = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(client));
    }
  }
  return Lease(*this, make());
}

void ClientPool::give_back(std::unique_ptr<httplib::Client> client) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(client));
}

}  // namespace approdo::delivery
