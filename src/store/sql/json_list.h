// Reading a JSON array of strings that a statement built (json_agg on PostgreSQL,
// json_group_array on SQLite) into a list, so one row can carry a list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace gatehouse::store::sql {

// The strings of a parsed JSON array, in order; empty when `v` is not an array (null, as
// PostgreSQL's json_agg gives over no rows), without the items that are not strings.
inline std::vector<std::string> json_strings(const boost::json::value& v) {
  std::vector<std::string> out;
  if (const auto* items = v.if_array()) {
    for (const auto& item : *items) {
      if (item.is_string()) out.emplace_back(item.get_string());
    }
  }
  return out;
}

// The same for JSON text; NULL (read as "") and text that does not parse read as empty.
inline std::vector<std::string> json_strings(std::string_view json) {
  if (json.empty()) return {};
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(json, ec);
  if (ec) return {};
  return json_strings(parsed);
}

}  // namespace gatehouse::store::sql
