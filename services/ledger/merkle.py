"""默克尔树 — the journal's Merkle tree, exactly as RFC 6962 / RFC 9162 (Certificate
Transparency) define it, so any CT-compatible verifier can check our proofs.

- leaf hash  = SHA-256(0x00 || leaf)
- node hash  = SHA-256(0x01 || left || right)
- a tree of n > 1 leaves splits at k, the largest power of two smaller than n
- the empty tree's root is SHA-256("")

Functions take leaf *hashes* (32 bytes each), not leaves. Pure and synchronous; no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1, computed level by level in O(n) time.

    Pairing neighbours and carrying an odd last node up unchanged builds the same tree as
    splitting at the largest power of two, without recursion or slicing.
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        level = _parent_level(level)
    return level[0]


def _parent_level(level: list[bytes]) -> list[bytes]:
    sha256 = hashlib.sha256
    pairs = zip(level[::2], level[1::2], strict=False)  # an odd last node has no partner
    parents = [sha256(_NODE_PREFIX + a + b).digest() for a, b in pairs]
    if len(level) % 2:
        parents.append(level[-1])
    return parents


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path PATH(index, D[n]) of RFC 9162 §2.1.3.1, nearest sibling first."""
    if not 0 <= index < len(leaf_hashes):
        raise IndexError(f"leaf {index} is not in a tree of {len(leaf_hashes)} leaves")
    proof: list[bytes] = []
    level = list(leaf_hashes)
    while len(level) > 1:
        # A node without a right neighbour is carried up as is and adds nothing to the path.
        if (sibling := index ^ 1) < len(level):
            proof.append(level[sibling])
        level = _parent_level(level)
        index //= 2
    return proof


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does `proof` show leaf `index` of a tree of `tree_size` has this hash?"""
    if not 0 <= index < tree_size or not _well_formed([leaf_hash, *proof]):
        return False
    fn, sn, r = index, tree_size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(old_size, D[n]) of RFC 9162 §2.1.4.1; empty when old_size is 0 or n."""
    n = len(leaf_hashes)
    if not 0 <= old_size <= n:
        raise ValueError(f"old size {old_size} is not between 0 and {n}")
    if old_size in (0, n):
        return []
    return _subproof(leaf_hashes, old_size, 0, n, complete=True)


def _subproof(leaves: Sequence[bytes], m: int, lo: int, hi: int, *, complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[lo:hi], b): `complete` is b, true while D[0:m] is a subtree the verifier
    already knows the root of."""
    n = hi - lo
    if m == n:
        return [] if complete else [root(leaves[lo:hi])]
    k = _split(n)
    if m <= k:
        return [*_subproof(leaves, m, lo, lo + k, complete=complete), root(leaves[lo + k : hi])]
    return [*_subproof(leaves, m - k, lo + k, hi, complete=False), root(leaves[lo : lo + k])]


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of `new_size` leaves an append-only extension of the old?

    Stricter than the RFC at the edges: an old size of 0 needs the empty tree's root.
    """
    if not 0 <= old_size <= new_size or not _well_formed(proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


def _well_formed(hashes: Iterable[bytes]) -> bool:
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in hashes)


class CompactRange:
    """Merkle frontier (紧凑范围): the roots of the perfect subtrees that make up the tree so
    far, largest first, one per set bit of `size` — O(log n) hashes to append and take the
    root without keeping the leaves."""

    def __init__(self) -> None:
        self._size = 0
        self._peaks: list[bytes] = []

    @classmethod
    def from_leaves(cls, leaf_hashes: Iterable[bytes]) -> CompactRange:
        compact = cls()
        for h in leaf_hashes:
            compact.append(h)
        return compact

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf_hash: bytes) -> None:
        self._peaks.append(leaf_hash)
        # Each trailing one bit of the old size is a peak as tall as the new one: merge them.
        carry = self._size
        while carry & 1:
            right = self._peaks.pop()
            self._peaks[-1] = node_hash(self._peaks[-1], right)
            carry >>= 1
        self._size += 1

    def root(self) -> bytes:
        if not self._peaks:
            return EMPTY_ROOT
        result = self._peaks[-1]
        for peak in reversed(self._peaks[:-1]):
            result = node_hash(peak, result)
        return result
