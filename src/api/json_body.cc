#include "api/json_body.h"

#include <boost/json.hpp>

namespace gh::api {

namespace json = boost::json;

Result<json::object> parse_object(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object{};
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return make_error(Errc::kBadRequest, "Request body is not valid JSON");
  if (!v.is_object()) return make_error(Errc::kBadRequest, "Request body must be a JSON object");
  return std::move(v.as_object());
}

Result<std::string> optional_string(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::string();
  if (!it->value().is_string()) {
    return make_error(Errc::kBadRequest, "The " + std::string(key) + " field must be a string");
  }
  return std::string(it->value().as_string());
}

Result<std::string> required_string(const json::object& o, std::string_view key) {
  auto s = optional_string(o, key);
  if (s && s->empty()) {
    return make_error(Errc::kInvalidArgument, "The " + std::string(key) + " field is required");
  }
  return s;
}

Result<json::object> optional_object(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return json::object{};
  if (!it->value().is_object()) {
    return make_error(Errc::kBadRequest, "The " + std::string(key) + " field must be an object");
  }
  return it->value().as_object();
}

Result<std::optional<bool>> optional_bool(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<bool>{};
  if (!it->value().is_bool()) {
    return make_error(Errc::kBadRequest, "The " + std::string(key) + " field must be a boolean");
  }
  return std::optional<bool>(it->value().as_bool());
}

}  // namespace gh::api
