"""Set the learned proposer's thresholds and cancel cues on the dev split (evals/dev/messages), never on the sealed one.

    python scripts/tune_checker.py            # print the chosen settings and the dev figures
    python scripts/tune_checker.py --write    # also write them into knowledge/rules/_statistical.yaml

For each code the threshold is the lowest probability (on a grid) at which the code's proposals add no more
than `--budget` false-positive rate on the dev lawful messages beyond what the patterns already flag, and the
cancel cues are the larger or the smaller set (negation etc. vs. only reporting and quotation), whichever
catches more dev violations within the same budget (only a threat may keep its proposal under a negation). Codes are tuned one after another, each on top of the others.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

from assistant.checker.check import check
from assistant.checker.rules import RULES_DIR, get_registry
from assistant.checker.segments import Segments, sentence_cue
from assistant.checker.statistical import CONFIG_FILE, get_proposer, load_config, proposer_for
from assistant.settings import get_settings
from assistant.text.segment import sentence_spans
from evals.judgement_eval import batches, load_batch, message_text

# No threshold below 0.4: a proposal must be more likely than not-quite-even to stand, whatever dev rewards.
GRID = [round(x, 2) for x in np.arange(0.40, 0.96, 0.05)]
NARROW = ["reporting", "quoted", "disavowal"]  # every proposal gives way to these
# Only a threat survives its own negation ("别逼我弄死你", "我可不保证你孩子的安全"); for every other code a
# negation before the act means the sentence promises the opposite ("我们不会联系您的家人").
NEGATION_KEPT_BY_THREATS = {"THREAT_VIOLENCE"}


def imprecise_patterns(min_firings: int = 3, min_precision: float = 0.8) -> list[str]:
    """Pattern rules that fire on lawful training messages too often: measured on the training split."""
    fired: dict[str, list[bool]] = {}
    for r in (r for b in batches("messages", "train") for r in load_batch(b)):
        for v in check(message_text(r), statistical=False).violations:
            fired.setdefault(v.rule, []).append(not r["legal"])
    out = []
    for rule, hits in sorted(fired.items()):
        if len(hits) >= min_firings and sum(hits) / len(hits) < min_precision and ":" in rule:
            print(f"imprecise on train: {rule} precision {sum(hits) / len(hits):.2f} of {len(hits)}")
            out.append(rule)
    return out


def tune_message(proposer, rows, max_fpr: float):
    """The message layer's threshold, veto and code threshold: the most violations caught on dev with a
    false-positive rate of at most `max_fpr`, then the most codes right (the sentence settings as tuned)."""
    proposer = proposer_for(get_registry().directory)  # the very object check() consults
    setting = proposer.message.setting.model_copy(update={"vetoable": imprecise_patterns()})
    gold = [{c["code"] for c in r["codes"]} for r in rows]
    best, best_key = setting, None
    for threshold in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85):
        for veto in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6):
            if veto > threshold:
                continue
            for code_threshold in (0.5, 0.6):  # below 0.5 a code is named on a guess
                trial = setting.model_copy(update={"threshold": threshold, "veto": veto, "code_threshold": code_threshold})
                proposer.message.setting = trial
                found = [{v.code.value for v in check(message_text(r)).violations} for r in rows]
                lawful = [bool(f) for f, r in zip(found, rows) if r["legal"]]
                caught = [bool(f) for f, r in zip(found, rows) if not r["legal"]]
                fpr, recall = sum(lawful) / len(lawful), sum(caught) / len(caught)
                codes = sum(len(g & f) for g, f in zip(gold, found)) / sum(len(g) for g in gold)
                key = (fpr <= max_fpr, recall if fpr <= max_fpr else -fpr, codes)
                if best_key is None or key > best_key:
                    best, best_key = trial, key
                    print(f"message: threshold {threshold} veto {veto} code {code_threshold}: "
                          f"recall {recall:.3f} FPR {fpr:.3f} code recall {codes:.3f}")
    proposer.message.setting = setting
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--budget", type=float, default=0.005, help="extra false-positive rate allowed per code")
    ap.add_argument("--message-only", action="store_true", help="tune only the message layer")
    ap.add_argument("--message-fpr", type=float, default=0.09, help="false-positive rate the message layer may reach")
    args = ap.parse_args()
    reg = get_registry()
    cfg = load_config(RULES_DIR)
    proposer = get_proposer(str(RULES_DIR), str(Path(get_settings().data_dir) / "checker_model"))
    rows = [r for b in batches("messages", "dev") for r in load_batch(b)]
    if args.message_only:
        return _write_message(tune_message(proposer, rows, args.message_fpr)) if args.write else 0
    data = []
    for r in rows:
        text = message_text(r)
        seg = Segments(text)
        spans = sentence_spans(text, seg.sentence_ends)
        base = {v.code.value for v in check(text, statistical=False).violations}
        probs = proposer.probabilities(text, spans)
        cues = {name: [sentence_cue(reg, name, seg, lo, hi) for lo, hi in spans] for name in reg.cues}
        data.append((r, base, probs, cues))
    codes = [c.value for c in proposer.codes]
    chosen = {c: (1.0, list(cfg.codes[c].cancel)) for c in codes}  # start with the model off
    # the cancel cues written in the config are the floor: tuning may add negation and the narrow set, never drop one

    def findings(entry, settings):
        r, base, probs, cues = entry
        found = set(base)
        for k, code in enumerate(codes):
            t, cancel = settings[code]
            for i in range(probs.shape[0]):
                if probs[i, k] >= t and not any(cues[name][i] for name in cancel):
                    found.add(code)
                    break
        return found

    def figures(settings):
        fp = sum(bool(findings(e, settings)) for e in data if e[0]["legal"])
        lawful = sum(1 for e in data if e[0]["legal"])
        caught = sum(bool(findings(e, settings)) for e in data if not e[0]["legal"])
        unlawful = len(data) - lawful
        code_hits = sum(len({c["code"] for c in e[0]["codes"]} & findings(e, settings)) for e in data if not e[0]["legal"])
        code_total = sum(len({c["code"] for c in e[0]["codes"]}) for e in data if not e[0]["legal"])
        return caught / unlawful, fp / lawful, code_hits / code_total

    base_recall, base_fpr, base_code = figures(chosen)
    print(f"patterns only: recall {base_recall:.3f} FPR {base_fpr:.3f} code recall {base_code:.3f}")
    fpr_now = base_fpr
    for code in codes:
        best = chosen[code]
        best_score = figures(chosen)[2]
        full = sorted(set(cfg.codes[code].cancel) | {"negation", *NARROW})
        candidates = [full] + ([[c for c in full if c != "negation"]] if code in NEGATION_KEPT_BY_THREATS else [])
        for cancel in candidates:
            for t in GRID:
                trial = {**chosen, code: (t, cancel)}
                recall, fpr, code_recall = figures(trial)
                if fpr <= fpr_now + args.budget and code_recall > best_score:
                    best, best_score = (t, cancel), code_recall
        if best[0] >= 1.0:  # nothing gained on dev: the lowest threshold that adds no false positive at all
            free = [t for t in GRID if figures({**chosen, code: (t, full)})[1] <= fpr_now]
            best = (free[0], full) if free else best
        chosen[code] = best
        fpr_now = figures(chosen)[1]
        print(f"{code:24s} threshold {best[0]}  cancel {best[1]}")
    recall, fpr, code_recall = figures(chosen)
    print(f"tuned on dev: recall {recall:.3f} FPR {fpr:.3f} code recall {code_recall:.3f}")
    message = tune_message(proposer, rows, args.message_fpr) if proposer.message is not None else None
    if args.write:
        path = RULES_DIR / CONFIG_FILE
        text = path.read_text(encoding="utf-8")
        for code, (t, cancel) in chosen.items():
            line = f"  {code}: {{threshold: {min(t, 0.99)}, cancel: [{', '.join(cancel)}]}}"
            text = re.sub(rf"^  {code}: .*$", line, text, flags=re.M)
        path.write_text(text, encoding="utf-8")
        if message is not None:
            _write_message(message)
    return 0


def _write_message(message) -> int:
    path = RULES_DIR / CONFIG_FILE
    m = message.model_dump()
    line = (f"message: {{threshold: {m['threshold']}, veto: {m['veto']}, code_threshold: {m['code_threshold']},"
            f" window_chars: {m['window_chars']}, c: {m['c']}, vetoable: [{', '.join(m['vetoable'])}]}}")
    path.write_text(re.sub(r"^message: .*$", line, path.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
