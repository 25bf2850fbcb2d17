#include "server/cli.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "auth/login_id.h"
#include "gatehouse/crypto/password_policy.h"
#include "server/backup_cli.h"
#include "server/context.h"
#include "server/key_encryption.h"

namespace gatehouse::server {

namespace {

struct Parsed {
  std::map<std::string, std::string> flags;  // command flags ("password-stdin" → "1")
  std::vector<std::string> positional;
  Config config;
};

int fail(const std::string& message, int code = 1) {
  std::cerr << "gatehouse: " << message << "\n";
  return code;
}

// Separates the command's own flags from the shared configuration flags.
Result<Parsed> parse(const std::vector<std::string>& args, const std::set<std::string>& valued,
                     const std::set<std::string>& switches) {
  Parsed p;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (!a.starts_with("--")) {
      rest.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    auto eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (switches.count(name)) {
      p.flags[name] = "1";
    } else if (valued.count(name)) {
      if (eq == std::string::npos) {
        if (i + 1 >= args.size())
          return make_error(Errc::kInvalidArgument, "--" + name + " needs a value");
        value = args[++i];
      }
      p.flags[name] = value;
    } else {
      rest.push_back(a);
      if (eq == std::string::npos && i + 1 < args.size() && !args[i + 1].starts_with("--")) {
        rest.push_back(args[++i]);
      }
    }
  }
  auto cfg = load_config(rest, &p.positional);
  if (!cfg) return cfg.error();
  p.config = std::move(*cfg);
  p.config.hash_in = "threads";  // a command hashes once at most: no helper processes
  return p;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string read_password_stdin() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void print_user(const store::User& u) {
  std::cout << u.login_id << "\t" << (u.name.empty() ? "-" : u.name) << "\t"
            << (u.roles.empty() ? "-" : join(u.roles)) << "\t" << u.status << "\t" << u.id << "\n";
}

int user_command(const std::string& verb, const std::vector<std::string>& args) {
  auto p = parse(args, {"email", "name", "roles"}, {"password-stdin"});
  if (!p) return fail(p.error().message, 2);
  auto ctx = open_context(p->config);
  if (!ctx) return fail(ctx.error().message);
  auth::Users& users = *(*ctx)->users;
  const auth::Origin cli{.actor = "cli"};

  if (verb == "add") {
    if (!p->flags.count("email")) return fail("user add needs --email", 2);
    if (!p->flags.count("password-stdin")) {
      return fail("user add needs --password-stdin (the password is read from standard input)", 2);
    }
    auth::NewUserInput in;
    in.login_id = p->flags["email"];
    in.name = p->flags["name"];
    in.roles = split_list(p->flags["roles"]);
    in.password = read_password_stdin();
    // The operator vouches for the address (--email-verification required).
    in.verified_email = true;
    // The flag is --email: an account made here signs in with its email address.
    if (auto id = auth::normalize_login_id(in.login_id); id && !auth::looks_like_email(*id)) {
      return fail("'" + *id + "' is not an email address");
    }
    // Required here (create() would make an account without one).
    if (auto st = crypto::check_password(in.password, (*ctx)->auth.password_policy); !st) {
      return fail(st.error().message);
    }
    auto u = users.create(in, cli);
    if (!u) return fail(u.error().message);
    std::cout << "created ";
    print_user(*u);
    return 0;
  }
  if (verb == "set-roles") {
    if (p->positional.empty() || p->positional.size() > 2) {
      return fail("usage: gatehouse user set-roles EMAIL ROLE1,ROLE2", 2);
    }
    auto roles =
        p->positional.size() == 2 ? split_list(p->positional[1]) : std::vector<std::string>{};
    auto u = users.by_login_id(p->positional[0]);
    if (u) u = users.set_roles(u->id, "", roles, cli);
    if (!u) {
      if (u.code() == Errc::kUserNotFound)
        return fail("no user with login id '" + p->positional[0] + "'");
      return fail(u.error().message);
    }
    std::cout << "updated ";
    print_user(*u);
    return 0;
  }
  if (verb == "list") {
    auto all = users.list_all();
    if (!all) return fail(all.error().message);
    std::cout << "LOGIN ID\tNAME\tROLES\tSTATUS\tUSER ID\n";
    for (const auto& u : *all) print_user(u);
    return 0;
  }
  return fail("unknown command 'user " + verb + "' (add, set-roles, list)", 2);
}

int role_command(const std::string& verb, const std::vector<std::string>& args) {
  auto p = parse(args, {"description"}, {});
  if (!p) return fail(p.error().message, 2);
  auto ctx = open_context(p->config);
  if (!ctx) return fail(ctx.error().message);
  auth::Roles& roles = *(*ctx)->roles;
  if (verb == "add") {
    if (p->positional.size() != 1)
      return fail("usage: gatehouse role add NAME [--description D]", 2);
    store::Role role{p->positional[0], p->flags["description"], {}, 0};
    if (auto st = roles.create(role, {.actor = "cli"}); !st) return fail(st.error().message);
    std::cout << "created role " << p->positional[0] << "\n";
    return 0;
  }
  if (verb == "list") {
    auto all = roles.list();
    if (!all) return fail(all.error().message);
    std::cout << "ROLE\tDESCRIPTION\n";
    for (const auto& r : *all) std::cout << r.name << "\t" << r.description << "\n";
    return 0;
  }
  return fail("unknown command 'role " + verb + "' (add, list)", 2);
}

std::string when(int64_t t) { return t == 0 ? "-" : format_utc(t, "%Y-%m-%d %H:%M"); }

int mgmt_key_command(const std::string& verb, const std::vector<std::string>& args) {
  auto p = parse(args, {"name", "expires-in"}, {});
  if (!p) return fail(p.error().message, 2);
  auto ctx = open_context(p->config);
  if (!ctx) return fail(ctx.error().message);
  auto& keys = *(*ctx)->mgmt_keys;
  if (verb == "create") {
    if (!p->flags.count("name"))
      return fail("usage: gatehouse mgmt-key create --name N [--expires-in DAYS]", 2);
    int days = 0;
    if (p->flags.count("expires-in")) {
      const std::string& v = p->flags["expires-in"];
      if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 5) {
        return fail("--expires-in: '" + v + "' is not a number of days", 2);
      }
      days = std::stoi(v);
    }
    auto key = keys.create(p->flags["name"], days);
    if (!key) return fail(key.error().message);
    std::cout << "created management key " << key->record.id << " (" << key->record.name
              << "), expires " << (key->record.expires_at ? when(key->record.expires_at) : "never")
              << "\nIt is shown only now; use it as Authorization: Bearer "
              << (*ctx)->auth.project_id << ":<key>\n"
              << key->key << "\n";
    return 0;
  }
  if (verb == "list") {
    auto all = keys.list();
    if (!all) return fail(all.error().message);
    std::cout << "ID\tNAME\tCREATED\tEXPIRES\tLAST USED\tSTATUS\n";
    int64_t now = (*ctx)->clock();
    for (const auto& k : *all) {
      const char* status = k.revoked_at                            ? "revoked"
                           : (k.expires_at && now >= k.expires_at) ? "expired"
                                                                   : "active";
      std::cout << k.id << "\t" << k.name << "\t" << when(k.created_at) << "\t"
                << (k.expires_at ? when(k.expires_at) : "never") << "\t" << when(k.last_used_at)
                << "\t" << status << "\n";
    }
    return 0;
  }
  if (verb == "revoke") {
    if (p->positional.size() != 1) return fail("usage: gatehouse mgmt-key revoke ID", 2);
    if (auto st = keys.revoke(p->positional[0]); !st) {
      if (st.code() == Errc::kNotFound)
        return fail("no management key with id '" + p->positional[0] + "'");
      return fail(st.error().message);
    }
    std::cout << "revoked management key " << p->positional[0] << "\n";
    return 0;
  }
  return fail("unknown command 'mgmt-key " + verb + "' (create, list, revoke)", 2);
}

std::string when_utc(int64_t t) { return format_utc(t, "%Y-%m-%d %H:%M:%S"); }

// `gatehouse key rekey --new-key-encryption-key-file PATH`: seals every signing key's
// private half again under a new key-encryption key, in one store transaction
// (auth::KeyRing::rekey). No server may run meanwhile: servers keep the old KEK, so a
// rotation they made afterwards would seal its key under it (docs/security.md, "Changing
// the key-encryption key").
int rekey_command(Parsed& p) {
  constexpr const char* kUsage =
      "usage: gatehouse key rekey --new-key-encryption-key-file PATH (or "
      "GATEHOUSE_NEW_KEY_ENCRYPTION_KEY)";
  if (!p.positional.empty() || p.flags.count("force")) return fail(kUsage, 2);
  const char* env = std::getenv("GATEHOUSE_NEW_KEY_ENCRYPTION_KEY");
  // Absolute, as the servers are to be started with it (from another directory, maybe).
  std::string file = p.flags.count("new-key-encryption-key-file")
                         ? p.flags["new-key-encryption-key-file"]
                         : std::string();
  if (!file.empty()) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(file, ec);
    if (!ec) file = abs.lexically_normal().string();
  }
  if (file.empty() && (env == nullptr || *env == '\0')) return fail(kUsage, 2);
  const Config& c = p.config;
  auto new_kek = load_new_key_encryption_key(file, env ? env : "", c.data_dir);
  if (!new_kek) return fail(new_kek.error().message);

