// libpq and libcurl opened on first use (lazy_libs.h). Compiled into the `gatehouse`
// executable only, which links with --as-needed: every libpq and libcurl function the
// server calls is defined here, so the linker finds no use for libpq.so.5 and
// libcurl.so.4 and leaves them out of the program's DT_NEEDED list (CTest
// lazy_libs.gatehouse checks it). Each definition has the exact signature of
// <libpq-fe.h> or <curl/curl.h> and forwards to the function found in the library with
// dlsym; the library is opened, and all its functions resolved, at the first call of any
// of them or of require_libpq / require_libcurl.
//
// A function the server starts to call must be added to its list below, with its
// forwarder; until it is, the linker keeps the library (and the CTest fails).
#include "server/lazy_libs.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <libpq-fe.h>

#include <cstdarg>
#include <string>

// curl.h checks that setopt and getinfo get three arguments with a macro of the same
// name; here they are defined.
#undef curl_easy_setopt
#undef curl_easy_getinfo

namespace gatehouse::server {
namespace {

// clang-format off
#define GH_LIBPQ_FUNCTIONS(X)                                                            \
  X(PQclear) X(PQcmdTuples) X(PQconnectdb) X(PQerrorMessage) X(PQexec) X(PQexecPrepared) \
  X(PQfinish) X(PQgetisnull) X(PQgetlength) X(PQgetvalue) X(PQntuples) X(PQprepare)      \
  X(PQreset) X(PQresultErrorField) X(PQresultStatus) X(PQsetNoticeProcessor) X(PQstatus) \
  X(PQtransactionStatus)

#define GH_LIBCURL_FUNCTIONS(X)                                                          \
  X(curl_global_init) X(curl_easy_init) X(curl_easy_setopt) X(curl_easy_perform)        \
  X(curl_easy_getinfo) X(curl_easy_cleanup) X(curl_easy_strerror) X(curl_slist_append)  \
  X(curl_slist_free_all)
// clang-format on

#define GH_POINTER(name) decltype(&::name) name = nullptr;

struct Libpq {
  GH_LIBPQ_FUNCTIONS(GH_POINTER)
};

struct Libcurl {
  GH_LIBCURL_FUNCTIONS(GH_POINTER)
};

#undef GH_POINTER

// A library's functions, or why they are not there.
template <typename Functions>
struct Library {
  Functions fn;
  std::string error;  // empty: every function of fn is set
};

std::string last_dlerror(const char* fallback) {
  const char* e = ::dlerror();
  return e != nullptr ? e : fallback;
}

// Opens `soname` and resolves each function with `resolve(handle, library)`, which
// records the first symbol it cannot find in library.error.
template <typename Functions, typename Resolve>
Library<Functions> open_library(const char* soname, Resolve resolve) {
  Library<Functions> lib;
  void* handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    lib.error = last_dlerror("dlopen failed");
    return lib;
  }
  resolve(handle, lib);
  if (!lib.error.empty()) {
    lib.fn = {};
    ::dlclose(handle);
  }
  return lib;
}

template <typename Fn, typename Functions>
void resolve_one(void* handle, const char* name, Fn& out, Library<Functions>& lib) {
  if (!lib.error.empty()) return;
  ::dlerror();
  void* symbol = ::dlsym(handle, name);
  if (symbol == nullptr) {
    lib.error = last_dlerror(name);
    return;
  }
  out = reinterpret_cast<Fn>(symbol);
}

#define GH_RESOLVE(name) resolve_one(handle, #name, lib.fn.name, lib);

const Library<Libpq>& libpq_library() {
  static const Library<Libpq> loaded = open_library<Libpq>(
      "libpq.so.5", [](void* handle, Library<Libpq>& lib) { GH_LIBPQ_FUNCTIONS(GH_RESOLVE) });
  return loaded;
}

const Library<Libcurl>& libcurl_library() {
  static const Library<Libcurl> loaded = open_library<Libcurl>(
      "libcurl.so.4", [](void* handle, Library<Libcurl>& lib) { GH_LIBCURL_FUNCTIONS(GH_RESOLVE) });
  return loaded;
}

#undef GH_RESOLVE

// The functions, or nullptr when the library could not be loaded (then the forwarders
// below answer as the library does when it fails: a null handle, an error code).
const Libpq* libpq() {
  const auto& lib = libpq_library();
  return lib.error.empty() ? &lib.fn : nullptr;
}

const Libcurl* libcurl() {
  const auto& lib = libcurl_library();
  return lib.error.empty() ? &lib.fn : nullptr;
}

}  // namespace

