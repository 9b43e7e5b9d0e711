// Random secrets handed to clients — session cookies, CSRF tokens, API tokens — and the digest under which
// the server keeps them, so that a copy of the database opens no session. Any thread.
#pragma once

#include <string>

namespace approdo::access {

// 32 random bytes as 64 lower-case hex digits.
std::string new_secret_token();
// hex(SHA-256(token)).
std::string token_digest(const std::string& token);
// Constant-time comparison of two strings (lengths are not secret).
bool same_secret(const std::string& a, const std::string& b);

}  // namespace approdo::access
