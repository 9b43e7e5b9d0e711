// Passwords of console users: Argon2id hashes (libsodium crypto_pwhash_str, interactive limits), and the
// rules a new password must meet. Pure functions; any thread. Hashing costs ~64 MiB and tens of
// milliseconds on purpose (that is what makes a stolen database expensive to crack).
#pragma once

#include <string>

namespace approdo::access {

// "" when the password is acceptable, else why not (for the person choosing it).
std::string password_problem(const std::string& password);

// The encoded hash ($argon2id$v=19$m=...), salt included. Throws std::runtime_error when out of memory.
std::string hash_password(const std::string& password);

// True when `password` matches `hash`. A malformed hash never matches.
bool verify_password(const std::string& password, const std::string& hash);

// Spends the same time as a verification, for logins with an unknown name: the answer's timing must not
// tell whether an account exists.
void verify_against_nothing(const std::string& password);

}  // namespace approdo::access
