// require_libpq and require_libcurl for builds that link libpq and libcurl (lazy_libs.h):
// the libraries were loaded with the program, so there is nothing to check.
#include "server/lazy_libs.h"

namespace gatehouse::server {

Status require_libpq() { return ok_status(); }

Status require_libcurl() { return ok_status(); }

}  // namespace gatehouse::server
