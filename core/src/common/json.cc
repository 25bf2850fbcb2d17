#include "gatehouse/json.h"

namespace gatehouse {

boost::json::array to_json_array(const std::vector<std::string>& items) {
  boost::json::array a;
  a.reserve(items.size());
  for (const auto& s : items) a.emplace_back(s);
  return a;
}

std::vector<std::string> string_items(const boost::json::object& object, std::string_view name) {
  std::vector<std::string> out;
  if (const boost::json::value* v = object.if_contains(name); v && v->is_array()) {
    for (const boost::json::value& item : v->get_array()) {
      if (item.is_string()) out.emplace_back(item.get_string());
    }
  }
  return out;
}

}  // namespace gatehouse
