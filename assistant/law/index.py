"""The dense index: a chromadb collection of embedded statute units, rebuilt only when its inputs change.

    python -m assistant index build [--full] [--force]
    python -m assistant.law.index status

Each unit becomes several documents: the article text, our gloss, and each question people ask about
it. Questions are embedded in the e5 *query* style (query-to-query matching is symmetric); text and
gloss in the *passage* style. The content hash of the units and the model name is stored in the
collection's metadata, so a second build with unchanged inputs is a no-op.
"""

from __future__ import annotations

import argparse
import fcntl
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel

from assistant.errors import IndexNotReadyError
from assistant.law.corpus import IndexUnit, build_units, corpus_hash
from assistant.settings import KNOWLEDGE_DIR, Settings, get_settings
from assistant.text.embeddings import SentenceEmbeddings

log = logging.getLogger(__name__)

HNSW = {"space": "cosine", "ef_search": 200, "ef_construction": 200}
BATCH = 32


class IndexStatus(BaseModel):
    collection: str
    mode: str
    model: str
    scope: str
    units: int
    documents: int
    stored_hash: str | None
    current_hash: str
    fresh: bool
    built: bool = False  # True when this call (re)built the collection
    seconds: float = 0.0


def collection_name(settings: Settings) -> str:
    return f"debt_statutes_{settings.index_scope}"


def chroma_client(settings: Settings):
    """Embedded persistent client under data_dir/chroma, or an HTTP client for a chroma server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_mode == "server":
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        path = settings.data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # noqa: BLE001 - connection or storage failures alike
        raise IndexNotReadyError(f"无法打开向量库 / cannot open chromadb ({settings.chroma_mode}): {exc}") from exc


def documents(unit: IndexUnit) -> list[tuple[str, str, str]]:
    """(document id, text to embed, field) for one unit; field is text | gloss | question."""
    docs = [(f"{unit.id}#text", f"{unit.label} {unit.text}", "text")]
    if unit.gloss:
        docs.append((f"{unit.id}#gloss", f"{unit.label} {unit.gloss}", "gloss"))
    docs += [(f"{unit.id}#q{i}", q, "question") for i, q in enumerate(unit.questions)]
    return docs


def vector_store(settings: Settings, client=None, *, document_kind: str = "passage", create: bool = True):
    """The collection as a langchain Chroma store; embeddings are always computed by us, never by chroma."""
    from langchain_chroma import Chroma

    return Chroma(
        client=client or chroma_client(settings),
        collection_name=collection_name(settings),
        embedding_function=SentenceEmbeddings(settings, document_kind=document_kind),
        collection_configuration={"hnsw": HNSW},
        create_collection_if_not_exists=create,
    )


def _stored(client, name: str) -> tuple[str | None, int]:
    try:
        col = client.get_collection(name)
    except Exception:  # noqa: BLE001 - chromadb raises different errors for a missing collection
        return None, 0
    return (col.metadata or {}).get("corpus_hash"), col.count()


def index_status(settings: Settings | None = None, knowledge_dir: Path = KNOWLEDGE_DIR, units=None) -> IndexStatus:
    s = settings or get_settings()
    units = units if units is not None else build_units(s, knowledge_dir)
    current = corpus_hash(units, s.embedding_model)
    stored, count = _stored(chroma_client(s), collection_name(s))
    expected = sum(len(documents(u)) for u in units)
    return IndexStatus(
        collection=collection_name(s), mode=s.chroma_mode, model=s.embedding_model, scope=s.index_scope,
        units=len(units), documents=count, stored_hash=stored, current_hash=current,
        fresh=(stored == current and count == expected),
    )  # fmt: skip


def build_index(
    settings: Settings | None = None,
    *,
    force: bool = False,
    progress: bool = False,
    knowledge_dir: Path = KNOWLEDGE_DIR,
    units: list[IndexUnit] | None = None,
) -> IndexStatus:
    """Build the collection if it is missing or stale (or `force`); otherwise do nothing."""
    s = settings or get_settings()
    units = units if units is not None else build_units(s, knowledge_dir)
    status = index_status(s, knowledge_dir, units)
    if status.fresh and not force:
        return status
    with _build_lock(s):
        status = index_status(s, knowledge_dir, units)  # another process may have built it meanwhile
        if status.fresh and not force:
            return status
        return _build(s, units, status, progress)


@contextmanager
def _build_lock(settings: Settings) -> Iterator[None]:
    """Serialise builds of the embedded store across processes (the app and a test run may start together)."""
    if settings.chroma_mode == "server":
        yield
        return
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    with open(path / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(s: Settings, units: list[IndexUnit], status: IndexStatus, progress: bool) -> IndexStatus:
    t0 = time.perf_counter()
    log.info("building the %s index (%d units, model %s)", status.collection, len(units), s.embedding_model)
    client = chroma_client(s)
    try:
        client.delete_collection(status.collection)
    except Exception:  # noqa: BLE001 - nothing to delete
        pass
    stores = {
        "passage": vector_store(s, client, document_kind="passage"),
        "query": vector_store(s, client, document_kind="query"),
    }
    docs = [(d, u) for u in units for d in documents(u)]
    from tqdm import tqdm

    bar = tqdm(total=len(docs), desc="embedding", unit="doc", disable=not progress)
    for kind in ("passage", "query"):
        part = [(d, u) for d, u in docs if (d[2] == "question") == (kind == "query")]
        # batches of similar length: a batch is padded to its longest text, so mixing a long article
        # with short questions wastes most of the work (the index content does not depend on order)
        part.sort(key=lambda du: len(du[0][1]))
        for i in range(0, len(part), BATCH):
            batch = part[i : i + BATCH]
            stores[kind].add_texts(
                texts=[d[1] for d, _ in batch],
                metadatas=[{"unit": u.id, "field": d[2]} for d, u in batch],
                ids=[d[0] for d, _ in batch],
            )
            bar.update(len(batch))
    bar.close()
    col = client.get_collection(status.collection)
    col.modify(
        metadata={
            "corpus_hash": status.current_hash,
            "model": s.embedding_model,
            "units": len(units),
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
    )
    seconds = time.perf_counter() - t0
    log.info("index %s built: %d documents in %.1f s", status.collection, len(docs), seconds)
    return status.model_copy(
        update={"documents": col.count(), "stored_hash": status.current_hash, "fresh": True, "built": True,
                "seconds": round(seconds, 1)}
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant index", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the index if its inputs changed")
    b.add_argument("--full", action="store_true", help="index every current article of the statute DB")
    b.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    st = sub.add_parser("status", help="show whether the index is fresh")
    st.add_argument("--full", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    s = get_settings()
    if args.full:
        s = s.model_copy(update={"index_scope": "full"})
    try:
        status = build_index(s, force=args.force, progress=True) if args.command == "build" else index_status(s)
    except IndexNotReadyError as exc:
        print(exc.user_message, file=sys.stderr)
        return 1
    verdict = "built" if status.built else ("fresh" if status.fresh else "STALE (run: python -m assistant index build)")
    print(
        f"{status.collection} [{status.mode}] {verdict}: {status.units} units, {status.documents} documents, "
        f"model {status.model}" + (f", {status.seconds} s" if status.built else "")
    )
    return 0 if status.fresh else 2


if __name__ == "__main__":
    raise SystemExit(main())
