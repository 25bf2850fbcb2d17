// A fresh directory under $TMPDIR (or /tmp), removed with everything in it when the
// object goes away.
//
//   gatehouse::testing::TempDir dir;
//   auto db = dir.path() / "gatehouse.db";
#pragma once

#include <filesystem>
#include <string>

namespace gatehouse::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path() / name, as a string (for APIs and command lines that take one).
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace gatehouse::testing
