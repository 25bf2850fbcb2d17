// libFuzzer target: raw bytes through Beast's request parser with the server's limits
// (http::ServerConfig: 16 KiB of headers, 1 MiB of body), then into http::Request as the
// connection does, then the accessors handlers use. Seeds: tests/fuzz/http_request/corpus.
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/beast/http.hpp>

#include "http/message.h"
#include "http/server.h"
#include "http/wire_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace bhttp = boost::beast::http;
  static const gatehouse::http::ServerConfig cfg;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(cfg.header_limit));
  parser.body_limit(cfg.body_limit);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) return 0;
  auto req = gatehouse::http::to_request(parser.get(), "127.0.0.1");
  (void)req.header("authorization");
  (void)req.cookie("DSR");
  (void)req.query_param("loginId");
  return 0;
}
