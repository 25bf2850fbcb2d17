// gatehouse: the server binary and its administrative CLI.
//
//   gatehouse serve [options]            run the server (see `gatehouse serve --help`)
//   gatehouse user add --email E --password-stdin [--name N] [--roles r1,r2]
//   gatehouse user set-roles E r1,r2
//   gatehouse user list
//   gatehouse role add NAME [--description D]
//   gatehouse role list
//   gatehouse mgmt-key create --name N [--expires-in DAYS] | list | revoke ID
//   gatehouse key list | rotate [--force] | retire KID [--force]
//                 | rekey --new-key-encryption-key-file PATH
//   gatehouse backup FILE | restore FILE [--force]
//   gatehouse migrate sqlite-to-postgres --database-url postgres://…
#include <sys/stat.h>

#include <iostream>
#include <string>
#include <vector>

#include "hashing/hash_processes.h"
#include "server/backup_cli.h"
#include "server/cli.h"
#include "server/migrate_cli.h"
#include "server/serve.h"

namespace {

constexpr const char* kUsage = R"(usage: gatehouse <command> [options]

commands:
  serve                                   run the identity server (gatehouse serve --help)
  user add --email E --password-stdin [--name N] [--roles r1,r2]
  user set-roles E r1,r2                  replace a user's roles ("" for none)
  user list
  role add NAME [--description D]
  role list
  mgmt-key create --name N [--expires-in DAYS]
                                          print a new management API key (shown once)
  mgmt-key list
  mgmt-key revoke ID
  key list                                signing keys: next, current, previous, retired
  key rotate [--force]                    next key signs, current key becomes previous
  key retire KID [--force]                stop publishing and accepting a key
  key rekey --new-key-encryption-key-file PATH
                                          seal the signing keys under a new key-encryption
                                          key (or GATEHOUSE_NEW_KEY_ENCRYPTION_KEY); stop the
                                          servers first, start them with the new key after
  backup FILE                             copy the database and signing keys into FILE,
                                          while the server runs (SQLite online backup)
  restore FILE [--force]                  check FILE and restore it into the data directory
                                          (no server may run on it; --force replaces data)
  migrate sqlite-to-postgres --database-url postgres://…
                                          copy the data directory's SQLite database into an
                                          empty PostgreSQL database (no server may run on it)

Every command takes --data DIR (env GATEHOUSE_DATA, default ./data).
)";

}  // namespace

int main(int argc, char** argv) {
  // Everything the server and the CLI write (the database, keys, the first admin's
  // password) is for this user alone.
  ::umask(077);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  // Not for people: the password hashing helper `serve` starts (hashing/hash_processes.h).
  if (command == gatehouse::hashing::kHashHelperCommand)
    return gatehouse::hashing::hash_helper_main(args);
  if (command == "serve") return gatehouse::server::serve_main(args);
  if (command == "backup") return gatehouse::server::backup_main(args);
  if (command == "restore") return gatehouse::server::restore_main(args);
  if (command == "migrate") return gatehouse::server::migrate_main(args);
  if (command == "user" || command == "role" || command == "mgmt-key" || command == "key") {
    return gatehouse::server::cli_main(command, args);
  }
  std::cerr << "gatehouse: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}
