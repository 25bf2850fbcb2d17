// The one place where a domain error becomes an HTTP status and Descope's error
// JSON: {"errorCode","errorDescription","errorMessage"} (docs/descope-wire.md §1.6).
// Codes Descope documents are used where they fit; the others follow the
// pattern E011<status> and are listed in docs/compatibility.md.
#pragma once

#include "gatehouse/result.h"
#include "http/message.h"

namespace gatehouse::api {

struct ErrorInfo {
  int status;
  const char* code;
  const char* description;
};

ErrorInfo error_info(Errc c);
http::Response error_response(const Error& e);

}  // namespace gatehouse::api
