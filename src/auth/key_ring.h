// KeyRing: the signing keys of one data directory — which key signs, which keys verify,
// and the JWKS that publishes them — agreed on by every process that opens it (the
// server, the CLI, other servers on the same directory).
//
// Lifecycle. Each key moves one way, one step at a time:
//
//   next ──rotate──▶ current ──rotate──▶ previous ──(its last token expired)──▶ retired
//    │                                      │
//    └──retire (replaced at once)           └──retire --force (cuts its tokens off now)
//
//   next      published in the JWKS but signs nothing, so validators learn it before the
//             first token it signs reaches them. There is always exactly one.
//   current   signs every new session and refresh JWT; exactly one, listed first.
//   previous  stopped signing at deactivated_at; still published, so tokens it signed
//             keep verifying until deactivated_at + token_ttl + kSkew (token_ttl: the
//             longest lifetime of a token signed with it, raised by every process that
//             opens the ring with its own lifetimes). Then it retires by itself.
//   retired   neither published nor accepted; its private half is erased from the store.
//
// rotate() promotes the next key only once it has been published for kPublishLead, the
// time every cache between us and a validator needs to have fetched it (the JWKS is
// served with max-age 300 and the C++ SDK re-reads it every 300 s): otherwise it refuses
// unless forced. retire() never cuts off a token that may still be valid unless forced:
// a previous key within its window is refused, the current key always (rotate first), a
// next key is replaced at once (it has signed nothing).
//
// Where things live: everything in store::SigningKeyStore — each key's public half, state
// and times, and its private half sealed under the key-encryption key (KeyRingOptions::kek;
// crypto/secret_box.h, the kid as associated data), written in the same step that names
// the key and erased when it retires. So every process on one store (N nodes on one
// PostgreSQL) signs with the same keys without sharing a directory; they share the KEK.
// open() refuses a store whose keys do not open with this process's KEK.
//
// Upgrades. A directory from before key rotation (one keys/signing.pem) is imported at the
// first open as the current key with the same kid, so every token it signed stays valid;
// a directory from before the private halves moved into the store has one
// keys/<kid>.pem per key: open() seals each into the store. Either file is removed once
// the store holds its key.
//
// Processes: every change is a compare-and-set in the store, so racing processes cannot
// make two current keys. Each process reads the store into an immutable Snapshot; the
// server re-reads it every second (start_polling), so a rotation made by the CLI is
// signed with everywhere within about a second — harmless meanwhile, since the old key
// stays published. Signing and verifying read the snapshot without a lock: a per-thread
// copy checked against an atomic generation number.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gatehouse/clock.h"
#include "gatehouse/jose/jwk.h"
#include "gatehouse/jose/signing_key.h"
#include "gatehouse/key_source.h"
#include "gatehouse/result.h"
#include "gatehouse/snapshot.h"
#include "store/signing_key_store.h"

namespace gatehouse::auth {

struct KeyRingOptions {
  Clock clock = system_clock();
  // The key-encryption key (crypto::kKeyEncryptionKeyBytes) that seals the private halves
  // in the store. Required: open() fails without one.
  std::string kek;
  // Appended to the error when the store's keys do not open with `kek`: where this
  // process's KEK came from and how to give it the right one.
  std::string kek_hint;
  // Longest lifetime of a token this process signs (the larger of the session and
  // refresh lifetimes); raised onto the current key. Also the lifetime assumed for tokens
  // an imported keys/signing.pem signed before the upgrade.
  int64_t token_ttl = 0;
  // The algorithm of the keys this process makes: "RS256" (Descope's) or "ES256". A next
  // key of another algorithm is replaced by one of this (it has signed nothing), so the
  // next rotation switches the algorithm while the old key keeps verifying its tokens.
  // Empty (the CLI): no preference; new keys take the current key's (RS256 at first).
  std::string alg;
  // Hears about failed background refreshes (default: a JSON line on stderr, at most one
  // a minute).
  std::function<void(const std::string&)> on_error;
};

class KeyRing : public std::enable_shared_from_this<KeyRing> {
 public:
  // How long a next key must have been published before rotate() promotes it without
  // force: the JWKS's Cache-Control max-age (300 s) plus the C++ SDK's key-set max-age
  // (300 s); PyJWT's PyJWKClient also keeps a set 300 s.
  static constexpr int64_t kPublishLead = 600;
  // Added to a previous key's window: validators' clock leeway (5 s) and the time a
  // process takes to notice a rotation (one poll), with room to spare.
  static constexpr int64_t kSkew = 60;

  // What signing and verifying read; immutable once built.
  struct Snapshot {
    uint64_t generation = 0;                         // unique in the process
    std::shared_ptr<const jose::SigningKey> signer;  // the current key
    KeySet published;                                // every key that verifies
    std::string jwks_body;                           // {"keys":[…]} for GET /v2/keys
    std::string jwk_array_body;                      // […] for GET /v1/keys
    std::vector<store::SigningKeyRecord> records;    // what it was built from
    int64_t changes_at = 0;  // when time alone changes `published` (a previous key ends)
  };

