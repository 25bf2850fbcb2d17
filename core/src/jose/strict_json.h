// Internal to jose/: the JSON reader for JOSE headers and claims sets. Unlike
// boost::json::parse, which keeps the last of duplicate member names, it refuses them:
// RFC 7515 §5.2 and RFC 8725 §3.11 — two parsers that pick different duplicates would
// read different claims from one signed token.
#pragma once

#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

namespace gatehouse::jose::detail {

// The object `text` holds, or nullopt when it is not valid JSON (Boost's defaults:
// no comments, valid UTF-8, depth at most 32), not an object, or has a member name
// twice in any object at any depth.
std::optional<boost::json::object> parse_object_no_duplicates(std::string_view text);

}  // namespace gatehouse::jose::detail