  const bool sqlite = c.database_url.empty();
  struct stat sb {};
  if (sqlite && ::stat((c.data_dir + "/gatehouse.db").c_str(), &sb) != 0) {
    return fail("no database at " + c.data_dir + "/gatehouse.db (is --data the right directory?)");
  }
  // The current key must exist: rekey makes no default key of its own.
  if (c.key_encryption_key_file.empty() && c.key_encryption_key.empty() &&
      ::stat(default_kek_path(c.data_dir).c_str(), &sb) != 0) {
    return fail("no current key-encryption key: " + default_kek_path(c.data_dir) +
                " does not exist; give the one the signing keys are sealed with: "
                "--key-encryption-key-file PATH (GATEHOUSE_KEY_ENCRYPTION_KEY_FILE) or "
                "GATEHOUSE_KEY_ENCRYPTION_KEY");
  }
  // A server on this data directory holds its lock: on SQLite that is every server; on
  // PostgreSQL only those on this machine's directory, so the others must be stopped by
  // hand (docs/operations.md).
  int lock = -1;
  if (::stat(c.data_dir.c_str(), &sb) == 0) {
    auto locked = lock_out_servers(c.data_dir);
    if (!locked) return fail(locked.error().message + " (servers keep the old key-encryption key)");
    lock = *locked;
  }
  struct Unlock {
    int fd;
    ~Unlock() {
      if (fd >= 0) ::close(fd);
    }
  } unlock{lock};

