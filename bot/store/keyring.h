// Keyring: the server's two secrets for personal data. A keyed hash (HMAC-SHA256) turns a channel address
// into the conversation key used everywhere (database, logs); the address itself, needed to reply, is kept
// only sealed (XSalsa20-Poly1305, libsodium secretbox). Immutable after load; any thread.
//
// Keys come from APPRODO_SECRET_KEY (128 hex digits: hash key then sealing key) or from `<data_dir>/approdo.key`
// (mode 0600). With neither, the first start creates the file and says so. Rotation: `approdo admin rotate-key`
// (README "Privacy").
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace approdo {

class Keyring {
 public:
  struct LoadResult;
  static LoadResult load_or_create(const std::string& data_dir, const std::map<std::string, std::string>& env);
  // New random keys (rotation).
  static Keyring generate();
  // From 128 hex digits; nullopt when they are not.
  static std::optional<Keyring> from_hex(std::string_view hex);
  // The 128 hex digits that from_hex() and the key file take.
  std::string to_hex() const;
  // A number naming these keys without revealing them (kept in the database, so that a wrong key is caught).
  int64_t fingerprint() const;
  // Writes to_hex() to `path`, readable by the owner only (0600), replacing it atomically. Returns the error.
  std::string write_file(const std::string& path) const;

  // hex(HMAC-SHA256(hash_key, channel ":" address)): stable, not reversible without the key.
  std::string conversation_key(std::string_view channel, std::string_view address) const;
  // nonce || ciphertext, as bytes.
  std::string seal(std::string_view plaintext) const;
  // nullopt when the box was not sealed with this key or was altered.
  std::optional<std::string> open(std::string_view sealed) const;

 private:
  std::array<unsigned char, 32> hash_key_{};
  std::array<unsigned char, 32> seal_key_{};
};

struct Keyring::LoadResult {
  std::optional<Keyring> keyring;
  bool created = false;   // a new key file was written
  std::string source;     // "environment" or the key file path
  std::string error;
};

}  // namespace approdo
