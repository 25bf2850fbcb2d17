// Where a process gets the key-encryption key (KEK) that seals the signing keys' private
// halves in the store (auth/key_ring.h, crypto/secret_box.h; docs/security.md "Key
// encryption"): --key-encryption-key-file PATH (GATEHOUSE_KEY_ENCRYPTION_KEY_FILE), or
// GATEHOUSE_KEY_ENCRYPTION_KEY (hex or base64 text); when neither is set, <data>/keys/kek,
// made (0600, 32 random bytes as hex) at the first start. Every node that shares a store
// needs the same KEK.
#pragma once

#include <string>

#include "gatehouse/result.h"
#include "server/config.h"

namespace gatehouse::server {

struct KeyEncryptionKey {
  std::string key;     // 32 bytes; secret: never logged
  std::string source;  // where it came from, for messages ("--key-encryption-key-file …")
  std::string hint;    // what to do when the store's keys do not open with it
};

// The default KEK file, <data>/keys/kek.
std::string default_kek_path(const std::string& data_dir);

// Reads (or, by default, makes) the KEK `config` names. kInvalidArgument for a missing,
// unreadable or malformed key, a file that group or others may read, or both options set.
Result<KeyEncryptionKey> load_key_encryption_key(const Config& config);

// The new KEK for `gatehouse key rekey`: from `file` (--new-key-encryption-key-file; it
// must exist and be private, like the current one) or `text`
// (GATEHOUSE_NEW_KEY_ENCRYPTION_KEY), in the forms load_key_encryption_key reads.
// kInvalidArgument when neither or both are given, for a malformed key, and for the default
// file <data>/keys/kek (`data_dir`): rekey never rewrites it (docs/security.md).
Result<KeyEncryptionKey> load_new_key_encryption_key(const std::string& file,
                                                     const std::string& text,
                                                     const std::string& data_dir);

}  // namespace gatehouse::server
