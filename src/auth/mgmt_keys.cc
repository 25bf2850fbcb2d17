#include "auth/mgmt_keys.h"

#include <cctype>

#include "gatehouse/crypto/digest.h"
#include "gatehouse/crypto/random.h"

namespace gatehouse::auth {

namespace {
constexpr std::string_view kPrefix = "gh_";

Error bad_key() { return make_error(Errc::kInvalidToken, "Invalid management key"); }
}  // namespace

MgmtKeys::MgmtKeys(store::MgmtKeyStore& store, Audit& audit, Clock clock)
    : store_(store), audit_(audit), clock_(std::move(clock)) {}

Result<CreatedKey> MgmtKeys::create(const std::string& name, int expires_in_days) {
  if (name.empty() || name.size() > 100) {
    return make_error(Errc::kInvalidArgument, "A key name is 1 to 100 characters long");
  }
  if (expires_in_days < 0 || expires_in_days > 3650) {
    return make_error(Errc::kInvalidArgument, "--expires-in must be between 0 and 3650 days");
  }
  CreatedKey out;
  auto& r = out.record;
  r.id = crypto::random_id('K').substr(0, 16);
  r.name = name;
  r.created_at = clock_();
  r.expires_at = expires_in_days ? r.created_at + int64_t{expires_in_days} * 86400 : 0;
  out.key = std::string(kPrefix) + r.id + "_" + crypto::random_token(32);
  r.key_hash = crypto::sha256_hex(out.key);
  if (auto st = store_.insert(r); !st) return st.error();
  audit_.record({.actor = "cli"}, "mgmt.key.created", true, "", "",
                "key " + r.id + " (" + name + ")");
  return out;
}

Result<std::vector<store::MgmtKey>> MgmtKeys::list() { return store_.list(); }

Status MgmtKeys::revoke(const std::string& id) {
  auto st = store_.revoke(id, clock_());
  if (st) audit_.record({.actor = "cli"}, "mgmt.key.revoked", true, "", "", "key " + id);
  return st;
}

Result<store::MgmtKey> MgmtKeys::authenticate(std::string_view key) {
  if (!key.starts_with(kPrefix)) return bad_key();
  std::string_view rest = key.substr(kPrefix.size());
  auto sep = rest.find('_');
  if (sep == std::string_view::npos || sep == 0 || sep > 32) return bad_key();
  std::string id(rest.substr(0, sep));
  for (unsigned char c : id) {
    if (!std::isalnum(c)) return bad_key();
  }
  auto rec = store_.get(id);
  if (!rec) return rec.code() == Errc::kNotFound ? Result<store::MgmtKey>(bad_key()) : rec;
  if (!crypto::constant_time_equal(rec->key_hash, crypto::sha256_hex(key))) return bad_key();
  int64_t now = clock_();
  if (rec->revoked_at != 0 || (rec->expires_at != 0 && now >= rec->expires_at)) return bad_key();
  (void)store_.touch(rec->id, now);
  return rec;
}

}  // namespace gatehouse::auth
