// Reading request bodies: JSON objects with typed fields and readable errors.
//
//   auto body = parse_object(req.body);            // kBadRequest on bad JSON
//   auto login = required_string(*body, "loginId"); // kInvalidArgument if missing
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "gatehouse/result.h"

namespace gatehouse::api {

// An empty body counts as {} (GET-style calls and core-js send none).
Result<boost::json::object> parse_object(std::string_view body);

// Missing or null → kInvalidArgument "The X field is required";
// empty string counts as missing; non-string → kBadRequest.
Result<std::string> required_string(const boost::json::object& o, std::string_view key);
// Missing or null → ""; non-string → kBadRequest.
Result<std::string> optional_string(const boost::json::object& o, std::string_view key);
// Missing or null → empty object; non-object → kBadRequest.
Result<boost::json::object> optional_object(const boost::json::object& o, std::string_view key);
// Missing or null → nullopt; non-bool → kBadRequest.
Result<std::optional<bool>> optional_bool(const boost::json::object& o, std::string_view key);

// Missing or null → nullopt; not an array of strings → kBadRequest.
Result<std::optional<std::vector<std::string>>> optional_string_array(const boost::json::object& o,
                                                                      std::string_view key);
// Missing or null → nullopt; non-integer → kBadRequest.
Result<std::optional<int64_t>> optional_int(const boost::json::object& o, std::string_view key);

}  // namespace gatehouse::api
