#!/usr/bin/python3
"""What Descope's Python SDK does with Gatehouse's answers (docs/descope-wire.md §5.1), emulated with PyJWT.

The PyPI `descope` package cannot be installed here (no PyPI), so this script re-creates,
on Debian's python3-jwt, exactly the steps §5.1 lists for the calls the tutorial's Flask
backend makes -- validate_session, validate_roles -- plus refresh_session,
validate_and_refresh_session, the permission/tenant checks and the error path. Then it runs
a Flask app with the tutorial's `token_required` semantics (Flask's test client, no port)
and compares its /get_roles and /get_role_data answers with Gatehouse's own C++ versions
(gatehouse::SessionClient behind src/api/token_required.h) for the same tokens.

Input (environment): DESCOPE_BASE_URI, DESCOPE_PROJECT_ID, and a JSON object in
COMPAT_TOKENS: {"teacher": {"sessionJwt", "refreshJwt"}, "student": {...},
"revokedRefresh": "...", "tenantId": "...", "tenantRoles": [...], "permissions": [...]}.
Output: one JSON line per check {"id", "ok", "error"?, "skip"?}, then "N passed, N failed".
"""

import base64
import copy
import json
import os
import sys
import threading
import traceback
import urllib.error
import urllib.request

try:
    import jwt
except ImportError:
    print("python3-jwt is missing: apt-get install python3-jwt python3-cryptography", file=sys.stderr)
    sys.exit(2)


class AuthException(Exception):
    def __init__(self, status_code, error_type, error_message):
        super().__init__(f"{status_code} {error_type} {error_message}")
        self.status_code = status_code
        self.error_type = error_type
        self.error_message = error_message


class EmulatedDescopeClient:
    """§5.1: the session part of descope.DescopeClient, on PyJWT."""

    def __init__(self, project_id, base_uri):
        self.project_id = project_id
        self.base_uri = base_uri.rstrip("/")
        self.leeway = 5
        self.public_keys = {}
        self.key_fetches = 0
        self._lock = threading.Lock()

    # -- HTTP ------------------------------------------------------------------------
    def _request(self, method, path, body=None, token=None):
        bearer = self.project_id + (":" + token if token else "")
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_uri + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + bearer,
                                              "Content-Type": "application/json",
                                              "x-descope-sdk-name": "python"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read().decode(), resp.headers
        except urllib.error.HTTPError as e:
            # any non-2xx: AuthException(status, "server error", <raw body text>)
            raise AuthException(e.code, "server error", e.read().decode())

    # -- keys ------------------------------------------------------------------------
    def _fetch_public_keys(self):
        _status, text, _h = self._request("GET", f"/v2/keys/{self.project_id}")
        self.key_fetches += 1
        keys = {}
        for key in json.loads(text).get("keys", []):
            if "kid" not in key or "alg" not in key:
                continue  # the SDK skips keys without kid/alg
            keys[key["kid"]] = (jwt.PyJWK(key), key["alg"])
        self.public_keys = keys  # replaces the cache

    def _validate_token(self, token):
        if not token:
            raise AuthException(400, "invalid argument", "Token cannot be empty")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as e:
            raise AuthException(500, "invalid token", f"Unable to parse token header: {e}")
        alg, kid = header.get("alg"), header.get("kid")
        if not alg or not kid:
            raise AuthException(500, "invalid token", "Token header is missing property")
        with self._lock:
            if kid not in self.public_keys:
                self._fetch_public_keys()
            found = self.public_keys.get(kid)
        if found is None:
            raise AuthException(500, "public key failure", "Unable to find public key")
        if found[1] != alg:
            raise AuthException(500, "invalid token", "Algorithm signature in JWT header does not match")
        try:
            # Python SDK 1.x passes audience=None: PyJWT then fails any token with `aud`.
            claims = jwt.decode(jwt=token, key=found[0].key, algorithms=[alg], audience=None,
                                leeway=self.leeway)
        except jwt.ExpiredSignatureError as e:
            raise AuthException(401, "invalid token", f"Received Invalid token (expired): {e}")
        except jwt.PyJWTError as e:
            raise AuthException(401, "invalid token", f"Received Invalid token: {e}")
        claims["jwt"] = token
        return claims

    def _adjust_properties(self, jwt_response, user_jwt):
        session = jwt_response.get("sessionToken", {})
        if session:
            jwt_response["permissions"] = session.get("permissions", [])
            jwt_response["roles"] = session.get("roles", [])
            jwt_response["tenants"] = session.get("tenants", {})
        else:
            refresh = jwt_response.get("refreshSessionToken", {})
            jwt_response["permissions"] = refresh.get("permissions", [])
            jwt_response["roles"] = refresh.get("roles", [])
            jwt_response["tenants"] = refresh.get("tenants", {})
        issuer = session.get("iss", None) or jwt_response.get("iss", "")
        jwt_response["projectId"] = issuer.rsplit("/")[-1]
        sub = session.get("dsub") or session.get("sub") or jwt_response.get("sub")
        if user_jwt:
            jwt_response["userId"] = sub
        return jwt_response

    # -- public API ------------------------------------------------------------------
    def validate_session(self, session_token):
        res = self._validate_token(session_token)
        res["sessionToken"] = copy.deepcopy(res)
        return self._adjust_properties(res, True)

    def refresh_session(self, refresh_token):
        self._validate_token(refresh_token)  # local validation first
        _status, text, headers = self._request("POST", "/v1/auth/refresh", {}, refresh_token)
        body = json.loads(text)
        return self._generate_jwt_response(body, refresh_token, headers)

    def validate_and_refresh_session(self, session_token, refresh_token):
        try:
            return self.validate_session(session_token)
        except AuthException:
            return self.refresh_session(refresh_token)

    def _generate_jwt_response(self, body, refresh_cookie, headers):
        # the session only ever comes from the body
        session = self._validate_token(body.get("sessionJwt", ""))
        refresh = body.get("refreshJwt") or refresh_cookie
        out = {"sessionToken": session, "refreshSessionToken": self._validate_token(refresh)}
        out = self._adjust_properties(out, True)
        out["cookieData"] = {
            "exp": body.get("cookieExpiration", 0),
            "maxAge": body.get("cookieMaxAge", 0),
            "domain": body.get("cookieDomain", ""),
            "path": body.get("cookiePath", "/"),
        }
        out["user"] = body.get("user", {})
        out["firstSeen"] = body.get("firstSeen", True)
        return out

    @staticmethod
    def validate_roles(jwt_response, roles):
        if isinstance(roles, str):
            roles = [roles]
        granted = jwt_response.get("roles", [])
        return all(r in granted for r in roles)

    @staticmethod
    def validate_permissions(jwt_response, permissions):
        if isinstance(permissions, str):
            permissions = [permissions]
        granted = jwt_response.get("permissions", [])
        return all(p in granted for p in permissions)

    @staticmethod
    def validate_tenant_roles(jwt_response, tenant, roles):
        tenants = jwt_response.get("tenants", {})
        if tenant not in tenants:
            return False
        granted = tenants[tenant].get("roles", [])
        return all(r in granted for r in roles)

    @staticmethod
    def validate_tenant_permissions(jwt_response, tenant, permissions):
        tenants = jwt_response.get("tenants", {})
        if tenant not in tenants:
            return False
        granted = tenants[tenant].get("permissions", [])
        return all(p in granted for p in permissions)


