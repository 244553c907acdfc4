"""默克尔树 — the journal's Merkle tree agrees with RFC 6962 / RFC 9162 and with other CT logs."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

# The test vectors of the certificate-transparency and transparency-dev/merkle Go packages.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, audit path)
CT_INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
# (old size, new size, consistency proof)
CT_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CT_LEAF_HASHES = [leaf_hash(leaf) for leaf in CT_LEAVES]

# Distinct leaves: with two equal leaves a proof for one honestly proves the other too.
distinct_leaves = st.lists(st.binary(max_size=12), min_size=1, max_size=70, unique=True).map(
    lambda leaves: [leaf_hash(leaf) for leaf in leaves]
)


def flip(h: bytes) -> bytes:
    return bytes([h[0] ^ 1]) + h[1:]


# The recursive definitions of RFC 9162 §2.1, written as literally as possible.
def reference_root(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    return node_hash(reference_root(d[:k]), reference_root(d[k:]))


def reference_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m < k:
        return [*reference_path(m, d[:k]), reference_root(d[k:])]
    return [*reference_path(m - k, d[k:]), reference_root(d[:k])]


def reference_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [reference_root(d)]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m <= k:
        return [*reference_subproof(m, d[:k], b), reference_root(d[k:])]
    return [*reference_subproof(m - k, d[k:], False), reference_root(d[:k])]


def test_the_empty_tree_root_is_the_sha256_of_nothing() -> None:
    assert root([]) == EMPTY_ROOT == bytes.fromhex(CT_ROOTS[0])


def test_leaf_and_node_hashes_carry_their_domain_prefix() -> None:
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()


@pytest.mark.parametrize("size", range(len(CT_ROOTS)))
def test_roots_match_the_certificate_transparency_vectors(size: int) -> None:
    assert root(CT_LEAF_HASHES[:size]).hex() == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_inclusion_proofs_match_the_certificate_transparency_vectors(
    index: int, size: int, path: list[str]
) -> None:
    proof = inclusion_proof(CT_LEAF_HASHES[:size], index)
    assert [h.hex() for h in proof] == path
    assert verify_inclusion(
        CT_LEAF_HASHES[index], index, size, proof, bytes.fromhex(CT_ROOTS[size])
    )


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY)
def test_consistency_proofs_match_the_certificate_transparency_vectors(
    old: int, new: int, path: list[str]
) -> None:
    proof = consistency_proof(CT_LEAF_HASHES[:new], old)
    assert [h.hex() for h in proof] == path
    old_root, new_root = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    assert verify_consistency(old, new, old_root, new_root, proof)


@given(distinct_leaves)
def test_root_agrees_with_the_recursive_definition(leaves: list[bytes]) -> None:
    assert root(leaves) == reference_root(leaves)


@given(distinct_leaves, st.data())
def test_proofs_agree_with_the_recursive_definitions(
    leaves: list[bytes], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    old_size = data.draw(st.integers(1, len(leaves)))
    assert inclusion_proof(leaves, index) == reference_path(index, leaves)
    assert consistency_proof(leaves, old_size) == reference_subproof(old_size, leaves, True)


@given(distinct_leaves)
def test_every_inclusion_proof_verifies(leaves: list[bytes]) -> None:
    head = root(leaves)
    for index, leaf in enumerate(leaves):
        assert verify_inclusion(leaf, index, len(leaves), inclusion_proof(leaves, index), head)


@given(distinct_leaves, st.data())
def test_an_inclusion_proof_verifies_for_no_other_index(
    leaves: list[bytes], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof, head = inclusion_proof(leaves, index), root(leaves)
    for other in [-1, *range(len(leaves) + 1)]:
        if other != index:
            assert not verify_inclusion(leaves[index], other, len(leaves), proof, head)


@given(distinct_leaves, st.data())
def test_an_inclusion_proof_verifies_for_no_other_leaf(
    leaves: list[bytes], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof, head = inclusion_proof(leaves, index), root(leaves)
    others = [*leaves[:index], *leaves[index + 1 :], flip(leaves[index]), leaf_hash(b"?")]
    for other in (o for o in others if o != leaves[index]):  # b"?" may be one of the leaves
        assert not verify_inclusion(other, index, len(leaves), proof, head)


@given(distinct_leaves, st.data())
def test_an_inclusion_proof_verifies_for_no_other_root(
    leaves: list[bytes], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof, head = inclusion_proof(leaves, index), root(leaves)
    for other in [flip(head), EMPTY_ROOT, root([*leaves, leaf_hash(b"more")])]:
        assert not verify_inclusion(leaves[index], index, len(leaves), proof, other)


@given(distinct_leaves, st.data())
def test_a_tampered_inclusion_proof_does_not_verify(
    leaves: list[bytes], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof, head, size = inclusion_proof(leaves, index), root(leaves), len(leaves)
    tampered = [[*proof, head], [head, *proof], [*proof, b""], proof[:-1] if proof else [head]]
    tampered += [[*proof[:i], flip(p), *proof[i + 1 :]] for i, p in enumerate(proof)]
    for bad in tampered:
        assert not verify_inclusion(leaves[index], index, size, bad, head)


@given(distinct_leaves)
def test_consistency_proofs_verify_for_every_old_size(leaves: list[bytes]) -> None:
    new_root = root(leaves)
    for old_size in range(len(leaves) + 1):
        proof = consistency_proof(leaves, old_size)
        old_root = root(leaves[:old_size])
        assert verify_consistency(old_size, len(leaves), old_root, new_root, proof)


@given(distinct_leaves)
def test_a_consistency_proof_fails_for_a_tampered_root(leaves: list[bytes]) -> None:
    new_size, new_root = len(leaves), root(leaves)
    for old_size in range(new_size + 1):
        proof = consistency_proof(leaves, old_size)
        old_root = root(leaves[:old_size])
        assert not verify_consistency(old_size, new_size, flip(old_root), new_root, proof)
        # Every tree extends the empty one, so only a non-empty old tree pins the new root.
        if old_size > 0:
            assert not verify_consistency(old_size, new_size, old_root, flip(new_root), proof)


@given(distinct_leaves, st.data())
def test_a_tampered_consistency_proof_does_not_verify(
    leaves: list[bytes], data: st.DataObject
) -> None:
    new_size = len(leaves)
    old_size = data.draw(st.integers(0, new_size))
    proof, old_root, new_root = (
        consistency_proof(leaves, old_size),
        root(leaves[:old_size]),
        root(leaves),
    )
    tampered = [
        [*proof, new_root],
        [old_root, *proof],
        [*proof, b""],
        proof[:-1] if proof else [old_root],
    ]
    tampered += [[*proof[:i], flip(p), *proof[i + 1 :]] for i, p in enumerate(proof)]
    for bad in tampered:
        assert not verify_consistency(old_size, new_size, old_root, new_root, bad)


@given(distinct_leaves)
def test_a_consistency_proof_does_not_verify_a_rewritten_history(leaves: list[bytes]) -> None:
    rewritten = [flip(leaves[0]), *leaves[1:]]
    for old_size in range(1, len(leaves) + 1):
        proof = consistency_proof(rewritten, old_size)
        old_root = root(leaves[:old_size])
        assert not verify_consistency(old_size, len(leaves), old_root, root(rewritten), proof)


def test_sizes_that_go_backwards_verify_nothing_and_raise_nothing() -> None:
    assert not verify_consistency(2, 1, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not verify_consistency(-1, 1, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not verify_inclusion(EMPTY_ROOT, 0, 0, [], EMPTY_ROOT)
    assert not verify_inclusion(EMPTY_ROOT, -1, 1, [], EMPTY_ROOT)


def test_proofs_for_leaves_outside_the_tree_are_refused() -> None:
    with pytest.raises(IndexError):
        inclusion_proof(CT_LEAF_HASHES, 8)
    with pytest.raises(IndexError):
        inclusion_proof([], 0)
    with pytest.raises(ValueError):
        consistency_proof(CT_LEAF_HASHES, 9)


@given(st.lists(st.binary(max_size=4), max_size=70).map(lambda ls: [leaf_hash(x) for x in ls]))
def test_a_compact_range_has_the_tree_root_at_every_size(leaves: list[bytes]) -> None:
    compact = CompactRange()
    assert compact.root() == EMPTY_ROOT
    for size, leaf in enumerate(leaves, start=1):
        compact.append(leaf)
        assert (compact.size, compact.root()) == (size, root(leaves[:size]))
    assert CompactRange.from_leaves(leaves).root() == root(leaves)


def test_a_compact_range_keeps_one_hash_per_set_bit_of_its_size() -> None:
    compact = CompactRange.from_leaves(leaf_hash(bytes([i % 256])) for i in range(1000))
    assert compact.size == 1000
    assert len(compact._peaks) == bin(1000).count("1")