Status require_libpq() {
  const auto& lib = libpq_library();
  if (lib.error.empty()) return ok_status();
  return make_error(Errc::kUnavailable,
                    "cannot load libpq.so.5, the PostgreSQL client library (Debian package "
                    "libpq5): " +
                        lib.error);
}

Status require_libcurl() {
  const auto& lib = libcurl_library();
  if (lib.error.empty()) return ok_status();
  return make_error(Errc::kUnavailable,
                    "cannot load libcurl.so.4 (Debian package libcurl4): " + lib.error);
}

}  // namespace gatehouse::server

using gatehouse::server::libcurl;
using gatehouse::server::libpq;

namespace {
char kLibpqNotLoaded[] = "libpq.so.5 is not loaded";
}  // namespace

// ---- libpq ---------------------------------------------------------------------------

PGconn* PQconnectdb(const char* conninfo) {
  auto* f = libpq();
  return f != nullptr ? f->PQconnectdb(conninfo) : nullptr;
}

void PQfinish(PGconn* conn) {
  if (auto* f = libpq()) f->PQfinish(conn);
}

void PQreset(PGconn* conn) {
  if (auto* f = libpq()) f->PQreset(conn);
}

ConnStatusType PQstatus(const PGconn* conn) {
  auto* f = libpq();
  return f != nullptr ? f->PQstatus(conn) : CONNECTION_BAD;
}

PGTransactionStatusType PQtransactionStatus(const PGconn* conn) {
  auto* f = libpq();
  return f != nullptr ? f->PQtransactionStatus(conn) : PQTRANS_UNKNOWN;
}

char* PQerrorMessage(const PGconn* conn) {
  auto* f = libpq();
  return f != nullptr ? f->PQerrorMessage(conn) : kLibpqNotLoaded;
}

PQnoticeProcessor PQsetNoticeProcessor(PGconn* conn, PQnoticeProcessor proc, void* arg) {
  auto* f = libpq();
  return f != nullptr ? f->PQsetNoticeProcessor(conn, proc, arg) : nullptr;
}

PGresult* PQexec(PGconn* conn, const char* query) {
  auto* f = libpq();
  return f != nullptr ? f->PQexec(conn, query) : nullptr;
}

PGresult* PQprepare(PGconn* conn, const char* stmtName, const char* query, int nParams,
                    const Oid* paramTypes) {
  auto* f = libpq();
  return f != nullptr ? f->PQprepare(conn, stmtName, query, nParams, paramTypes) : nullptr;
}

PGresult* PQexecPrepared(PGconn* conn, const char* stmtName, int nParams,
                         const char* const* paramValues, const int* paramLengths,
                         const int* paramFormats, int resultFormat) {
  auto* f = libpq();
  return f != nullptr ? f->PQexecPrepared(conn, stmtName, nParams, paramValues, paramLengths,
                                          paramFormats, resultFormat)
                      : nullptr;
}

ExecStatusType PQresultStatus(const PGresult* res) {
  auto* f = libpq();
  return f != nullptr ? f->PQresultStatus(res) : PGRES_FATAL_ERROR;
}

char* PQresultErrorField(const PGresult* res, int fieldcode) {
  auto* f = libpq();
  return f != nullptr ? f->PQresultErrorField(res, fieldcode) : nullptr;
}

void PQclear(PGresult* res) {
  if (auto* f = libpq()) f->PQclear(res);
}

int PQntuples(const PGresult* res) {
  auto* f = libpq();
  return f != nullptr ? f->PQntuples(res) : 0;
}

