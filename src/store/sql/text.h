// Helpers both engines use to assemble a statement at run time from the filters present
// (audit search, the management API's user search), and to turn a list into a set.
// Both engines' query.h bring these into their namespace.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gatehouse::store::sql {

// Parameters of a query whose text is assembled at run time, in placeholder order.
using Params = std::vector<std::variant<int64_t, std::string>>;

// Sorted and without duplicates.
inline std::set<std::string> unique_names(const std::vector<std::string>& names) {
  return {names.begin(), names.end()};
}

// `values` as a JSON array of strings, bound to one placeholder that the engine expands
// into a list (SQLite: `x IN (SELECT value FROM json_each(?))`, PostgreSQL:
// `x IN (SELECT json_array_elements_text(?::json))`): one placeholder for a list of any
// length, so a statement's text (and with it the statement cache entry) depends only on
// which filters are present, never on how many values they hold.
inline std::string json_string_array(const std::vector<std::string>& values) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "[";
  for (const auto& value : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char ch : value) {
      const auto byte = static_cast<unsigned char>(ch);
      if (ch == '"' || ch == '\\') {
        out += '\\';
        out += ch;
      } else if (byte < 0x20) {
        out += "\\u00";
        out += kHex[byte >> 4];
        out += kHex[byte & 0xf];
      } else {
        out += ch;  // other bytes, UTF-8 included, stand for themselves
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

// Appends " WHERE clause" or " AND clause" to `where`.
inline void add_condition(std::string& where, std::string_view clause) {
  where += where.empty() ? " WHERE " : " AND ";
  where += clause;
}

}  // namespace gatehouse::store::sql
