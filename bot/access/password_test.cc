#include "bot/access/password.h"

#include <doctest/doctest.h>

namespace approdo::access {

TEST_CASE("password: Argon2id hashes verify only the right password") {
  std::string hash = hash_password("correct horse battery");
  CHECK(hash.rfind("$argon2id$v=19$", 0) == 0);
  CHECK(verify_password("correct horse battery", hash));
  CHECK_FALSE(verify_password("correct horse batterY", hash));
  CHECK_FALSE(verify_password("", hash));
  CHECK(hash != hash_password("correct horse battery"));  // salted
}

TEST_CASE("password: malformed or foreign hashes never match") {
  CHECK_FALSE(verify_password("anything at all", ""));
  CHECK_FALSE(verify_password("anything at all", "$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA"));
  CHECK_FALSE(verify_password("anything at all", "plain text"));
}

TEST_CASE("password: rules for new passwords") {
  CHECK(password_problem("short") == "the password must have at least 10 characters");
  CHECK(password_problem(std::string(513, 'a')) == "the password must have at most 512 bytes");
  CHECK(password_problem("long enough\xff") == "the password must be UTF-8 text");
  CHECK(password_problem("una frase lunga") == "");
}

}  // namespace approdo::access