def tutorial_app(client):
    """A Flask app with the tutorial's token_required / get_roles / get_role_data behaviour."""
    from flask import Flask, jsonify, make_response, request

    app = Flask("tutorial-emulation")

    def protected(view):
        def wrapper():
            token = None
            if "Authorization" in request.headers:
                token = request.headers["Authorization"].replace("Bearer ", "")
            if not token:
                return make_response(jsonify({"error": "❌ invalid session token!"}), 401)
            try:
                jwt_response = client.validate_session(session_token=token)
            except Exception:  # the tutorial's bare except
                return make_response(jsonify({"error": "❌ invalid session token!"}), 401)
            return view(jwt_response)
        wrapper.__name__ = view.__name__
        return wrapper

    @app.route("/get_roles")
    @protected
    def get_roles(jwt_response):
        return {"secretMessage": "You are now a trained Descope user!", "roles": jwt_response["roles"]}

    @app.route("/get_role_data")
    @protected
    def get_role_data(jwt_response):
        return {"valid_teacher": client.validate_roles(jwt_response, ["teacher"]),
                "valid_student": client.validate_roles(jwt_response, ["student"])}

    return app


def gatehouse_get(base, path, token):
    headers = {"Authorization": "Bearer " + token} if token is not None else {}
    req = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def main():
    base = os.environ["DESCOPE_BASE_URI"]
    pid = os.environ["DESCOPE_PROJECT_ID"]
    t = json.loads(os.environ["COMPAT_TOKENS"])
    client = EmulatedDescopeClient(pid, base)
    results = []

    def check(cid, fn):
        try:
            fn()
            results.append({"id": cid, "ok": True})
        except SkipCheck as s:
            results.append({"id": cid, "ok": True, "skip": str(s)})
        except Exception as e:  # noqa: BLE001 -- report every failure
            results.append({"id": cid, "ok": False,
                            "error": f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"})

    teacher, student = t["teacher"], t["student"]

    def validate_session():
        r = client.validate_session(teacher["sessionJwt"])
        claims = jwt.decode(teacher["sessionJwt"], options={"verify_signature": False})
        assert r["jwt"] == teacher["sessionJwt"]
        assert r["sessionToken"]["jwt"] == teacher["sessionJwt"]
        assert r["sessionToken"]["sub"] == claims["sub"]
        assert r["userId"] == claims["sub"], r["userId"]
        assert r["projectId"] == pid, r["projectId"]
        assert r["roles"] == claims["roles"], r["roles"]
        assert isinstance(r["permissions"], list) and isinstance(r["tenants"], dict)
        assert "aud" not in claims and "dsub" not in claims and "nbf" not in claims, claims
        assert client.key_fetches == 1, client.key_fetches
    check("validate_session", validate_session)

    def key_cache():
        before = client.key_fetches
        client.validate_session(student["sessionJwt"])
        assert client.key_fetches == before, "a known kid needs no fetch"
    check("key_cache", key_cache)

    def validate_roles():
        r = client.validate_session(teacher["sessionJwt"])
        assert client.validate_roles(r, ["teacher"]) is True
        assert client.validate_roles(r, "teacher") is True
        assert client.validate_roles(r, ["student"]) is False
        assert client.validate_roles(r, []) is True
        s = client.validate_session(student["sessionJwt"])
        assert client.validate_roles(s, ["student"]) is True
        assert client.validate_roles(s, ["teacher"]) is False
    check("validate_roles", validate_roles)

    def validate_permissions():
        r = client.validate_session(teacher["sessionJwt"])
        assert sorted(r["permissions"]) == sorted(t["permissions"]), r["permissions"]
        assert client.validate_permissions(r, t["permissions"]) is True
        assert client.validate_permissions(r, ["no.such.permission"]) is False
    check("validate_permissions", validate_permissions)

    def validate_tenant_roles():
        r = client.validate_session(teacher["sessionJwt"])
        assert t["tenantId"] in r["tenants"], r["tenants"]
        assert client.validate_tenant_roles(r, t["tenantId"], t["tenantRoles"]) is True
        assert client.validate_tenant_roles(r, "T-not-a-member", []) is False
    check("validate_tenant_roles", validate_tenant_roles)

    def expired_or_forged():
        head, _payload, sig = teacher["sessionJwt"].split(".")
        forged_claims = dict(jwt.decode(teacher["sessionJwt"], options={"verify_signature": False}))
        forged_claims["roles"] = ["admin"]
        forged = head + "." + base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).decode().rstrip("=") + "." + sig
        try:
            client.validate_session(forged)
        except AuthException as e:
            assert e.status_code == 401, e
        else:
            raise AssertionError("a forged token validated")
    check("forged_token_refused", expired_or_forged)

    refreshed = {}

    def refresh_session():
        r = client.refresh_session(teacher["refreshJwt"])
        s = r["sessionToken"]
        assert s["drn"] == "DS" and r["refreshSessionToken"]["drn"] == "DSR"
        assert r["userId"] == s["sub"] and r["projectId"] == pid
        assert "teacher" in r["roles"]
        cd = r["cookieData"]
        assert isinstance(cd["exp"], int) and cd["exp"] > 0, cd
        assert isinstance(cd["maxAge"], int) and cd["maxAge"] > 0, cd
        assert cd["path"] == "/" and isinstance(cd["domain"], str), cd
        assert r["user"].get("userId") == s["sub"], r["user"]
        assert r["firstSeen"] is False, r["firstSeen"]
        refreshed["refreshJwt"] = r["refreshSessionToken"]["jwt"]
    check("refresh_session", refresh_session)

    def validate_and_refresh():
        token = refreshed.get("refreshJwt") or teacher["refreshJwt"]
        r = client.validate_and_refresh_session("not-a-jwt", token)
        assert "refreshSessionToken" in r, "the refresh path was taken"
        assert client.validate_roles(r, ["teacher"])
        v = client.validate_and_refresh_session(teacher["sessionJwt"], token)
        assert "refreshSessionToken" not in v, "a valid session is used as is"
    check("validate_and_refresh_session", validate_and_refresh)

    def error_path():
        try:
            client.refresh_session(t["revokedRefresh"])
        except AuthException as e:
            assert e.status_code == 401, e.status_code
            assert e.error_type == "server error"
            body = json.loads(e.error_message)
            assert body["errorCode"].startswith("E") and len(body["errorCode"]) == 7, body
            assert body["errorDescription"], body
        else:
            raise AssertionError("a revoked refresh token was refreshed")
    check("server_error_is_auth_exception", error_path)

    def tutorial_vs_cpp():
        try:
            app = tutorial_app(client)
        except ImportError:
            raise SkipCheck("python3-flask is not installed")
        tc = app.test_client()
        cases = [("teacher", teacher["sessionJwt"]), ("student", student["sessionJwt"]),
                 ("garbage", "garbage"), ("none", None)]
        for name, token in cases:
            for path in ("/get_roles", "/get_role_data"):
                headers = {"Authorization": "Bearer " + token} if token is not None else {}
                f = tc.get(path, headers=headers)
                g_status, g_body = gatehouse_get(base, path, token)
                assert f.status_code == g_status, (name, path, f.status_code, g_status)
                assert f.get_json() == g_body, (name, path, f.get_json(), g_body)
    check("tutorial_flask_matches_cpp", tutorial_vs_cpp)

    for r in results:
        print(json.dumps(r))
    failed = sum(1 for r in results if not r["ok"])
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


class SkipCheck(Exception):
    pass


if __name__ == "__main__":
    sys.exit(main())
