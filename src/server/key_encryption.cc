#include "server/key_encryption.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "gatehouse/crypto/random.h"
#include "gatehouse/crypto/secret_box.h"

namespace gatehouse::server {

namespace {

constexpr const char* kOptions =
    "--key-encryption-key-file PATH (GATEHOUSE_KEY_ENCRYPTION_KEY_FILE) or "
    "GATEHOUSE_KEY_ENCRYPTION_KEY";

Error bad(const std::string& why) { return make_error(Errc::kInvalidArgument, why); }

// The file's contents; kNotFound when there is none. Refused when group or others may
// read or write it, like ssh refuses such a private key.
Result<std::string> read_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return make_error(Errc::kNotFound, path + " does not exist");
    return bad("cannot read " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return bad(path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return bad(path + " is open to group or others; make it private: chmod 600 " + path);
  }
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 && out.size() < 4096) {
    out.append(buf, static_cast<size_t>(n));
  }
  const bool failed = n < 0;
  ::close(fd);
  if (failed) return bad("cannot read " + path);
  return out;
}

// Writes a new KEK to `path` unless one is there: a 0600 temp file linked into place, so
// two processes starting at once on one data directory end up with the same key.
Status make_kek_file(const std::string& path) {
  const std::string tmp = path + ".tmp." + crypto::random_id('k').substr(1, 12);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return bad("cannot create " + tmp + ": " + std::strerror(errno));
  const std::string text = crypto::new_key_encryption_key_text();
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  if (::close(fd) != 0) ok = false;
  if (!ok) {
    ::unlink(tmp.c_str());
    return bad("cannot write " + tmp);
  }
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0 && link_errno != EEXIST) {
    return bad("cannot create " + path + ": " + std::strerror(link_errno));
  }
  return ok_status();
}

}  // namespace

std::string default_kek_path(const std::string& data_dir) { return data_dir + "/keys/kek"; }

Result<KeyEncryptionKey> load_key_encryption_key(const Config& c) {
  KeyEncryptionKey out;
  const std::string same =
      "Give every node that shares the store the key its signing keys were sealed with: " +
      std::string(kOptions) + " (docs/security.md, \"Key encryption\").";
  if (!c.key_encryption_key_file.empty() && !c.key_encryption_key.empty()) {
    return bad(
        "set the key-encryption key once: --key-encryption-key-file or "
        "GATEHOUSE_KEY_ENCRYPTION_KEY, not both");
  }
  if (!c.key_encryption_key.empty()) {
    auto key = crypto::parse_key_encryption_key(c.key_encryption_key);
    if (!key) return bad("GATEHOUSE_KEY_ENCRYPTION_KEY: " + key.error().message);
    out.key = std::move(*key);
    out.source = "GATEHOUSE_KEY_ENCRYPTION_KEY (--key-encryption-key)";
    out.hint = "This process's key is " + out.source + ". " + same;
    return out;
  }
  std::string path = c.key_encryption_key_file;
  if (path.empty()) {
    path = default_kek_path(c.data_dir);
    const std::string dir = c.data_dir + "/keys";
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return bad("cannot create " + dir + ": " + std::strerror(errno));
    }
    if (::access(path.c_str(), F_OK) != 0) {
      if (auto st = make_kek_file(path); !st) return st.error();
    }
    out.source = path;
    out.hint = "This process's key is " + path +
               " (the default, made at the first start when no key is configured). " + same;
  } else {
    out.source = "--key-encryption-key-file " + path;
    out.hint = "This process's key is " + out.source + ". " + same;
  }
  auto text = read_private_file(path);
  if (!text) {
    return make_error(Errc::kInvalidArgument, "key-encryption key: " + text.error().message);
  }
  auto key = crypto::parse_key_encryption_key(*text);
  if (!key) return bad(path + ": " + key.error().message);
  out.key = std::move(*key);
  return out;
}

Result<KeyEncryptionKey> load_new_key_encryption_key(const std::string& file,
                                                     const std::string& text,
                                                     const std::string& data_dir) {
  if (file.empty() == text.empty()) {
    return bad(
        "give the new key-encryption key once: --new-key-encryption-key-file PATH or "
        "GATEHOUSE_NEW_KEY_ENCRYPTION_KEY");
  }
  KeyEncryptionKey out;
  if (!text.empty()) {
    auto key = crypto::parse_key_encryption_key(text);
    if (!key) return bad("GATEHOUSE_NEW_KEY_ENCRYPTION_KEY: " + key.error().message);
    out.key = std::move(*key);
    out.source = "GATEHOUSE_KEY_ENCRYPTION_KEY";
    out.hint = "This process's key is GATEHOUSE_KEY_ENCRYPTION_KEY.";
    return out;
  }
  // The same file, whatever the path says (./data/keys/kek, a symlink to it, …).
  const std::string default_path = default_kek_path(data_dir);
  struct stat given {
  }, def{};
  if (::stat(file.c_str(), &given) == 0 && ::stat(default_path.c_str(), &def) == 0 &&
      given.st_dev == def.st_dev && given.st_ino == def.st_ino) {
    return bad("the new key-encryption key cannot go in " + default_path +
               ", the default key's file: put it in a file of its own (chmod 600) and start "
               "the servers with --key-encryption-key-file PATH (docs/security.md, \"Changing "
               "the key-encryption key\")");
  }
  auto read = read_private_file(file);
  if (!read) return bad("new key-encryption key: " + read.error().message);
  auto key = crypto::parse_key_encryption_key(*read);
  if (!key) return bad(file + ": " + key.error().message);
  out.key = std::move(*key);
  out.source = "--key-encryption-key-file " + file;
  out.hint = "This process's key is " + out.source + ".";
  return out;
}

}  // namespace gatehouse::server