  auto ctx = open_context(c);
  if (!ctx) return fail(ctx.error().message);
  auto r = (*ctx)->keys->rekey(new_kek->key, new_kek->hint);
  if (!r) return fail(r.error().message);
  (*ctx)->audit->record(auth::Origin{.actor = "cli"}, "key.rekey", true, "", "",
                        std::to_string(r->kids.size()) + " signing keys re-sealed (" +
                            join(r->kids) + "), new key-encryption key from " +
                            (file.empty() ? "GATEHOUSE_NEW_KEY_ENCRYPTION_KEY"
                                          : "--new-key-encryption-key-file " + file));
  std::cout << "re-sealed the private halves of " << r->kids.size()
            << " signing keys under the new key-encryption key:\n";
  for (const auto& kid : r->kids) std::cout << "  " << kid << "\n";
  std::cout << "From now on start every server on this store with "
            << (file.empty()
                    ? "GATEHOUSE_KEY_ENCRYPTION_KEY set to the new key"
                    : "--key-encryption-key-file " + file + " (GATEHOUSE_KEY_ENCRYPTION_KEY_FILE)")
            << "; with the old key they refuse to start.\n";
  if (c.key_encryption_key_file.empty() && c.key_encryption_key.empty()) {
    std::cout << default_kek_path(c.data_dir)
              << " still holds the old key, which opens nothing in the store now: delete it once "
                 "the servers run with the new one (keep a copy only for backups made before "
                 "now, which are sealed under it).\n";
  } else {
    std::cout << "The old key opens nothing in the store now: destroy it once the servers run "
                 "with the new one (keep a copy only for backups made before now).\n";
  }
  return 0;
}

// `gatehouse key …`: the signing-key lifecycle of auth/key_ring.h. Safe while servers run
// on the same data directory: they pick the change up within a second.
int key_command(const std::string& verb, const std::vector<std::string>& args) {
  auto p = parse(args, {"new-key-encryption-key-file"}, {"force"});
  if (!p) return fail(p.error().message, 2);
  const bool force = p->flags.count("force") != 0;
  if (verb == "rekey") return rekey_command(*p);
  if (p->flags.count("new-key-encryption-key-file")) {
    return fail("--new-key-encryption-key-file belongs to gatehouse key rekey", 2);
  }
  if (verb == "list" || verb == "rotate") {
    if (!p->positional.empty()) return fail("usage: gatehouse key " + verb, 2);
  } else if (verb == "retire") {
    if (p->positional.size() != 1) return fail("usage: gatehouse key retire KID [--force]", 2);
  } else {
    return fail("unknown command 'key " + verb + "' (list, rotate, retire, rekey)", 2);
  }
  auto ctx = open_context(p->config);
  if (!ctx) return fail(ctx.error().message);
  auth::KeyRing& ring = *(*ctx)->keys;
  auth::Audit& audit = *(*ctx)->audit;
  const auth::Origin cli{.actor = "cli"};

  if (verb == "list") {
    auto keys = ring.list();
    if (!keys) return fail(keys.error().message);
    std::cout << "KID\tSTATE\tPUBLISHED\tSIGNING\tVERIFIES UNTIL\n";
    for (const auto& k : *keys) {
      const auto& r = k.record;
      std::string signing = "-", verifies = "-";
      switch (r.state) {
        case store::KeyState::kNext:
          signing = "after rotate (from " + when_utc(k.promotable_at) + ")";
          verifies = "open";
          break;
        case store::KeyState::kCurrent:
          signing = "since " + when_utc(r.activated_at);
          verifies = "open";
          break;
        case store::KeyState::kPrevious:
          signing = (r.activated_at ? when_utc(r.activated_at) : std::string("?")) + " to " +
                    when_utc(r.deactivated_at);
          verifies = when_utc(k.verifies_until);
          break;
        case store::KeyState::kRetired:
          verifies = "retired " + when_utc(r.retired_at);
          break;
      }
      std::cout << r.kid << "\t" << store::key_state_name(r.state) << "\t" << when_utc(r.created_at)
                << "\t" << signing << "\t" << verifies << "\n";
    }
    return 0;
  }
  if (verb == "rotate") {
    auto r = ring.rotate(force);
    if (!r) return fail(r.error().message);
    audit.record(cli, "key.rotate", true, "", "",
                 "current " + r->current + ", previous " + r->previous + ", next " + r->next +
                     (force ? " (forced)" : ""));
    std::cout << "rotated the signing keys (running servers switch within a second):\n"
              << "  " << r->current << "  current   signs every new token from now\n"
              << "  " << r->previous
              << "  previous  signs no more; its tokens stay valid, and it stays published, "
                 "until "
              << when_utc(r->previous_verifies_until) << " UTC, then it retires\n"
              << "  " << r->next << "  next      published from now; rotate promotes it from "
              << when_utc(r->next_promotable_at) << " UTC\n";
    return 0;
  }
  const std::string& kid = p->positional[0];
  auto r = ring.retire(kid, force);
  if (!r) return fail(r.error().message);
  if (r->was == store::KeyState::kRetired) {
    std::cout << kid << " was already retired\n";
    return 0;
  }
  audit.record(cli, "key.retire", true, "", "",
               kid + " (was " + store::key_state_name(r->was) + ")" +
                   (r->cut_off ? ", forced: tokens it signed are refused" : ""));
  std::cout << "retired " << kid << ": no longer published or accepted; its private key is "
            << "erased from the store\n";
  if (r->cut_off) {
    std::cout << "tokens it signed are refused from now on (they would have been valid until "
              << when_utc(r->verified_until)
              << " UTC): their users sign in again. Validators that cached the key set keep "
                 "it until they fetch it again\n";
  }
  if (!r->replacement.empty()) std::cout << "new next key: " << r->replacement << "\n";
  return 0;
}

}  // namespace

int cli_main(const std::string& noun, const std::vector<std::string>& args) {
  if (args.empty()) return fail("usage: gatehouse " + noun + " <command> … (gatehouse help)", 2);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (noun == "mgmt-key") return mgmt_key_command(args[0], rest);
  if (noun == "key") return key_command(args[0], rest);
  return noun == "user" ? user_command(args[0], rest) : role_command(args[0], rest);
}

}  // namespace gatehouse::server
