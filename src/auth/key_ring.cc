#include "auth/key_ring.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <limits>
#include <tuple>

#include <boost/json.hpp>

#include "gatehouse/crypto/secret_box.h"

namespace gatehouse::auth {

namespace json = boost::json;
using store::KeyState;
using store::SigningKeyRecord;

namespace {

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr const char* kLegacyFile = "signing.pem";

// Generation numbers are unique across every KeyRing of the process, so a thread's cached
// snapshot can never be mistaken for another ring's.
std::atomic<uint64_t> g_generations{0};

std::string when(int64_t t) { return format_utc(t, "%Y-%m-%d %H:%M:%S UTC"); }

// kids are RFC 7638 thumbprints (base64url); anything else must not become a file name.
bool safe_kid(std::string_view kid) {
  if (kid.empty() || kid.size() > 128) return false;
  return std::all_of(kid.begin(), kid.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

const SigningKeyRecord* find_state(const std::vector<SigningKeyRecord>& records, KeyState s) {
  for (const auto& r : records) {
    if (r.state == s) return &r;
  }
  return nullptr;
}

void default_on_error(const std::string& m) {
  json::object line{{"level", "error"}, {"msg", "signing key refresh failed"}, {"what", m}};
  std::cerr << json::serialize(line) << std::endl;
}

class RingKeySource final : public KeySource {
 public:
  explicit RingKeySource(std::shared_ptr<const KeyRing> ring) : ring_(std::move(ring)) {}
  Result<KeySet> keys() override { return ring_->jwks(); }
  Result<KeySet> refetch(std::string_view) override { return ring_->jwks(); }

 private:
  std::shared_ptr<const KeyRing> ring_;
};

}  // namespace

KeyRing::KeyRing(std::string keys_dir, store::SigningKeyStore& store, KeyRingOptions options)
    : keys_dir_(std::move(keys_dir)),
      store_(store),
      options_(std::move(options)),
      kek_(options_.kek),
      kek_hint_(options_.kek_hint) {}

KeyRing::~KeyRing() {
  {
    std::lock_guard lock(poll_mu_);
    stopping_ = true;
  }
  poll_cv_.notify_all();
  if (poller_.joinable()) poller_.join();
}

Result<std::shared_ptr<KeyRing>> KeyRing::open(const std::string& data_dir,
                                               store::SigningKeyStore& store,
                                               KeyRingOptions options) {
  std::string dir = data_dir + "/keys";
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error(Errc::kInternal, "cannot create " + dir + ": " + std::strerror(errno));
  }
  if (!options.clock) options.clock = system_clock();
  if (!options.on_error) options.on_error = default_on_error;
  if (options.kek.size() != crypto::kKeyEncryptionKeyBytes) {
    return make_error(Errc::kInvalidArgument, "the signing keys need a 32-byte key-encryption key");
  }
  std::shared_ptr<KeyRing> ring(new KeyRing(dir, store, std::move(options)));
  std::lock_guard lock(ring->refresh_mu_);
  if (auto st = ring->initialize(); !st) return st.error();
  if (auto st = ring->import_key_files(); !st) return st.error();
  if (auto st = ring->refresh_locked(); !st) return st.error();
  ring->remove_legacy_key(ring->snapshot_.load()->records);
  return ring;
}

std::string KeyRing::pem_path(std::string_view kid) const {
  return keys_dir_ + "/" + std::string(kid) + ".pem";
}

int64_t KeyRing::verifies_until(const SigningKeyRecord& r) const {
  switch (r.state) {
    case KeyState::kNext:
    case KeyState::kCurrent:
      return kNever;
    case KeyState::kPrevious:
      return r.deactivated_at + r.token_ttl + kSkew;
    case KeyState::kRetired:
      return 0;
  }
  return 0;
}

std::string KeyRing::alg_for(const std::vector<SigningKeyRecord>& records) const {
  if (!options_.alg.empty()) return options_.alg;
  if (const auto* current = find_state(records, KeyState::kCurrent)) return current->alg;
  return "RS256";
}

Result<SigningKeyRecord> KeyRing::record_of(const jose::SigningKey& key, int64_t now) const {
  SigningKeyRecord r;
  r.kid = key.kid();
  r.alg = key.alg();
  r.public_jwk = json::serialize(key.public_jwk());
  r.created_at = now;
  auto sealed = crypto::seal_secret(kek_, key.to_pem(), r.kid);
  if (!sealed) return sealed.error();
  r.private_key = std::move(*sealed);
  return r;
}

Result<SigningKeyRecord> KeyRing::create_key(int64_t now, std::string_view alg) const {
  auto key = jose::SigningKey::generate(alg);
  if (!key) return key.error();
  return record_of(*key, now);
}

Result<jose::SigningKey> KeyRing::private_key(const SigningKeyRecord& r) const {
  if (r.private_key.empty()) {
    return make_error(Errc::kInternal, "signing key " + r.kid +
                                           " has no private half in the store (nor a " +
                                           pem_path(r.kid) + " to import)");
  }
  auto pem = crypto::open_secret(kek_, r.private_key, r.kid);
  if (!pem) {
    std::string hint = kek_hint_.empty() ? "" : " " + kek_hint_;
    return make_error(Errc::kInvalidArgument,
                      "signing key " + r.kid +
                          " in the store does not open with this key-encryption key: the "
                          "store's keys were sealed with another one." +
                          hint);
  }
  auto key = jose::SigningKey::from_pem(*pem);
  if (!key) return make_error(Errc::kInternal, "signing key " + r.kid + ": " + key.error().message);
  if (key->kid() != r.kid) {
    return make_error(Errc::kInternal, "the store's private half of " + r.kid + " is another key");
  }
  return key;
}

// What rotate and add_next hand the store as the current key's sealed private half
// (store/signing_key_store.h): read from the store and opened here, so the store refuses the
// step if a `key rekey` re-sealed the keys under another key-encryption key since — the key
// this process makes is sealed under its own KEK and would be the one left under the old
// one. A current key from before the private halves moved into the store has none ("").
Result<std::string> KeyRing::sealed_witness(const std::vector<SigningKeyRecord>& records) const {
  const SigningKeyRecord* current = find_state(records, KeyState::kCurrent);
  if (!current || current->private_key.empty()) return std::string();
  auto key = private_key(*current);
  if (!key) return make_error(key.code(), "the current signing key: " + key.error().message);
  return current->private_key;
}

// A data directory's first open: the store has no key yet. Imports keys/signing.pem (a
// directory from before rotation) or makes a new current key, and a next key.
Status KeyRing::initialize() {
  auto records = store_.list();
  if (!records) return records.error();
  if (!records->empty()) return ok_status();

  const int64_t now = options_.clock();
  Result<SigningKeyRecord> current = make_error(Errc::kInternal, "no current key");
  auto legacy = jose::load_signing_key(keys_dir_ + "/" + kLegacyFile);
  if (legacy) {
    current = record_of(*legacy, now);
  } else if (legacy.code() == Errc::kNotFound) {
    current = create_key(now, alg_for(*records));
  } else {
    return legacy.error();  // unreadable, or readable by others: never use it
  }
  if (!current) return current.error();
  current->activated_at = now;
  current->token_ttl = options_.token_ttl;

  auto next = create_key(now, alg_for(*records));
  if (!next) return next.error();
  // false: another process initialised the store first; its keys count.
  auto done = store_.initialize(*current, *next);
  if (!done) return done.error();
  return ok_status();
}

Status KeyRing::import_key_files() {
  auto records = store_.list();
  if (!records) return records.error();
  for (const auto& r : *records) {
    if (r.state == KeyState::kRetired || !r.private_key.empty() || !safe_kid(r.kid)) continue;
    auto key = jose::load_signing_key(pem_path(r.kid));
    if (!key) {
      // No file: the key stays without a private half, which is an error only where it
      // must sign (build, rotate).
      if (key.code() == Errc::kNotFound) continue;
      return key.error();
    }
    if (key->kid() != r.kid) {
      return make_error(Errc::kInternal, pem_path(r.kid) + " holds another key");
    }
    auto sealed = record_of(*key, r.created_at);
    if (!sealed) return sealed.error();
    // false: another process stored it first; checked below like any other.
    auto stored = store_.set_private_key(r.kid, sealed->private_key);
    if (!stored) return stored.error();
  }
  records = store_.list();
  if (!records) return records.error();
  for (const auto& r : *records) {
    if (r.state == KeyState::kRetired || r.private_key.empty()) continue;
    if (auto key = private_key(r); !key) return key.error();
    // The store holds this key now: the file would be a second, unsealed copy.
    ::unlink(pem_path(r.kid).c_str());
  }
  return ok_status();
}

// Once the store knows the legacy key, its old file is a second copy of a private key.
void KeyRing::remove_legacy_key(const std::vector<SigningKeyRecord>& records) {
  const std::string path = keys_dir_ + "/" + kLegacyFile;
  if (::access(path.c_str(), F_OK) != 0) return;
  auto legacy = jose::load_signing_key(path);
  if (!legacy) return;  // not ours to judge: leave it
  for (const auto& r : records) {
    if (r.kid == legacy->kid()) {
      ::unlink(path.c_str());
      return;
    }
  }
}

std::shared_ptr<const KeyRing::Snapshot> KeyRing::snapshot() const {
  struct Cached {
    uint64_t generation = 0;
    std::shared_ptr<const Snapshot> snap;
  };
  // The common case is one atomic load and a compare: no lock on the signing path.
  thread_local Cached cached;
  const uint64_t g = generation_.load(std::memory_order_acquire);
  if (cached.generation != g || !cached.snap) {
    cached.snap = snapshot_.load();
    cached.generation = cached.snap->generation;
  }
  return cached.snap;
}

std::shared_ptr<KeySource> KeyRing::key_source() const {
  return std::make_shared<RingKeySource>(shared_from_this());
}

Status KeyRing::refresh() {
  std::lock_guard lock(refresh_mu_);
  return refresh_locked();
}

// Writes what time and crashes leave undone; each step is a compare-and-set, so several
// processes doing it at once is harmless.
Status KeyRing::housekeeping(std::vector<SigningKeyRecord>& records, int64_t now) {
  bool changed = false;
  for (const auto& r : records) {
    if (r.state == KeyState::kPrevious && now >= verifies_until(r)) {
      auto st = store_.retire(r.kid, KeyState::kPrevious, now);
      if (!st && st.code() != Errc::kConflict) return st;
      changed = true;
    }
  }
  const auto* next = find_state(records, KeyState::kNext);
  if (next && !options_.alg.empty() && next->alg != options_.alg) {
    // Switching algorithm: the next key has signed nothing, so it is replaced at once.
    auto st = store_.retire(next->kid, KeyState::kNext, now);
    if (!st && st.code() != Errc::kConflict) return st;
    auto fresh = store_.list();
    if (!fresh) return fresh.error();
    records = std::move(*fresh);
    changed = true;
  }
  if (!find_state(records, KeyState::kNext)) {
    auto witness = sealed_witness(records);
    if (!witness) return witness.error();
    auto next = create_key(now, alg_for(records));
    if (!next) return next.error();
    auto added = store_.add_next(*next, *witness);
    if (!added) return added.error();
    changed = true;
  }
  if (changed) {
    auto fresh = store_.list();
    if (!fresh) return fresh.error();
    records = std::move(*fresh);
  }
  return ok_status();
}

Status KeyRing::refresh_locked() {
  auto records = store_.list();
  if (!records) return records.error();
  const int64_t now = options_.clock();
  if (auto st = housekeeping(*records, now); !st) return st;
  std::shared_ptr<const Snapshot> old = snapshot_.load();
  if (old && old->records == *records && now < old->changes_at) return ok_status();
  auto built = build(std::move(*records), now, old);
  if (!built) return built.error();
  const uint64_t g = (*built)->generation;
  snapshot_.store(std::move(*built));
  generation_.store(g, std::memory_order_release);
  return ok_status();
}

Result<std::shared_ptr<const KeyRing::Snapshot>> KeyRing::build(
    std::vector<SigningKeyRecord> records, int64_t now,
    const std::shared_ptr<const Snapshot>& old) {
  auto snap = std::make_shared<Snapshot>();
  SigningKeyRecord* current = nullptr;
  for (auto& r : records) {
    if (r.state == KeyState::kCurrent) current = &r;
    if (!safe_kid(r.kid)) return make_error(Errc::kInternal, "signing key with a malformed kid");
  }
  if (!current) return make_error(Errc::kInternal, "the store names no current signing key");

  if (old && old->signer && old->signer->kid() == current->kid) {
    snap->signer = old->signer;
  } else {
    auto key = private_key(*current);
    if (!key) {
      return make_error(key.code(), "the current signing key: " + key.error().message);
    }
    snap->signer = std::make_shared<const jose::SigningKey>(std::move(*key));
  }
  // Before this process signs with the key, the store knows how long its tokens live.
  if (current->token_ttl < options_.token_ttl) {
    if (auto st = store_.raise_token_ttl(current->kid, options_.token_ttl); !st) return st.error();
    current->token_ttl = options_.token_ttl;
  }

  // Current first (clients that take the first key get the signing one), then next, then
  // previous keys, newest first.
  std::vector<const SigningKeyRecord*> order;
  order.push_back(current);
  if (const auto* next = find_state(records, KeyState::kNext)) order.push_back(next);
  std::vector<const SigningKeyRecord*> previous;
  snap->changes_at = kNever;
  for (const auto& r : records) {
    if (r.state != KeyState::kPrevious) continue;
    const int64_t until = verifies_until(r);
    if (now >= until) continue;
    previous.push_back(&r);
    snap->changes_at = std::min(snap->changes_at, until);
  }
  std::sort(previous.begin(), previous.end(), [](const auto* a, const auto* b) {
    return std::tie(a->deactivated_at, a->activated_at) >
           std::tie(b->deactivated_at, b->activated_at);
  });
  order.insert(order.end(), previous.begin(), previous.end());

  json::array keys;
  for (const auto* r : order) {
    boost::system::error_code ec;
    json::value jwk = json::parse(r->public_jwk, ec);
    if (ec || !jwk.is_object()) {
      return make_error(Errc::kInternal, "signing key " + r->kid + " has a malformed public JWK");
    }
    keys.push_back(std::move(jwk));
  }
  auto published = std::make_shared<jose::Jwks>();
  json::value jwks = json::object{{"keys", keys}};
  if (jose::parse_jwks(jwks, published.get()) != JwtStatus::kOk ||
      published->keys.size() != order.size()) {
    return make_error(Errc::kInternal, "the signing keys do not form a valid JWKS");
  }
  snap->published = std::move(published);
  snap->jwks_body = json::serialize(jwks);
  snap->jwk_array_body = json::serialize(keys);
  // A retired key's file from before the private halves moved into the store goes too.
  for (const auto& r : records) {
    if (r.state == KeyState::kRetired && safe_kid(r.kid)) ::unlink(pem_path(r.kid).c_str());
  }
  snap->records = std::move(records);
  snap->generation = ++g_generations;
  return std::shared_ptr<const Snapshot>(std::move(snap));
}

void KeyRing::start_polling(std::chrono::milliseconds interval) {
  if (poller_.joinable()) return;
  poller_ = std::thread([this, interval] {
    std::unique_lock lock(poll_mu_);
    while (!poll_cv_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      {
        std::lock_guard refresh_lock(refresh_mu_);
        if (auto st = refresh_locked(); !st) {
          // The old snapshot stays in use; say so, but not every second.
          const int64_t now = options_.clock();
          if (now - last_error_report_ >= 60) {
            last_error_report_ = now;
            options_.on_error(st.error().message);
          }
        }
      }
      lock.lock();
    }
  });
}

Result<std::vector<KeyRing::KeyInfo>> KeyRing::list() {
  std::lock_guard lock(refresh_mu_);
  if (auto st = refresh_locked(); !st) return st.error();
  std::vector<KeyInfo> out;
  const int64_t now = options_.clock();
  for (const auto& r : snapshot_.load()->records) {
    KeyInfo info{r, false, 0, 0};
    if (r.state == KeyState::kPrevious) {
      info.verifies_until = verifies_until(r);
      info.published = now < info.verifies_until;
    } else {
      info.published = r.state != KeyState::kRetired;
    }
    if (r.state == KeyState::kNext) info.promotable_at = r.created_at + kPublishLead;
    out.push_back(std::move(info));
  }
  return out;
}

Result<KeyRing::Rotated> KeyRing::rotate(bool force) {
  std::lock_guard lock(refresh_mu_);
  if (auto st = refresh_locked(); !st) return st.error();
  const auto records = snapshot_.load()->records;
  const SigningKeyRecord* current = find_state(records, KeyState::kCurrent);
  const SigningKeyRecord* next = find_state(records, KeyState::kNext);
  if (!current || !next) return make_error(Errc::kInternal, "no current or no next signing key");
  const int64_t now = options_.clock();
  const int64_t ready = next->created_at + kPublishLead;
  if (!force && now < ready) {
    return make_error(
        Errc::kInvalidArgument,
        "the next key " + next->kid + " was published at " + when(next->created_at) +
            "; validators and caches may not have fetched it yet (the key set is cached for up "
            "to 10 minutes). Rotate from " +
            when(ready) +
            ", or add --force if every validator re-fetches the keys on an unknown kid");
  }
  // The private half must open before the store makes it the signing key.
  auto promoted = private_key(*next);
  if (!promoted) return make_error(promoted.code(), "the next key: " + promoted.error().message);
  // Made in the algorithm of the key it will follow, unless this process has its own.
  auto new_next = create_key(now, options_.alg.empty() ? next->alg : options_.alg);
  if (!new_next) return new_next.error();
  auto witness = sealed_witness(records);
  if (!witness) return witness.error();
  if (auto st = store_.rotate(current->kid, *witness, next->kid, *new_next, now); !st) {
    if (st.code() == Errc::kConflict) {
      return make_error(Errc::kConflict,
                        "another process changed the signing keys at the same moment; nothing "
                        "was done (see gatehouse key list)");
    }
    return st.error();
  }
  Rotated out{current->kid, next->kid, new_next->kid, 0, now + kPublishLead};
  SigningKeyRecord demoted = *current;
  demoted.state = KeyState::kPrevious;
  demoted.deactivated_at = now;
  out.previous_verifies_until = verifies_until(demoted);
  if (auto st = refresh_locked(); !st) return st.error();
  return out;
}

Result<KeyRing::Rekeyed> KeyRing::rekey(std::string_view new_kek, std::string new_kek_hint) {
  if (new_kek.size() != crypto::kKeyEncryptionKeyBytes) {
    return make_error(Errc::kInvalidArgument, "the new key-encryption key must be " +
                                                  std::to_string(crypto::kKeyEncryptionKeyBytes) +
                                                  " bytes");
  }
  std::lock_guard lock(refresh_mu_);
  if (new_kek == kek_) {
    return make_error(Errc::kInvalidArgument,
                      "the new key-encryption key is the one the signing keys are sealed with "
                      "already");
  }
  // Housekeeping first, so a key whose window has passed retires (and loses its private
  // half) rather than being sealed again.
  if (auto st = refresh_locked(); !st) return st.error();
  auto records = store_.list();
  if (!records) return records.error();
  Rekeyed out;
  std::vector<store::ResealedKey> resealed;
  for (const auto& r : *records) {
    // Retired keys have none (the store empties it); any key that still holds one is
    // sealed again, whatever its state, so nothing stays under the old KEK.
    if (r.private_key.empty()) continue;
    auto key = private_key(r);  // every one must open first: all or nothing
    if (!key) return key.error();
    auto sealed = crypto::seal_secret(new_kek, key->to_pem(), r.kid);
    if (!sealed) return sealed.error();
    resealed.push_back({r.kid, r.private_key, std::move(*sealed)});
    out.kids.push_back(r.kid);
  }
  if (resealed.empty()) {
    return make_error(Errc::kInternal, "no signing key in the store holds a private half");
  }
  if (auto st = store_.reseal_private_keys(resealed); !st) {
    if (st.code() == Errc::kConflict) {
      return make_error(Errc::kConflict,
                        "another process changed the signing keys at the same moment; nothing "
                        "was done (stop every server on this store and run it again)");
    }
    return st.error();
  }
  kek_.assign(new_kek);
  kek_hint_ = std::move(new_kek_hint);
  return out;
}

Result<KeyRing::Retired> KeyRing::retire(std::string_view kid, bool force) {
  std::lock_guard lock(refresh_mu_);
  if (auto st = refresh_locked(); !st) return st.error();
  const auto records = snapshot_.load()->records;
  const SigningKeyRecord* key = nullptr;
  for (const auto& r : records) {
    if (r.kid == kid) key = &r;
  }
  if (!key) return make_error(Errc::kNotFound, "no signing key with kid " + std::string(kid));
  Retired out{key->kid, key->state, false, 0, ""};
  const int64_t now = options_.clock();
  switch (key->state) {
    case KeyState::kRetired:
      return out;
    case KeyState::kCurrent:
      return make_error(Errc::kInvalidArgument,
                        key->kid +
                            " is the current signing key: rotate first (gatehouse key rotate), "
                            "then retire it");
    case KeyState::kNext:
      break;
    case KeyState::kPrevious:
      out.verified_until = verifies_until(*key);
      out.cut_off = now < out.verified_until;
      if (out.cut_off && !force) {
        return make_error(
            Errc::kInvalidArgument,
            key->kid + " signed tokens until " + when(key->deactivated_at) +
                "; they stay valid until " + when(out.verified_until) +
                " and retiring the key now would refuse them (their users would have to sign "
                "in again). It retires by itself then; add --force to cut them off now (a "
                "leaked key)");
      }
      break;
  }
  if (auto st = store_.retire(key->kid, key->state, now); !st) {
    if (st.code() == Errc::kConflict) {
      return make_error(Errc::kConflict,
                        "another process changed the signing keys at the same moment; nothing "
                        "was done (see gatehouse key list)");
    }
    return st.error();
  }
  if (auto st = refresh_locked(); !st) {
    // The retirement stands; what failed is what follows it (a next key to replace it).
    return make_error(st.code(), key->kid + " is retired, but " + st.error().message +
                                     " (see gatehouse key list)");
  }
  if (out.was == KeyState::kNext) {
    if (const auto* n = find_state(snapshot_.load()->records, KeyState::kNext)) {
      out.replacement = n->kid;
    }
  }
  return out;
}

}  // namespace gatehouse::auth
