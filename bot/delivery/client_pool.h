// ClientPool: keep-alive HTTP clients to one provider, so that a channel's sender threads each send on a
// connection of their own (httplib::Client serialises its requests: shared, one slow send would hold up the
// others). A client is lent for one send and comes back with its connection still open; the pool opens a new
// one only when every client is lent out, so it holds at most as many as there are sender threads. Every
// client is set up alike for every provider: TCP_NODELAY, keep-alive, a 5 s connect timeout, the channel's
// read/write timeout; the adapter adds only its credentials.
//
// Thread-safety: take() from any thread; a Lease is used by the thread that took it.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace httplib {
class Client;
}

namespace approdo::delivery {

class ClientPool {
 public:
  // `origin` is scheme://host[:port]; `authorize` sets the provider's credentials on a new client.
  ClientPool(std::string origin, int timeout_ms, std::function<void(httplib::Client&)> authorize);
  ~ClientPool();

  class Lease {
   public:
    Lease(ClientPool& pool, std::unique_ptr<httplib::Client> client);
    ~Lease();  // gives the client back
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    httplib::Client* operator->() const { return client_.get(); }

   private:
    ClientPool& pool_;
    std::unique_ptr<httplib::Client> client_;
  };
  Lease take();

 private:
  void give_back(std::unique_ptr<httplib::Client> client);

  std::unique_ptr<httplib::Client> make() const;

  const std::string origin_;
  const int timeout_ms_;
  const std::function<void(httplib::Client&)> authorize_;
  std::mutex mu_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;
};

}  // namespace approdo::delivery
