"""De-duplication keys: a normalised URL's hash, and a 64-bit SimHash of the text.

Two mentions are near-duplicates when their SimHashes differ in at most ``MAX_DISTANCE`` bits
(a syndicated article, a copied post). ``NearIndex`` finds them without comparing every pair:
by the pigeonhole principle, two 64-bit values within 3 bits of each other agree on at least
one of their four 16-bit blocks, so only values sharing a block are compared.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from accord.listening.matching import normalize

MAX_DISTANCE = 3
BLOCKS = 4
BLOCK_BITS = 64 // BLOCKS
MASK64 = (1 << 64) - 1
SHIFTS = np.arange(64, dtype=np.uint64)
TRACKING_PARAMS = re.compile(r"^(utm_.*|fbclid|gclid|msclkid|mc_cid|mc_eid|igshid|ref|ref_src)$")


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, no ``www.``, default port, fragment or tracking parameters.

    Query parameters are sorted and a trailing slash dropped, so the same page shared with
    different campaign tags gets one key. Returns "" for an empty or non-web address.
    """
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return ""
    host = parts.hostname.lower().removeprefix("www.")
    if parts.port and parts.port not in {80, 443}:
        host = f"{host}:{parts.port}"
    params = sorted(
        (key, value)
        for key, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMS.match(key.lower())
    )
    path = parts.path.rstrip("/") or ""
    query = urllib.parse.urlencode(params)
    return f"https://{host}{path}" + (f"?{query}" if query else "")


def url_key(url: str) -> str:
    """SHA-256 (hex, 64 characters) of the normalised URL; "" when there is no web address."""
    normal = normalize_url(url)
    return hashlib.sha256(normal.encode()).hexdigest() if normal else ""


def _hash64(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")


def simhash(text: str) -> int:
    """64-bit SimHash of the text's words (accent- and case-free), unsigned; 0 for no words.

    Words rather than word pairs: a copy with a credit or a link appended stays within a bit
    or two, where pairs would move it further (measured on press copies).
    """
    features = normalize(text).split()
    if not features:
        return 0
    hashes = np.array([_hash64(feature) for feature in features], dtype=np.uint64)
    bits = (hashes[:, None] >> SHIFTS) & np.uint64(1)
    votes = bits.sum(axis=0, dtype=np.int64) * 2 - len(features)
    return sum(1 << bit for bit in np.flatnonzero(votes > 0).tolist())


def to_signed(value: int) -> int:
    """Store an unsigned 64-bit value in a signed BIGINT column."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value & MASK64


def distance(a: int, b: int) -> int:
    """Hamming distance between two 64-bit fingerprints (signed or not)."""
    return ((a ^ b) & MASK64).bit_count()


class NearIndex:
    """Fingerprints with a key each (a mention id, an object); finds a near-duplicate's key."""

    def __init__(self, entries: Iterable[tuple[int, object]] = ()) -> None:
        self._blocks: dict[tuple[int, int], list[tuple[int, object]]] = defaultdict(list)
        for fingerprint, key in entries:
            self.add(fingerprint, key)

    @staticmethod
    def _keys(fingerprint: int) -> list[tuple[int, int]]:
        value = to_unsigned(fingerprint)
        mask = (1 << BLOCK_BITS) - 1
        return [(block, value >> (block * BLOCK_BITS) & mask) for block in range(BLOCKS)]

    def add(self, fingerprint: int, key: object) -> None:
        for block in self._keys(fingerprint):
            self._blocks[block].append((fingerprint, key))

    def nearest(self, fingerprint: int) -> object | None:
        """The key of the closest fingerprint within MAX_DISTANCE, or None."""
        best: tuple[int, object] | None = None
        for block in self._keys(fingerprint):
            for other, key in self._blocks.get(block, ()):
                gap = distance(fingerprint, other)
                if gap <= MAX_DISTANCE and (best is None or gap < best[0]):
                    best = (gap, key)
        return best[1] if best else None
