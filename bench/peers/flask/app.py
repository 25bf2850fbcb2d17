"""The tutorial's Flask backend, as published, for the benchmark.

Source: descope-sample-apps/flask-react-sample-app, server/app.py (the `token_required`
decorator, `/get_roles`, `/get_role_data`). Everything below the DescopeClient class is the
tutorial's code unchanged (comments trimmed).

The one substitution: `from descope import DescopeClient` becomes the small class below,
because PyPI is not reachable here. It does what the Python SDK's validate_session does
locally -- fetch GET {base}/v2/keys/{projectId} once (and again on an unknown kid), then
PyJWT's jwt.decode with the key whose kid the token names, the header's algorithm and a
5 s leeway, then the SDK's adjust_properties (sessionToken copy, roles/permissions/tenants
defaults, projectId, userId). So the peer pays what the tutorial pays per request: Flask,
the decorator, and an RS256 verification in Python against the same JWKS.

Served by gunicorn with one sync worker per core:
  DESCOPE_PROJECT_ID=P... DESCOPE_BASE_URI=http://127.0.0.1:PORT \
  gunicorn --workers $(nproc) --bind 127.0.0.1:PORT2 --chdir bench/peers/flask app:app
"""

import copy
import json
import os
import threading
import urllib.request
from functools import wraps

import jwt
from flask import Flask, jsonify, make_response, request


class DescopeClient:
    """The part of descope.DescopeClient the tutorial uses, validated locally with PyJWT."""

    def __init__(self, project_id):
        if not project_id:
            raise ValueError("project_id is required")
        self.project_id = project_id
        self.base_uri = os.environ.get("DESCOPE_BASE_URI", "https://api.descope.com").rstrip("/")
        self.jwt_validation_leeway = 5
        self._lock_public_keys = threading.Lock()
        self.public_keys = {}

    def _fetch_public_keys(self):
        req = urllib.request.Request(
            f"{self.base_uri}/v2/keys/{self.project_id}",
            headers={"Authorization": f"Bearer {self.project_id}"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            jwkeys = json.loads(resp.read())
        keys = {}
        for key in jwkeys.get("keys", []):
            try:
                keys[key["kid"]] = (jwt.PyJWK(key), key["alg"])
            except Exception:  # the SDK skips keys it cannot load
                pass
        self.public_keys = keys

    def _validate_token(self, token):
        if not token:
            raise ValueError("empty token")
        unverified_header = jwt.get_unverified_header(token)
        alg_header = unverified_header.get("alg")
        kid = unverified_header.get("kid")
        with self._lock_public_keys:
            if not self.public_keys:
                self._fetch_public_keys()
            found_key = self.public_keys.get(kid)
            if found_key is None:
                self._fetch_public_keys()
                found_key = self.public_keys.get(kid)
            if found_key is None:
                raise ValueError("unknown kid")
        if found_key[1] != alg_header:
            raise ValueError("algorithm mismatch")
        claims = jwt.decode(
            jwt=token,
            key=found_key[0].key,
            algorithms=[alg_header],
            options={"verify_aud": False},
            leeway=self.jwt_validation_leeway,
        )
        claims["jwt"] = token
        return claims

    def validate_session(self, session_token):
        res = self._validate_token(session_token)
        res["sessionToken"] = copy.deepcopy(res)
        return self._adjust_properties(res)

    @staticmethod
    def _adjust_properties(jwt_response):
        session = jwt_response.get("sessionToken", {})
        jwt_response["permissions"] = session.get("permissions", [])
        jwt_response["roles"] = session.get("roles", [])
        jwt_response["tenants"] = session.get("tenants", {})
        issuer = session.get("iss", None) or jwt_response.get("iss", "")
        jwt_response["projectId"] = issuer.rsplit("/")[-1]
        jwt_response["userId"] = session.get("dsub") or jwt_response.get("sub")
        return jwt_response

    def validate_roles(self, jwt_response, roles):
        granted = jwt_response.get("roles", [])
        return all(role in granted for role in roles)


# ---- the tutorial's server/app.py from here on ----

app = Flask(__name__)


try:
    descope_client = DescopeClient(project_id=os.environ.get("DESCOPE_PROJECT_ID"))
except Exception as error:
    print("failed to initialize. Error:")
    print(error)


def token_required(f):
    @wraps(f)
    def decorator(*args, **kwargs):
        session_token = None

        if "Authorization" in request.headers:
            auth_request = request.headers["Authorization"]
            session_token = auth_request.replace("Bearer ", "")
        if not session_token:
            return make_response(jsonify({"error": "❌ invalid session token!"}), 401)

        try:
            jwt_response = descope_client.validate_session(session_token=session_token)
        except:  # noqa: E722 -- the tutorial's bare except
            return make_response(jsonify({"error": "❌ invalid session token!"}), 401)

        return f(jwt_response, *args, **kwargs)

    return decorator


@app.route("/get_roles", methods=["GET"])
@token_required
def get_roles(jwt_response):
    roles = jwt_response["roles"]

    return {"secretMessage": "You are now a trained Descope user!", "roles": roles}


@app.route("/get_role_data", methods=["GET"])
@token_required
def get_role_data(jwt_response):
    valid_student_role = descope_client.validate_roles(jwt_response, ["student"])
    valid_teacher_role = descope_client.validate_roles(jwt_response, ["teacher"])

    return {"valid_teacher": valid_teacher_role, "valid_student": valid_student_role}


if __name__ == "__main__":
    app.run(debug=True)
