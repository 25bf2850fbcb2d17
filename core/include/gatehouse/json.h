// Lists of strings in and out of JSON (Boost.JSON), the shape of every roles /
// permissions claim and of the name lists in Descope's wire format.
//
//   boost::json::array roles = gatehouse::to_json_array(user.roles);   // ["a","b"]
//   std::vector<std::string> back = gatehouse::string_items(claims, "roles");
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace gatehouse {

boost::json::array to_json_array(const std::vector<std::string>& items);

// The string items of the array `name` in `object`; empty when it is absent or not an
// array; items that are not strings are skipped.
std::vector<std::string> string_items(const boost::json::object& object, std::string_view name);

}  // namespace gatehouse
