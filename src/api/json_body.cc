#include "api/json_body.h"

#include <boost/json.hpp>

namespace gatehouse::api {

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

Result<std::optional<std::vector<std::string>>> optional_string_array(const json::object& o,
                                                                      std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<std::vector<std::string>>{};
  auto bad = make_error(Errc::kBadRequest,
                        "The " + std::string(key) + " field must be an array of strings");
  if (!it->value().is_array()) return bad;
  std::vector<std::string> out;
  for (const auto& v : it->value().as_array()) {
    if (!v.is_string()) return bad;
    out.emplace_back(v.as_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::optional<int64_t>> optional_int(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::optional<int64_t>{};
  const auto& v = it->value();
  if (v.is_int64()) return std::optional<int64_t>(v.as_int64());
  if (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return std::optional<int64_t>(static_cast<int64_t>(v.as_uint64()));
  }
  if (v.is_double() && v.as_double() == static_cast<double>(static_cast<int64_t>(v.as_double()))) {
    return std::optional<int64_t>(static_cast<int64_t>(v.as_double()));
  }
  return make_error(Errc::kBadRequest, "The " + std::string(key) + " field must be an integer");
}

}  // namespace gatehouse::api
