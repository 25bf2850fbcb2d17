#include "http/middleware.h"

namespace gatehouse::http {

void HeaderLines::add(std::string_view name, std::string_view value) {
  out_.append(name);
  out_.append(": ");
  for (char ch : value) out_ += (ch == '\r' || ch == '\n') ? ' ' : ch;  // no header injection
  out_.append("\r\n");
}

std::optional<Response> Middleware::on_request(Request&) { return std::nullopt; }
void Middleware::on_response(Request&, Response&, HeaderLines&) {}
void Middleware::on_complete(const Request&, const Completion&) {}

}  // namespace gatehouse::http
