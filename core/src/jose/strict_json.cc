#include "jose/strict_json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/value_stack.hpp>

#include <string>
#include <unordered_set>
#include <vector>

namespace gatehouse::jose::detail {
namespace {

namespace json = boost::json;
using json::error_code;
using json::string_view;

// boost::json's own building handler (detail/handler.hpp) plus one set of member names
// per open object. Names are compared after unescaping, so {"a":1,"\u0061":2} is a
// duplicate too.
struct Handler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack st;
  std::vector<std::unordered_set<std::string>> names;
  std::string key;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) {
    names.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t n, error_code&) {
    names.pop_back();
    st.push_object(n);
    return true;
  }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t n, error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    key.append(s.data(), s.size());
    st.push_chars(s);
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code& ec) {
    key.append(s.data(), s.size());
    if (!names.back().insert(std::move(key)).second) {
      ec = json::error::syntax;
      return false;
    }
    key.clear();
    st.push_key(s);
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, string_view, error_code&) {
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, string_view, error_code&) {
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, string_view, error_code&) {
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

}  // namespace

std::optional<boost::json::object> parse_object_no_duplicates(std::string_view text) {
  json::basic_parser<Handler> parser(json::parse_options{});
  parser.handler().st.reset();
  error_code ec;
  std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec || !parser.done() || used != text.size()) return std::nullopt;
  json::value v = parser.handler().st.release();
  if (!v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

}  // namespace gatehouse::jose::detail
