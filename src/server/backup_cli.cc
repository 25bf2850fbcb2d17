#include "server/backup_cli.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "server/config.h"
#include "store/sqlite/backup.h"

namespace gatehouse::server {

namespace {

int fail(const std::string& command, const std::string& message, int code = 1) {
  std::cerr << "gatehouse " << command << ": " << message << "\n";
  return code;
}

std::string db_path(const std::string& data_dir) { return data_dir + "/gatehouse.db"; }

// The only files a backup carries: keys/kek, the default key-encryption key that opens the
// signing keys sealed in the database, and keys/<kid>.pem, private keys an older build left
// that the server seals into the store at its next start. A name from a backup is checked
// against this before anything is written under its name.
bool is_key_file(const std::string& name) {
  if (name == "keys/kek") return true;
  if (!name.starts_with("keys/") || !name.ends_with(".pem")) return false;
  std::string base = name.substr(5);
  return base.size() > 4 && base.find('/') == std::string::npos && !base.starts_with('.');
}

Result<std::vector<store::sqlite::BackupFile>> read_key_files(const std::string& data_dir) {
  std::vector<store::sqlite::BackupFile> files;
  const std::string dir = data_dir + "/keys";
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return files;
    return make_error(Errc::kInternal, "cannot read " + dir + ": " + std::strerror(errno));
  }
  while (dirent* e = ::readdir(d)) {
    std::string name = std::string("keys/") + e->d_name;
    if (!is_key_file(name) || e->d_type == DT_DIR) continue;
    std::ifstream in(data_dir + "/" + name, std::ios::binary);
    if (!in) {
      ::closedir(d);
      return make_error(Errc::kInternal, "cannot read " + data_dir + "/" + name);
    }
    std::ostringstream content;
    content << in.rdbuf();
    files.push_back({name, content.str()});
  }
  ::closedir(d);
  return files;
}

Status write_private(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return make_error(Errc::kInternal, "cannot write " + path + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return make_error(Errc::kInternal, "cannot write " + path);
  return ok_status();
}

struct Args {
  std::string file;
  bool force = false;
  Config config;
};

Result<Args> parse(const std::vector<std::string>& args, bool allow_force) {
  Args out;
  std::vector<std::string> rest, positional;
  for (const auto& a : args) {
    if (allow_force && a == "--force") {
      out.force = true;
    } else {
      rest.push_back(a);
    }
  }
  auto cfg = load_config(rest, &positional);
  if (!cfg) return cfg.error();
  if (positional.size() != 1) return make_error(Errc::kInvalidArgument, "usage");
  out.file = positional[0];
  out.config = std::move(*cfg);
  return out;
}

}  // namespace

Status hold_serve_lock(const std::string& data_dir) {
  const std::string path = data_dir + "/" + kServeLockFile;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return make_error(Errc::kInternal, "cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
    ::close(fd);
    return make_error(Errc::kUnavailable, "a restore or migration is running on " + data_dir);
  }
  return ok_status();  // fd stays open: the lock lasts until the process exits
}

Result<int> lock_out_servers(const std::string& data_dir) {
  const std::string path = data_dir + "/" + kServeLockFile;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return make_error(Errc::kInternal, "cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return make_error(Errc::kUnavailable, "a server is running on " + data_dir + "; stop it first");
  }
  return fd;
}

int backup_main(const std::vector<std::string>& args) {
  auto a = parse(args, /*allow_force=*/false);
  if (!a) {
    if (a.error().message == "usage")
      return fail("backup", "usage: gatehouse backup FILE [--data DIR]", 2);
    return fail("backup", a.error().message, 2);
  }
  const std::string& data = a->config.data_dir;
  bool has_kek = false;
  auto st = store::sqlite::backup_database(db_path(data), a->file, [&] {
    auto files = read_key_files(data);
    if (files) {
      for (const auto& f : *files) has_kek = has_kek || f.name == "keys/kek";
    }
    return files;
  });
  if (!st) return fail("backup", st.error().message);
  std::cout << "backed up " << data << " to " << a->file;
  const bool configured =
      !a->config.key_encryption_key_file.empty() || !a->config.key_encryption_key.empty();
  if (configured || !has_kek) {
    // The signing keys in the copy are sealed under a key the copy does not hold.
    std::cout << "\nThe signing keys in it are sealed with the key-encryption key "
              << (a->config.key_encryption_key_file.empty() ? std::string("the servers use")
                                                            : a->config.key_encryption_key_file)
              << ", which the backup does not carry: keep that key too (and apart from the "
                 "backup), a restore is of no use without it.\n";
  } else {
    std::cout << " (holds the signing keys and keys/kek, the key that opens them: keep it as "
                 "private as the data directory)\n";
  }
  return 0;
}

int restore_main(const std::vector<std::string>& args) {
  auto a = parse(args, /*allow_force=*/true);
  if (!a) {
    if (a.error().message == "usage") {
      return fail("restore", "usage: gatehouse restore FILE [--data DIR] [--force]", 2);
    }
    return fail("restore", a.error().message, 2);
  }
  const std::string& data = a->config.data_dir;
  // First the backup, before anything in the data directory is touched.
  auto files = store::sqlite::check_backup(a->file);
  if (!files) return fail("restore", files.error().message);
  for (const auto& f : *files) {
    if (!is_key_file(f.name))
      return fail("restore", a->file + " holds an unexpected file " + f.name);
  }
  if (::mkdir(data.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail("restore", "cannot create " + data + ": " + std::strerror(errno));
  }
  const std::string lock_path = data + "/" + kServeLockFile;
  int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0) return fail("restore", "cannot open " + lock_path + ": " + std::strerror(errno));
  if (::flock(lock, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock);
    return fail("restore", "a server is running on " + data +
                               "; stop it first (even --force "
                               "does not restore under a running server)");
  }
  struct stat st {};
  if (::stat(db_path(data).c_str(), &st) == 0 && !a->force) {
    ::close(lock);
    return fail("restore", data +
                               " already holds a database; --force replaces it with the "
                               "backup (what it holds now is lost)");
  }
  auto restored = store::sqlite::restore_database(a->file, db_path(data));
  if (!restored) {
    ::close(lock);
    return fail("restore", restored.error().message);
  }
  const std::string keys = data + "/keys";
  if (::mkdir(keys.c_str(), 0700) != 0 && errno != EEXIST) {
    ::close(lock);
    return fail("restore", "cannot create " + keys + ": " + std::strerror(errno));
  }
  // The keys of what was replaced go: only the backup's keys belong to its database.
  std::set<std::string> wanted;
  for (const auto& f : *files) wanted.insert(f.name);
  if (auto old = read_key_files(data)) {
    for (const auto& f : *old) {
      if (!wanted.count(f.name)) ::unlink((data + "/" + f.name).c_str());
    }
  }
  for (const auto& f : *files) {
    if (auto w = write_private(data + "/" + f.name, f.content); !w) {
      ::close(lock);
      return fail("restore", w.error().message);
    }
  }
  ::close(lock);
  bool has_kek = false;
  for (const auto& f : *files) has_kek = has_kek || f.name == "keys/kek";
  std::cout << "restored " << a->file << " into " << data
            << (has_kek ? " (with keys/kek, the key-encryption key of its signing keys)\n"
                        : " (start the server with the key-encryption key its signing keys were "
                          "sealed with: --key-encryption-key-file)\n");
  return 0;
}

}  // namespace gatehouse::server
