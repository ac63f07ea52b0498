"""Put and delete raw objects on the test S3 server: a minimal AWS Signature V4 client (the project reads S3
through DuckDB, which writes tables, not arbitrary bytes; boto3 is not a dependency)."""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from support.services import S3Server


def _sign(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def request(server: S3Server, method: str, bucket: str, key: str, body: bytes = b"") -> int:
    """A signed path-style request to the server; returns the HTTP status (raises on an error status)."""
    path = "/" + urllib.parse.quote(f"{bucket}/{key}", safe="/~")
    now = datetime.now(UTC)
    stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    payload = hashlib.sha256(body).hexdigest()
    headers = {"host": server.endpoint, "x-amz-content-sha256": payload, "x-amz-date": stamp}
    signed = ";".join(sorted(headers))
    canonical = "\n".join([method, path, "", *(f"{k}:{headers[k]}" for k in sorted(headers)), "", signed, payload])
    scope = f"{day}/{server.region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key_ = _sign(_sign(_sign(_sign(("AWS4" + server.secret).encode(), day), server.region), "s3"), "aws4_request")
    signature = hmac.new(key_, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={server.key_id}/{scope}, SignedHeaders={signed}, "
                                f"Signature={signature}")
    req = urllib.request.Request(f"http://{server.endpoint}{path}", data=body if method == "PUT" else None,
                                 headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=30) as response:
        return int(response.status)


def put(server: S3Server, bucket: str, key: str, body: bytes) -> None:
    request(server, "PUT", bucket, key, body)


def delete(server: S3Server, bucket: str, key: str) -> None:
    request(server, "DELETE", bucket, key)


def upload_folder(server: S3Server, folder: Path, bucket: str, prefix: str) -> None:
    """Every regular file below `folder` as an object under `prefix` (its path relative to the folder)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            put(server, bucket, prefix + path.relative_to(folder).as_posix(), path.read_bytes())
