// Plain data that the store persists. No behaviour, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::store {

struct UserTenant {
  std::string tenant_id;
  std::string tenant_name;
  std::vector<std::string> roles;
  // The permissions of those roles, sorted and without repeats: read with the user, for the
  // session JWT's claims (written by no store call).
  std::vector<std::string> permissions = {};
};

struct User {
  std::string id;        // "U" + 27 letters/digits; the JWT `sub`
  std::string login_id;  // primary login id, stored lower-cased when it is an email
  std::string email;
  std::string phone;
  std::string name;
  std::string picture;
  std::string status = "enabled";  // "enabled" | "disabled"
  bool verified_email = false;
  bool verified_phone = false;
  bool has_password = false;
  bool has_totp = false;           // a TOTP secret is enrolled (store/totp_store.h)
  bool has_webauthn = false;       // a passkey is registered (store/webauthn_store.h)
  bool test = false;               // a test user (mgmt `user/create/test`; migration 0008)
  int64_t created_at = 0;          // Unix seconds
  int64_t last_login_at = 0;       // 0 = never
  std::vector<std::string> roles;  // project-level role names, sorted
  std::vector<UserTenant> tenants;
  // The permissions of the project-level roles, sorted and without repeats: read with the
  // user (no separate read of the roles when a session is issued); ignored on writes.
  std::vector<std::string> permissions = {};
};

struct NewUser {
  std::string id;
  std::string login_id;
  std::string email;
  std::string phone;
  std::string name;
  std::string status = "enabled";
  bool verified_email = false;
  bool test = false;                         // a test user (mgmt `user/create/test`)
  std::vector<std::string> roles;            // must all exist
  std::optional<std::string> password_hash;  // Argon2id encoded string
  int64_t created_at = 0;
};

struct Role {
  std::string name;
  std::string description;
  std::vector<std::string> permissions;  // permission names
  int64_t created_at = 0;
};

struct RefreshToken {
  std::string id;  // the JWT `jti`
  std::string user_id;
  std::string family_id;   // all tokens descending from one sign-in
  std::string token_hash;  // hex SHA-256 of the JWT text; the JWT itself is never stored
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  int64_t revoked_at = 0;   // 0 = not revoked
  int64_t rotated_at = 0;   // 0 = not replaced yet
  std::string replaced_by;  // id of the token that replaced this one
};

// A refresh token with its user (SessionStore::get_with_user).
struct TokenAndUser {
  RefreshToken token;
  User user;
};

// A one-time secret (OneTimeStore) spent by the sign-in it proves, in the same write as
// the sign-in's first token (SessionStore::insert_spending): the row of purpose + login_id
// must still hold secret_hash and be alive at `now`.
struct SecretSpend {
  std::string purpose;
  std::string login_id;
  std::string secret_hash;
  int64_t now = 0;
};

// An ended sign-in, as the revocation log records it.
struct Revocation {
  int64_t seq = 0;  // assigned by the store, increasing
  std::string family_id;
  int64_t at = 0;
};

// Attempts counted against one key (a login id, a client address) for rate limiting.
// All zero = no attempts.
struct RateCounter {
  int64_t attempts = 0;      // inside the current window
  int64_t window_start = 0;  // Unix seconds
  int64_t next_at = 0;       // no attempt may start before this (back-off), 0 = any time
  int64_t locked_until = 0;  // 0 = not locked
  bool operator==(const RateCounter&) const = default;
};

struct PasswordCredential {
  std::string hash;      // Argon2id encoded string
  bool expired = false;  // must be replaced before the next sign-in succeeds
  int64_t updated_at = 0;
};

// Partial update of a user: only the fields that are set change.
struct UserUpdate {
  std::optional<std::string> login_id;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> name;
  std::optional<std::string> picture;
  std::optional<std::string> status;  // "enabled" | "disabled"
  std::optional<bool> verified_email;
  std::optional<bool> verified_phone;
  std::optional<std::vector<std::string>> roles;   // replaces project-level roles
  std::optional<std::vector<UserTenant>> tenants;  // replaces memberships + tenant roles
};

// Filters are ANDed; inside one list, values are ORed; empty = no filter.
struct UserSearch {
  std::string text;  // case-insensitive substring of login id, email or name
  std::vector<std::string> login_ids;
  std::vector<std::string> user_ids;
  std::vector<std::string> emails;
  std::vector<std::string> role_names;  // project-level roles
  std::vector<std::string> tenant_ids;
  std::vector<std::string> statuses;
  // Test users are included unless this is false; the management search sets it from
  // `withTestUser` (Descope hides test users by default there).
  bool with_test_user = true;
  // Only test users (`testUsersOnly`, user/search/test, and deleting them all).
  bool test_only = false;
  int limit = 100;  // 1..1000
  int page = 0;     // 0-based
};

struct UserPage {
  std::vector<User> users;  // ordered by creation time, oldest first
  int64_t total = 0;        // matches across all pages
};

struct Permission {
  std::string name;
  std::string description;
};

struct Tenant {
  std::string id;
  std::string name;
  std::vector<std::string> self_provisioning_domains;
  std::string custom_attributes_json = "{}";  // JSON object text, stored as is
  int64_t created_at = 0;
};

// A management API key. The key itself is shown once; only its hash is kept.
struct MgmtKey {
  std::string id;
  std::string name;
  std::string key_hash;  // hex SHA-256 of the full key
  int64_t created_at = 0;
  int64_t expires_at = 0;    // 0 = never
  int64_t revoked_at = 0;    // 0 = live
  int64_t last_used_at = 0;  // 0 = never
};

struct AuditEvent {
  int64_t id = 0;  // assigned by the store
  int64_t at = 0;
  std::string action;    // e.g. "user.signin", "user.signin.failed", "user.roles.changed"
  std::string result;    // "success" | "failure"
  std::string user_id;   // the subject, may be empty (unknown login id)
  std::string login_id;  // as given, for failed sign-ins of unknown accounts
  std::string actor;     // who did it: a user id, "mgmt-key:<id>", "cli", "system"
  std::string ip;
  std::string user_agent;
  std::string detail;  // short human-readable text; never a secret
};

struct AuditQuery {
  std::vector<std::string> actions;    // exact action names; empty = all
  std::vector<std::string> user_ids;   // empty = all
  std::vector<std::string> login_ids;  // exact login ids as recorded; empty = all
  std::vector<std::string> results;    // "success" / "failure"; empty = all
  int64_t from = 0;                    // inclusive, 0 = unbounded
  int64_t to = 0;                      // exclusive, 0 = unbounded
  int limit = 100;                     // 1..1000, newest first
};

struct DayCount {
  int64_t day = 0;  // Unix seconds of 00:00 UTC
  int64_t count = 0;
};

}  // namespace gatehouse::store