  // A key as `gatehouse key list` shows it.
  struct KeyInfo {
    store::SigningKeyRecord record;
    bool published = false;
    int64_t verifies_until = 0;  // previous keys: the end of their window; else 0
    int64_t promotable_at = 0;   // the next key: when rotate() takes it without force
  };

  struct Rotated {
    std::string previous, current, next;  // kids after the rotation
    int64_t previous_verifies_until = 0;
    int64_t next_promotable_at = 0;
  };

  struct Retired {
    std::string kid;
    store::KeyState was = store::KeyState::kRetired;  // kRetired: it already was
    bool cut_off = false;        // tokens it signed could still have been valid (forced)
    int64_t verified_until = 0;  // a previous key: when its window would have ended
    std::string replacement;     // a next key: the new next key
  };

  // Loads the keys of `data_dir`'s store (its keys/ subdirectory is created 0700),
  // importing a legacy keys/signing.pem or keys/<kid>.pem files, or creating the first
  // current and next keys, as needed. kInvalidArgument when a key in the store does not
  // open with options.kek.
  static Result<std::shared_ptr<KeyRing>> open(const std::string& data_dir,
                                               store::SigningKeyStore& store,
                                               KeyRingOptions options = {});
  ~KeyRing();  // stops polling
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  std::shared_ptr<const Snapshot> snapshot() const;
  std::shared_ptr<const jose::SigningKey> signing_key() const { return snapshot()->signer; }
  KeySet jwks() const { return snapshot()->published; }
  // The published keys for a SessionClient: always this process's current snapshot, so a
  // retired key stops verifying (and the client's verified-token cache empties) at the
  // next refresh. An unknown kid does not re-read the store: it is checked on I/O threads.
  std::shared_ptr<KeySource> key_source() const;

  // The lifecycle steps; each re-reads the store first. kInvalidArgument when the rules
  // refuse (the message says why and what to do), kConflict when another process changed
  // the keys at the same moment (nothing was done), kNotFound for an unknown kid.
  Result<Rotated> rotate(bool force);
  Result<Retired> retire(std::string_view kid, bool force);

  struct Rekeyed {
    std::vector<std::string> kids;  // the keys whose private halves were sealed again
  };
  // Seals every private half in the store again under `new_kek` (a new random nonce, the
  // kid as associated data), in one store step: all of them or none. kInvalidArgument
  // when a key does not open with this ring's KEK (the message says which option to set)
  // or `new_kek` is not 32 bytes or is the current KEK; kConflict when another process
  // changed the keys meanwhile. Afterwards this ring seals and opens with `new_kek`
  // (`new_kek_hint` replaces KeyRingOptions::kek_hint). Other processes still hold the old
  // KEK: docs/security.md ("Changing the key-encryption key") says when to run it.
  Result<Rekeyed> rekey(std::string_view new_kek, std::string new_kek_hint);
  Result<std::vector<KeyInfo>> list();

  // Re-reads the store: retires previous keys whose window has passed, makes sure there
  // is a next key, and rebuilds the snapshot when anything changed.
  Status refresh();
  // Calls refresh() every `interval` on a thread of its own until destruction.
  void start_polling(std::chrono::milliseconds interval);

 private:
  KeyRing(std::string keys_dir, store::SigningKeyStore& store, KeyRingOptions options);

  std::string pem_path(std::string_view kid) const;
  int64_t verifies_until(const store::SigningKeyRecord& r) const;
  // A record for `key` with its private half sealed.
  Result<store::SigningKeyRecord> record_of(const jose::SigningKey& key, int64_t now) const;
  Result<store::SigningKeyRecord> create_key(int64_t now, std::string_view alg) const;
  // The private half of `r`, opened and checked against its kid.
  Result<jose::SigningKey> private_key(const store::SigningKeyRecord& r) const;
  Result<std::string> sealed_witness(const std::vector<store::SigningKeyRecord>& records) const;
  // The algorithm of a key made now: options_.alg, else the current key's, else RS256.
  std::string alg_for(const std::vector<store::SigningKeyRecord>& records) const;
  Status initialize();
  Status refresh_locked();
  Status housekeeping(std::vector<store::SigningKeyRecord>& records, int64_t now);
  Result<std::shared_ptr<const Snapshot>> build(std::vector<store::SigningKeyRecord> records,
                                                int64_t now,
                                                const std::shared_ptr<const Snapshot>& old);
  void remove_legacy_key(const std::vector<store::SigningKeyRecord>& records);
  // Seals keys/<kid>.pem files into the store where a key has no private half, checks that
  // every private half in the store opens with the KEK, and removes the files.
  Status import_key_files();

  const std::string keys_dir_;
  store::SigningKeyStore& store_;
  const KeyRingOptions options_;
  // The KEK and its hint: options_'s until rekey(). Guarded by refresh_mu_.
  std::string kek_;
  std::string kek_hint_;

  std::mutex refresh_mu_;  // one refresh or lifecycle step at a time in this process
  SharedSnapshot<Snapshot> snapshot_;
  std::atomic<uint64_t> generation_{0};
  int64_t last_error_report_ = 0;  // guarded by refresh_mu_

  std::mutex poll_mu_;
  std::condition_variable poll_cv_;
  bool stopping_ = false;  // guarded by poll_mu_
  std::thread poller_;
};

}  // namespace gatehouse::auth
