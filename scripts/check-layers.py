#!/usr/bin/env python3
"""Checks that the C++ code includes only downward (docs/architecture.md, "Layers").

    scripts/check-layers.py            # from anywhere; exit 1 and one line per violation

Each folder below may include project headers only from the layers listed for it. Core
headers are core/include/gatehouse/..., SDK headers sdk/include/gatehouse/...; the
server's own headers are found from src/ ("auth/users.h"). Beast and Asio stay inside
src/http/ (and the server wiring that starts it).
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORE = {str(p.relative_to(ROOT / "core/include")) for p in (ROOT / "core/include").rglob("*.h")}
SDK = {str(p.relative_to(ROOT / "sdk/include")) for p in (ROOT / "sdk/include").rglob("*.h")}

# folder -> what its files may include: "core", "sdk", a src/ folder ("auth/"), or an
# exact header ("store/model.h"). Private headers of a folder count as the folder.
ALLOWED = {
    "core": {"core", "crypto/sodium_init.h", "jose/openssl_util.h", "jose/strict_json.h"},
    "sdk": {"core", "sdk", "url.h"},
    "src/store": {"core", "store/"},
    "src/auth": {"core", "sdk", "store/", "auth/"},
    "src/hashing": {"core", "auth/password_hasher.h", "auth/config.h", "hashing/"},
    "src/http": {"core", "http/"},
    "src/api": {"core", "sdk", "auth/", "http/", "api/", "store/model.h"},
    "src/server": {"core", "sdk", "store/", "auth/", "hashing/", "http/", "api/", "server/"},
}
BEAST_OK = ("src/http", "src/server")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def kind(header):
    if header in CORE:
        return "core"
    if header in SDK:
        return "sdk"
    return None


def allowed(header, rules):
    k = kind(header)
    if k is not None:
        return k in rules
    return header in rules or any(r.endswith("/") and header.startswith(r) for r in rules)


def main():
    problems = []
    for folder, rules in ALLOWED.items():
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".h", ".cc"):
                continue
            rel = path.relative_to(ROOT)
            for n, line in enumerate(path.read_text().splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                bracket, header = m.groups()
                if header.startswith(("boost/beast", "boost/asio")) and folder not in BEAST_OK:
                    problems.append(f"{rel}:{n}: {header}: Beast/Asio belong in src/http")
                is_project = bracket == '"' or kind(header) is not None
                if is_project and not allowed(header, rules):
                    problems.append(f"{rel}:{n}: {folder} may not include {header}")
    for p in problems:
        print(p)
    if problems:
        print(f"check-layers: {len(problems)} include(s) against the layering "
              "(docs/architecture.md)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
