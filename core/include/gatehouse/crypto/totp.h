// TOTP (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA1: the codes authenticator apps show.
//
// Pure functions; the time is a parameter (Unix seconds). A code belongs to a time step,
// floor(t / 30); totp_match accepts the step of `now` and the ones next to it (clock drift
// between the phone and the server) and says which step matched, so the caller can refuse
// a step it has already accepted (replay). Codes are compared in constant time.
//
//   std::string key = gatehouse::crypto::random_bytes(gatehouse::crypto::kTotpKeyBytes);
//   std::string code = gatehouse::crypto::totp_code(key, now);            // "287082"
//   std::optional<int64_t> step = gatehouse::crypto::totp_match(key, code, now);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

inline constexpr int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;
// 160 bits, the size of an HMAC-SHA1 output, as RFC 4226 recommends.
inline constexpr size_t kTotpKeyBytes = 20;

// The time step of `unix_time` (floor division, also for times before 1970).
int64_t totp_step(int64_t unix_time);

// RFC 4226 HOTP of `counter` with `key` (raw bytes), `digits` decimal digits (1..9),
// zero-padded.
std::string hotp_code(std::string_view key, uint64_t counter, int digits = kTotpDigits);

// The code of the step that holds `unix_time`.
std::string totp_code(std::string_view key, int64_t unix_time, int digits = kTotpDigits);

// The step, among those within `window` steps of `now`'s, whose code is `code`; nullopt if
// none is (or `code` is not `digits` decimal digits). Every candidate is computed and
// compared, so the time taken does not depend on which one matched.
std::optional<int64_t> totp_match(std::string_view key, std::string_view code, int64_t now,
                                  int window = 1, int digits = kTotpDigits);

}  // namespace gatehouse::crypto
