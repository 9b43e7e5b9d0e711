#include "bot/store/keyring.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace approdo {
namespace {

bool from_hex(std::string_view hex, unsigned char* out, size_t n) {
  size_t bin_len = 0;
  return sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &bin_len, nullptr) == 0 && bin_len == n;
}

}  // namespace

Keyring Keyring::generate() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  Keyring k;
  randombytes_buf(k.hash_key_.data(), k.hash_key_.size());
  randombytes_buf(k.seal_key_.data(), k.seal_key_.size());
  return k;
}

std::optional<Keyring> Keyring::from_hex(std::string_view hex) {
  Keyring k;
  if (hex.size() != 128 || !approdo::from_hex(hex.substr(0, 64), k.hash_key_.data(), 32) ||
      !approdo::from_hex(hex.substr(64), k.seal_key_.data(), 32))
    return std::nullopt;
  return k;
}

std::string Keyring::to_hex() const {
  char buf[129];
  sodium_bin2hex(buf, 65, hash_key_.data(), hash_key_.size());
  sodium_bin2hex(buf + 64, 65, seal_key_.data(), seal_key_.size());
  return std::string(buf, 128);
}

int64_t Keyring::fingerprint() const {
  // 60 bits of the hash of the sealing key under the hash key: both keys must match for the same number.
  std::string h = conversation_key("fingerprint", to_hex().substr(64));
  return static_cast<int64_t>(std::stoull(h.substr(0, 15), nullptr, 16));
}

std::string Keyring::write_file(const std::string& path) const {
  std::string tmp = path + ".tmp";
  mode_t old = umask(077);
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << to_hex() << "\n";
    out.flush();
    if (!out) {
      umask(old);
      return tmp + ": cannot write the key file";
    }
  }
  umask(old);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return ec ? path + ": " + ec.message() : "";
}

Keyring::LoadResult Keyring::load_or_create(const std::string& data_dir,
                                            const std::map<std::string, std::string>& env) {
  LoadResult r;
  if (sodium_init() < 0) {
    r.error = "libsodium could not be initialised";
    return r;
  }
  std::string hex;
  if (auto it = env.find("APPRODO_SECRET_KEY"); it != env.end()) {
    hex = it->second;
    r.source = "environment";
  } else {
    std::filesystem::path file = std::filesystem::path(data_dir) / "approdo.key";
    r.source = file.string();
    if (std::filesystem::exists(file)) {
      struct stat st {};
      if (stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
        r.error = file.string() + ": key file must not be readable by others (chmod 600)";
        return r;
      }
      std::ifstream in(file);
      std::getline(in, hex);
    } else {
      std::error_code ec;
      std::filesystem::create_directories(data_dir, ec);
      Keyring fresh = generate();
      r.error = fresh.write_file(file.string());
      if (!r.error.empty()) return r;
      hex = fresh.to_hex();
      r.created = true;
    }
  }
  r.keyring = from_hex(hex);
  if (!r.keyring) r.error = r.source + ": the secret key must be 128 hex digits";
  return r;
}

std::string Keyring::conversation_key(std::string_view channel, std::string_view address) const {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, hash_key_.data(), hash_key_.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(channel.data()), channel.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(":"), 1);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(address.data()), address.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[2 * sizeof mac + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string(hex, 32);  // 128 bits are plenty to tell conversations apart, and keep rows small
}

std::string Keyring::seal(std::string_view plaintext) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(p, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(p + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), p, seal_key_.data());
  return out;
}

std::optional<std::string> Keyring::open(std::string_view sealed) const {
  if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string out(sealed.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()), p + crypto_secretbox_NONCEBYTES,
                                 sealed.size() - crypto_secretbox_NONCEBYTES, p, seal_key_.data()) != 0)
    return std::nullopt;
  return out;
}

}  // namespace approdo
