// A C++ backend protecting its routes with the Gatehouse session SDK — the
// counterpart of the tutorial's Flask app with Descope's Python SDK.
//
//   protected_backend <gatehouse-base-url> <project-id> [port]
//
// GET /get_roles and GET /get_role_data answer like the tutorial's Flask
// backend; the session token is validated locally against the keys fetched
// from <base-url>/v2/keys/<project-id> (cached, refetched on an unknown kid).
// Kept deliberately small: one thread, synchronous Beast.
#include <cstdlib>
#include <iostream>
#include <string>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>

#include <gatehouse/session.h>

namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;

// The tutorial's token_required: a valid session or the tutorial's 401.
template <class Handler>
http::response<http::string_body> token_required(const gatehouse::SessionClient& client,
                                                 const http::request<http::string_body>& req,
                                                 Handler handler) {
  std::string auth(req[http::field::authorization]);
  std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
  auto session = client.validate_session(token);
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/json");
  if (!session) {
    res.result(http::status::unauthorized);
    res.body() = json::serialize(json::object{{"error", "❌ invalid session token!"}});
  } else {
    res.body() = json::serialize(handler(*session));
  }
  res.prepare_payload();
  return res;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: protected_backend <gatehouse-base-url> <project-id> [port]\n";
    return 2;
  }
  gatehouse::SessionClient client({.project_id = argv[2], .base_url = argv[1]});
  boost::asio::io_context ioc;
  tcp::acceptor acceptor(
      ioc, {tcp::v4(), static_cast<unsigned short>(argc > 3 ? std::atoi(argv[3]) : 0)});
  std::cout << "listening on " << acceptor.local_endpoint().port() << std::endl;

  for (;;) {
    tcp::socket socket(ioc);
    acceptor.accept(socket);
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    beast::error_code ec;
    http::read(socket, buffer, req, ec);
    if (ec) continue;
    http::response<http::string_body> res;
    if (req.target() == "/get_roles") {
      res = token_required(client, req, [](const gatehouse::JwtResponse& s) {
        json::array roles;
        for (const auto& r : s.roles) roles.emplace_back(r);
        return json::object{{"secretMessage", "You are now a trained Descope user!"},
                            {"roles", roles}};
      });
    } else if (req.target() == "/get_role_data") {
      res = token_required(client, req, [](const gatehouse::JwtResponse& s) {
        return json::object{{"valid_teacher", gatehouse::validate_roles(s, {"teacher"})},
                            {"valid_student", gatehouse::validate_roles(s, {"student"})}};
      });
    } else {
      res = {http::status::not_found, req.version()};
      res.set(http::field::content_type, "application/json");
      res.body() = R"({"error":"not found"})";
      res.prepare_payload();
    }
    res.keep_alive(false);
    http::write(socket, res, ec);
  }
}
