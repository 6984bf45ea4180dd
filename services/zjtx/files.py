"""GridFS uploads with their digests: the one way a service stores a file.

Every file gets its SHA-256 (the contract's ``sha256`` fields); under the 商用密码 profile
(``ZJTX_CRYPTO=sm``) also its SM3 (``digest_alg`` "sm3", ``digest``), the profile's digest
(docs/compliance.md). The algorithm is stored beside each digest, so files stored under
either profile still verify.

``HashedUpload`` wraps a GridFS upload stream: it hashes and counts what is written and
keeps the first bytes (for sniffing the media type, ``kernel.files``); leaving its
``with`` block by an exception aborts the upload, so a refused file leaves nothing
behind, and an accepted one is whole before anything refers to it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from gridfs import GridFSBucket

from zjtx.crypto import digest_name, new_hash

HEAD_BYTES = 16
READ_CHUNK = 255 * 1024  # GridFS's default chunk size


class HashedUpload:
    """One file going into ``bucket``; ``close(**fields)`` adds fields to its files document."""

    def __init__(self, bucket: GridFSBucket, filename: str, *, file_id: Any = None,
                 metadata: dict[str, Any] | None = None) -> None:
        if file_id is None:
            self.stream = bucket.open_upload_stream(filename, metadata=metadata)
        else:
            self.stream = bucket.open_upload_stream_with_id(file_id, filename, metadata=metadata)
        self._digest = hashlib.sha256()
        self.digest_alg = digest_name()  # the profile's digest, read when the upload starts
        self._profile = None if self.digest_alg == "sha256" else new_hash(self.digest_alg)
        self._profile_hex = ""
        self.size = 0
        self.head = b""

    @property
    def file_id(self) -> Any:
        return self.stream._id

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    @property
    def digest(self) -> str:
        """The profile's digest (hex): SHA-256, or SM3 under ZJTX_CRYPTO=sm; read once the file is written."""
        if self._profile is None:
            return self.sha256
        if not self._profile_hex:
            self._profile_hex = self._profile.finalize().hex()
        return self._profile_hex

    @property
    def digests(self) -> dict[str, str]:
        """What to keep beside ``sha256``: the profile's digest and its algorithm (nothing more under SHA-256)."""
        return {} if self._profile is None else {"digest_alg": self.digest_alg, "digest": self.digest}

    def write(self, data: bytes) -> None:
        if len(self.head) < HEAD_BYTES:
            self.head += data[: HEAD_BYTES - len(self.head)]
        self._digest.update(data)
        if self._profile is not None:
            self._profile.update(data)
        self.size += len(data)
        self.stream.write(data)

    def write_all(self, chunks: Iterable[bytes]) -> None:
        for data in chunks:
            self.write(data)

    def close(self, **fields: Any) -> None:
        """Finish the file, with ``fields`` (e.g. ``sha256=...``) on its files document."""
        for name, value in fields.items():
            setattr(self.stream, name, value)
        self.stream.close()

    def abort(self) -> None:
        self.stream.abort()

    def __enter__(self) -> HashedUpload:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if error is not None:
            self.abort()


def download(bucket: GridFSBucket, file_id: Any, chunk_size: int) -> Iterator[bytes]:
    """A stored file's bytes, ``chunk_size`` at a time."""
    with bucket.open_download_stream(file_id) as stream:
        while data := stream.read(chunk_size):
            yield data


def read_chunks(path: Path, size: int = READ_CHUNK) -> Iterable[bytes]:
    with path.open("rb") as handle:
        while data := handle.read(size):
            yield data
