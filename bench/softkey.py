"""A software passkey for the WebAuthn scenario: ES256 (P-256) credentials, `none`
attestation, assertions signed the way an authenticator signs them (W3C WebAuthn Level 2
§6.1 authenticator data, §6.3.3 assertion signature). python3-cryptography comes with the
bench's python3-jwt; everything else is the standard library."""

import base64
import hashlib
import json
import os
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

FLAG_UP, FLAG_UV, FLAG_AT = 0x01, 0x04, 0x40


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def cbor(value):
    """The CBOR subset a registration needs: ints, byte and text strings, maps."""
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for code, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
            if n < 1 << (8 * struct.calcsize(fmt)):
                return bytes([major << 5 | code]) + struct.pack(fmt, n)
        raise ValueError("integer too large")

    if isinstance(value, bool):
        raise TypeError("no booleans here")
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode()
        return head(3, len(raw)) + raw
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(type(value).__name__)


class SoftKey:
    """One credential. The sign counter stays 0, as many platform passkeys report."""

    def __init__(self, rp_id, origin):
        self.rp_id, self.origin = rp_id, origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.user_handle = None

    def _client_data(self, kind, options):
        challenge = options["publicKey"]["challenge"]
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin,
                           "crossOrigin": False}, separators=(",", ":")).encode()

    def _auth_data(self, flags, extra=b""):
        rp_hash = hashlib.sha256(self.rp_id.encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", 0) + extra

    def create(self, options_json):
        """The `response` string for …/signup/finish or …/update/finish."""
        options = json.loads(options_json)
        self.user_handle = options["publicKey"]["user"]["id"]
        numbers = self.key.public_key().public_numbers()
        cose = cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                     -3: numbers.y.to_bytes(32, "big")})
        attested = (bytes(16) + struct.pack(">H", len(self.credential_id)) +
                    self.credential_id + cose)
        auth_data = self._auth_data(FLAG_UP | FLAG_UV | FLAG_AT, attested)
        attestation = cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return self._credential({
            "attestationObject": b64url(attestation),
            "clientDataJSON": b64url(self._client_data("webauthn.create", options)),
        })

    def get(self, options_json):
        """The `response` string for …/signin/finish."""
        options = json.loads(options_json)
        client_data = self._client_data("webauthn.get", options)
        auth_data = self._auth_data(FLAG_UP | FLAG_UV)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(),
                                  ec.ECDSA(hashes.SHA256()))
        response = {"authenticatorData": b64url(auth_data),
                    "clientDataJSON": b64url(client_data), "signature": b64url(signature)}
        if self.user_handle:
            response["userHandle"] = self.user_handle
        return self._credential(response)

    def _credential(self, response):
        cid = b64url(self.credential_id)
        return json.dumps({"id": cid, "rawId": cid, "type": "public-key",
                           "response": response, "clientExtensionResults": {}})
