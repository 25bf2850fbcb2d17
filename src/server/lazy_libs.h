// libpq and libcurl, loaded when first needed (bench/README.md, "Idle RSS"). The
// `gatehouse` executable does not link them: lazy_libs.cc, compiled into it alone, defines
// every libpq and libcurl function the server calls, each forwarding to the library opened
// with dlopen on first use. A server on SQLite with the development mailer then never maps
// them, nor gnutls, krb5, LDAP and p11-kit that they pull in, and neither do its hashing
// helpers. Builds that link the real libraries (the fuzz target over the server) take
// linked_libs.cc instead, where both checks succeed.
#pragma once

#include "gatehouse/result.h"

namespace gatehouse::server {

// Opens libpq.so.5 and resolves every function the PostgreSQL engine calls. kUnavailable
// with the library's name and dlerror()'s text when it cannot (the libpq5 package is
// missing, say). Called where the configuration picks PostgreSQL (`--database-url`,
// `migrate sqlite-to-postgres`) before anything calls libpq. Thread-safe; the library is
// opened once and stays loaded.
Status require_libpq();

// The same for libcurl.so.4: the SMTP mailer (`--smtp-host`) and the validator's client
// for the issuer (`serve --validator`).
Status require_libcurl();

}  // namespace gatehouse::server
