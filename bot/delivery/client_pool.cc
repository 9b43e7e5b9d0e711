#include "bot/delivery/client_pool.h"

#include <httplib.h>

namespace approdo::delivery {

ClientPool::ClientPool(std::function<std::unique_ptr<httplib::Client>()> make) : make_(std::move(make)) {}

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
  return Lease(*this, make_());
}

void ClientPool::give_back(std::unique_ptr<httplib::Client> client) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(client));
}

}  // namespace approdo::delivery
