#include "server/context.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "gatehouse/crypto/random.h"
#include "store/sqlite/sqlite_store.h"

namespace gatehouse::server {

Result<std::unique_ptr<Context>> open_context(Config config) {
  auto ctx = std::make_unique<Context>();
  ctx->config = std::move(config);
  const Config& c = ctx->config;

  if (::mkdir(c.data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error(Errc::kInvalidArgument,
                      "cannot create data directory " + c.data_dir + ": " + std::strerror(errno));
  }
  auto store = store::open_sqlite_store(c.data_dir + "/gatehouse.db");
  if (!store) return store.error();
  ctx->store = std::move(*store);

  std::string project_id = c.project_id;
  if (project_id.empty()) {
    auto stored = ctx->store->put_meta_if_absent("project_id", crypto::random_id('P'));
    if (!stored) return stored.error();
    project_id = *stored;
  } else if (project_id.find(':') != std::string::npos) {
    return make_error(Errc::kInvalidArgument, "the project id must not contain ':'");
  }

  auth::AuthConfig& a = ctx->auth;
  a.project_id = project_id;
  a.session_ttl = c.session_ttl;
  a.refresh_ttl = c.refresh_ttl;
  a.refresh_grace = c.refresh_grace;
  a.password_policy.min_length = c.password_min_length;
  a.argon2.ops = static_cast<uint64_t>(c.argon2_iterations);
  a.argon2.mem_bytes = static_cast<size_t>(c.argon2_memory_kib) * 1024;
  a.default_roles = c.default_roles;
  if (auto st = crypto::validate(a.argon2); !st) return st.error();
  if (auto st = crypto::validate(a.password_policy); !st) return st.error();

  auto keys = auth::KeyRing::open(c.data_dir);
  if (!keys) return keys.error();
  ctx->keys = std::move(*keys);

  auth::PasswordHasher::Backend backend;
  if (c.hash_in == "processes") {
    auto helpers = auth::HashProcesses::start("/proc/self/exe", c.hash_concurrency, c.worker_nice);
    if (!helpers) {
      return make_error(helpers.code(), helpers.error().message +
                                            " (--hash-in threads hashes in the server instead)");
    }
    ctx->hash_helpers = std::move(*helpers);
    backend = ctx->hash_helpers->backend();
  }
  ctx->hasher = std::make_unique<auth::PasswordHasher>(a, c.hash_concurrency, std::move(backend));
  ctx->audit = std::make_unique<auth::Audit>(*ctx->store, ctx->clock);
  ctx->directory =
      std::make_unique<auth::Directory>(*ctx->hasher, *ctx->store, *ctx->audit, ctx->clock);
  if (auto st = ctx->directory->seed_default_roles(); !st) return st.error();
  ctx->sessions =
      std::make_unique<auth::SessionService>(a, *ctx->store, ctx->keys, *ctx->audit, ctx->clock);
  ctx->passwords = std::make_unique<auth::PasswordStrategy>(
      a, *ctx->hasher, *ctx->store, *ctx->sessions, *ctx->audit, ctx->clock);
  ctx->management =
      std::make_unique<auth::Management>(*ctx->hasher, *ctx->store, *ctx->audit, ctx->clock);
  ctx->mgmt_keys = std::make_unique<auth::MgmtKeys>(*ctx->store, *ctx->audit, ctx->clock);
  return ctx;
}

}  // namespace gatehouse::server
