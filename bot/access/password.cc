#include "bot/access/password.h"

#include <sodium.h>

#include <stdexcept>

#include "bot/text/utf8.h"

namespace approdo::access {
namespace {

constexpr std::size_t kMinLength = 10;   // bytes; passphrases are encouraged over symbols
constexpr std::size_t kMaxLength = 512;  // a hash of megabytes of input would be a denial of service

}  // namespace

std::string password_problem(const std::string& password) {
  if (password.size() < kMinLength) return "the password must have at least 10 characters";
  if (password.size() > kMaxLength) return "the password must have at most 512 bytes";
  if (!text::is_valid_utf8(password)) return "the password must be UTF-8 text";
  return "";
}

std::string hash_password(const std::string& password) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not start");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("out of memory while hashing a password");
  return out;
}

bool verify_password(const std::string& password, const std::string& hash) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not start");
  if (hash.rfind("$argon2id$", 0) != 0 || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void verify_against_nothing(const std::string& password) {
  static const std::string dummy = hash_password("not a password of anyone");
  verify_password(password, dummy);
}

}  // namespace approdo::access
