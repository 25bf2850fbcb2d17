// Reading a JSON array of strings that a statement built (json_agg on PostgreSQL,
// json_group_array on SQLite) into a list, so one row can carry a list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace gatehouse::store::sql {

// The strings of `json`, in order; empty for NULL (read as ""), for anything that is not
// an array, and without the items that are not strings.
inline std::vector<std::string> json_strings(std::string_view json) {
  std::vector<std::string> out;
  if (json.empty()) return out;
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_array()) return out;
  for (const auto& item : parsed.get_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

}  // namespace gatehouse::store::sql
