"""The hash chain of the audit trail: one link per history row, each holding the hash of the previous link of its case.

digest = sha256 of the row as stored (table, id and every column but `erased`), written when the row is written;
hash   = sha256(previous hash | chain | seq | digest).
Erasure (PIPL art. 47) blanks personal data but keeps the digest, so the chain of a redacted case still verifies;
a row changed, removed or slipped in behind the store's back, or a missing link, is the first broken link reported.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Connection, select, text

from assistant.models import Model
from assistant.store import schema

GENESIS = "0" * 64
FREE_CHECKS = 0  # the chain of checks made without a case
CHAINED = ("cases", "turns", "advice", "drafts", "checks", "contacts", "events")


class ChainHead(Model):
    chain: int
    seq: int
    hash: str


class Verdict(Model):
    ok: bool
    links: int
    first_break: str | None = None  # where and what, for the person checking the trail

    def line(self) -> str:
        if self.ok:
            return f"完整 / intact: {self.links} links verified"
        return f"断链 / BROKEN: {self.first_break}"


def digest(table: str, row: dict[str, Any]) -> str:
    content = {k: v for k, v in row.items() if k != "erased"} | {"_table": table}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def link_hash(prev_hash: str, chain: int, seq: int, row_digest: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{chain}|{seq}|{row_digest}".encode()).hexdigest()


def chain_of(table: str, row: dict[str, Any]) -> int:
    if table == "cases":
        return int(row["id"])
    return int(row["case_id"]) if row.get("case_id") is not None else FREE_CHECKS


def append_link(conn: Connection, table: str, record_id: int, actor: str, now: str) -> ChainHead:
    """Link a row just written into its chain (the caller holds the chain's write lock)."""
    t = schema.metadata.tables[table]
    row = dict(conn.execute(select(t).where(t.c.id == record_id)).mappings().one())
    chain = chain_of(table, row)
    last = conn.execute(
        select(schema.trail.c.seq, schema.trail.c.hash).where(schema.trail.c.chain == chain)
        .order_by(schema.trail.c.seq.desc()).limit(1)
    ).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    row_digest = digest(table, row)
    new_hash = link_hash(prev, chain, seq, row_digest)
    conn.execute(schema.trail.insert().values(chain=chain, seq=seq, record_table=table, record_id=record_id, actor=actor,
                                              digest=row_digest, prev_hash=prev, hash=new_hash, created_at=now))
    return ChainHead(chain=chain, seq=seq, hash=new_hash)


def head(conn: Connection, chain: int) -> ChainHead | None:
    row = conn.execute(select(schema.trail.c.seq, schema.trail.c.hash).where(schema.trail.c.chain == chain)
                       .order_by(schema.trail.c.seq.desc()).limit(1)).first()
    return ChainHead(chain=chain, seq=row.seq, hash=row.hash) if row else None


def links(conn: Connection, chain: int) -> list[dict[str, Any]]:
    t = schema.trail
    rows = conn.execute(select(t.c.seq, t.c.record_table, t.c.record_id, t.c.actor, t.c.digest, t.c.prev_hash, t.c.hash,
                               t.c.created_at).where(t.c.chain == chain).order_by(t.c.seq)).mappings()
    return [dict(r) for r in rows]


def verify_links(chain: int, chain_links: list[dict[str, Any]]) -> str | None:
    """The first broken link of one chain given as exported links (no rows needed): None when intact."""
    prev = GENESIS
    for expected_seq, link in enumerate(chain_links, start=1):
        where = f"case #{chain} link {link['seq']} ({link['record_table']} #{link['record_id']})"
        if link["seq"] != expected_seq:
            return f"case #{chain}: link {expected_seq} is missing"
        if link["prev_hash"] != prev:
            return f"{where}: previous hash does not match"
        if link_hash(prev, chain, link["seq"], link["digest"]) != link["hash"]:
            return f"{where}: link hash does not match"
        prev = link["hash"]
    return None


def verify(conn: Connection, expected: ChainHead | None = None) -> Verdict:
    """Walk every chain; the first broken link, a row without a link, or a missing trigger is reported."""
    missing = _missing_triggers(conn)
    if missing:
        return Verdict(ok=False, links=0, first_break=f"append-only trigger missing: {', '.join(missing)}")
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for table in CHAINED:
        t = schema.metadata.tables[table]
        for r in conn.execute(select(t)).mappings():
            rows[(table, int(r["id"]))] = dict(r)
    t = schema.trail
    all_links = [dict(r) for r in conn.execute(select(t).order_by(t.c.chain, t.c.seq)).mappings()]
    by_chain: dict[int, list[dict[str, Any]]] = {}
    for link in all_links:
        by_chain.setdefault(link["chain"], []).append(link)
    seen: set[tuple[str, int]] = set()
    erased_cases = {row["case_id"] for (table, _), row in rows.items() if table == "events" and row["kind"] == "erased"}
    for chain, chain_links in sorted(by_chain.items()):
        broken = verify_links(chain, chain_links)
        if broken:
            return Verdict(ok=False, links=len(all_links), first_break=broken)
        for link in chain_links:
            key = (link["record_table"], link["record_id"])
            where = f"case #{chain} link {link['seq']} ({key[0]} #{key[1]})"
            row = rows.get(key)
            if row is None:
                return Verdict(ok=False, links=len(all_links), first_break=f"{where}: the row is gone")
            if key in seen or chain_of(key[0], row) != chain:
                return Verdict(ok=False, links=len(all_links), first_break=f"{where}: the row is linked twice or moved")
            seen.add(key)
            if row.get("erased") and chain not in erased_cases:
                return Verdict(ok=False, links=len(all_links), first_break=f"{where}: marked erased without an erasure record")
            if not row.get("erased") and digest(key[0], row) != link["digest"]:
                return Verdict(ok=False, links=len(all_links), first_break=f"{where}: the row was changed")
    unlinked = sorted(set(rows) - seen)
    if unlinked:
        table, record_id = unlinked[0]
        return Verdict(ok=False, links=len(all_links), first_break=f"{table} #{record_id} has no link in the chain")
    if expected is not None:
        chain_links = by_chain.get(expected.chain, [])
        at = chain_links[expected.seq - 1] if 0 < expected.seq <= len(chain_links) else None
        if at is None or at["hash"] != expected.hash:
            return Verdict(ok=False, links=len(all_links),
                           first_break=f"case #{expected.chain}: the exported head (link {expected.seq}) is not in the trail")
    return Verdict(ok=True, links=len(all_links))


def _missing_triggers(conn: Connection) -> list[str]:
    """The append-only triggers that are not there (or not enabled): their absence is a break in itself."""
    if conn.dialect.name == "postgresql":
        # a trigger switched off (ALTER TABLE … DISABLE TRIGGER) counts as missing
        present = set(conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")).scalars())
        wanted = [f"{t}_append_only" for t in schema.HISTORY_TABLES]
    else:
        present = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
        wanted = [f"{t}_refuse_{op}" for t in schema.HISTORY_TABLES for op in ("id_reuse", "update", "delete")]
    return [name for name in wanted if name not in present]
