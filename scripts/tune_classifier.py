"""Set how the learned narrative model joins the signal rules, on the dev split (evals/dev/narratives) only.

    python scripts/tune_classifier.py           # print the dev macro-F1 for each setting and the best one
    python scripts/tune_classifier.py --write   # also write it into knowledge/assess_model.yaml

Grid over `decide_when_unclear` (the model decides where the rules say unclear) and `overrule` (the model
overturns a definite, non-decisive rule verdict); ties go to the setting that lets the model decide less.
"""

from __future__ import annotations

import argparse
import re

from assistant.assess.classify import _fuse, rules_verdict
from assistant.assess.learned import CONFIG_FILE, Fusion, narrative_model
from assistant.intake import extract_case
from evals.classify_eval import scores
from evals.judgement_eval import EVAL_TODAY, batches, load_batch

UNCLEAR = [0.0, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 1.0]
OVERRULE = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
AGAINST = [0.0, 0.5, 0.6, 1.0]  # sureness the model needs to contradict the rules' axis evidence
MARGIN = [0.0, 0.1, 0.2, 0.3]  # how much the model must prefer its label to overturn a definite verdict


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    rows = [r for b in batches("narratives", "dev") for r in load_batch(b)]
    model = narrative_model()
    seen = []
    for r in rows:
        verdict, decisive = rules_verdict(extract_case(r["narrative"], today=EVAL_TODAY))
        seen.append((r["label"], verdict.category, decisive, model.probabilities(r["narrative"]), (verdict.ability, verdict.willingness)))
    gold = [g for g, *_ in seen]
    rules_only = scores(gold, [c.value for _, c, *_ in seen])["macro_f1"]
    print(f"rules only: macro-F1 {rules_only:.3f}")
    best = None
    for u in UNCLEAR:
        for o in OVERRULE:
            for m in MARGIN:
              for a in AGAINST:
                fusion = Fusion(decide_when_unclear=u, overrule=o, margin=m, against_evidence=a)
                f1 = scores(gold, [_fuse(c, d, p, fusion, axes).value for _, c, d, p, axes in seen])["macro_f1"]
                key = (round(f1, 3), u + o + m + a)  # on a tie (to the third decimal), the model decides less
                if best is None or key > best[0]:
                    best = (key, u, o, m, a)
    (f1, _), u, o, m, a = best
    print(f"best on dev: decide_when_unclear {u}, overrule {o}, margin {m}, against_evidence {a}: macro-F1 {f1:.3f}")
    if args.write:
        text = CONFIG_FILE.read_text(encoding="utf-8")
        text = re.sub(r"decide_when_unclear: .*", f"decide_when_unclear: {u}", text)
        text = re.sub(r"overrule: .*", f"overrule: {o}", text)
        text = re.sub(r"margin: .*", f"margin: {m}", text) if "margin:" in text else text.rstrip() + f"\n  margin: {m}\n"
        text = re.sub(r"against_evidence: .*", f"against_evidence: {a}", text) if "against_evidence:" in text else text.rstrip() + f"\n  against_evidence: {a}\n"
        CONFIG_FILE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