char* PQcmdTuples(PGresult* res) {
  auto* f = libpq();
  return f != nullptr ? f->PQcmdTuples(res) : nullptr;
}

char* PQgetvalue(const PGresult* res, int tup_num, int field_num) {
  auto* f = libpq();
  return f != nullptr ? f->PQgetvalue(res, tup_num, field_num) : nullptr;
}

int PQgetlength(const PGresult* res, int tup_num, int field_num) {
  auto* f = libpq();
  return f != nullptr ? f->PQgetlength(res, tup_num, field_num) : 0;
}

int PQgetisnull(const PGresult* res, int tup_num, int field_num) {
  auto* f = libpq();
  return f != nullptr ? f->PQgetisnull(res, tup_num, field_num) : 1;
}

// ---- libcurl -------------------------------------------------------------------------

// curl_global_init keeps its own meaning: each caller still calls it once, before its
// first handle (smtp_mailer.cc, the SDK's curl_http_client.cc), and libcurl counts them.
CURLcode curl_global_init(long flags) {
  auto* f = libcurl();
  return f != nullptr ? f->curl_global_init(flags) : CURLE_FAILED_INIT;
}

CURL* curl_easy_init(void) {
  auto* f = libcurl();
  return f != nullptr ? f->curl_easy_init() : nullptr;
}

// va_start after an enum parameter: clang warns (-Wvarargs) because an enum argument
// would be promoted to int. The declarations in curl/easy.h fix these parameters' types,
// and va_start only needs where the named parameters end (libcurl's own definitions, in
// C, do the same).
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wvarargs"
#endif

// The one argument after `option` is read as the type curl's numbering of the option
// gives it (option / 10000: long, object pointer, function pointer, curl_off_t, blob
// pointer), as libcurl itself reads it, and passed on with that type.
CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  auto* f = libcurl();
  if (f == nullptr) return CURLE_FAILED_INIT;
  using AnyFunction = void (*)(void);
  va_list ap;
  va_start(ap, option);
  CURLcode rc = CURLE_UNKNOWN_OPTION;
  switch (static_cast<int>(option) / 10000 * 10000) {
    case CURLOPTTYPE_LONG:
      rc = f->curl_easy_setopt(curl, option, va_arg(ap, long));
      break;
    case CURLOPTTYPE_OBJECTPOINT:
      rc = f->curl_easy_setopt(curl, option, va_arg(ap, void*));
      break;
    case CURLOPTTYPE_FUNCTIONPOINT:
      rc = f->curl_easy_setopt(curl, option, va_arg(ap, AnyFunction));
      break;
    case CURLOPTTYPE_OFF_T:
      rc = f->curl_easy_setopt(curl, option, va_arg(ap, curl_off_t));
      break;
    case CURLOPTTYPE_BLOB:
      rc = f->curl_easy_setopt(curl, option, va_arg(ap, curl_blob*));
      break;
    default:
      break;
  }
  va_end(ap);
  return rc;
}

CURLcode curl_easy_perform(CURL* curl) {
  auto* f = libcurl();
  return f != nullptr ? f->curl_easy_perform(curl) : CURLE_FAILED_INIT;
}

// Every CURLINFO_* takes one pointer to where the answer goes.
CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  auto* f = libcurl();
  if (f == nullptr) return CURLE_FAILED_INIT;
  va_list ap;
  va_start(ap, info);
  void* out = va_arg(ap, void*);
  va_end(ap);
  return f->curl_easy_getinfo(curl, info, out);
}

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

void curl_easy_cleanup(CURL* curl) {
  if (auto* f = libcurl()) f->curl_easy_cleanup(curl);
}

const char* curl_easy_strerror(CURLcode code) {
  auto* f = libcurl();
  return f != nullptr ? f->curl_easy_strerror(code) : "libcurl.so.4 is not loaded";
}

curl_slist* curl_slist_append(curl_slist* list, const char* data) {
  auto* f = libcurl();
  return f != nullptr ? f->curl_slist_append(list, data) : nullptr;
}

void curl_slist_free_all(curl_slist* list) {
  if (auto* f = libcurl()) f->curl_slist_free_all(list);
}
