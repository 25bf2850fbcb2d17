// The signing keys' private halves as a SQLite data directory keeps them: sealed in
// gatehouse.db's signing_keys.private_key under the key-encryption key in keys/kek (the
// default, src/server/key_encryption.h). For suites that need a server's private key (to
// sign forged tokens) or that rebuild the data directory of an older build.
#pragma once

#include <sqlite3.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gatehouse/crypto/secret_box.h"

namespace gatehouse::test {

// The sealed private half of `kid` in `data_dir`'s database; "" when it has none or
// there is no such key.
inline std::string stored_private_key(const std::string& data_dir, const std::string& kid) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2((data_dir + "/gatehouse.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT private_key FROM signing_keys WHERE kid = ?", -1, &s,
                           nullptr) == SQLITE_OK) {
      sqlite3_bind_text(s, 1, kid.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(s) == SQLITE_ROW) {
        const unsigned char* t = sqlite3_column_text(s, 0);
        if (t) out = reinterpret_cast<const char*>(t);
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

// The PEM of `kid`'s private key, opened with `data_dir`/keys/kek; "" when that fails.
inline std::string private_pem(const std::string& data_dir, const std::string& kid) {
  std::ifstream in(data_dir + "/keys/kek", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto kek = crypto::parse_key_encryption_key(text.str());
  if (!kek) return "";
  auto pem = crypto::open_secret(*kek, stored_private_key(data_dir, kid), kid);
  return pem ? *pem : "";
}

}  // namespace gatehouse::test
