"""Training the reply classifier (`bot_engine/nlu/reply_classifier.py`) from the NLU eval
set: its rows, the fit (scikit-learn's logistic regression, a development dependency) and
the JSON the understanding reads. `bench/nlu_eval.py --write-memory` calls it."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bot_engine.nlu import reply_classifier
from bot_engine.nlu.lang import lang_of
from bot_engine.nlu.text import lemma_tuple

Row = tuple[str, str, str, str]
"""(context, label, reply, the names asked, space-separated)."""

C = 10.0
"""Inverse regularisation: with ~12,000 short replies, 1 underfits (0.96 alone on unseen
batches) and 10 is where leave-one-batch-out precision stopped rising. 20 mends four more
replies in each language's leave-one-batch-out calibration (en 4,088 against 4,084 of
4,207, ru 5,442 against 5,438 of 5,606 at the shipped thresholds, more at every other
setting tried), but its surer readings break two curated tests: "whats usual for that" to
the budget question is read as a request to repeat above `OVERRULE` (not "don't know"),
and tests/nlu/test_nlu_external.py's LLM budget value is lost; so 10 stays."""


def digest(rows: Iterable[Row]) -> str:
    """What the shipped weights were trained on, to tell when they are stale."""
    text = "\n".join("\t".join(row) for row in sorted(rows))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def train(rows: Sequence[Row], lang: str) -> dict[str, Any]:
    """The classifier's JSON form, trained on ``rows``."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    code = lang_of(lang)
    feats = [reply_classifier.features(reply_classifier.named(
        lemma_tuple(text, code), tuple(names.split()), code), ctx) for ctx, _, text, names in rows]
    vocabulary: dict[str, int] = {}
    df: list[int] = []
    for row in feats:
        for name in row:
            index = vocabulary.setdefault(name, len(vocabulary))
            if index == len(df):
                df.append(0)
            df[index] += 1
    idf = [math.log((1 + len(rows)) / (1 + d)) + 1.0 for d in df]
    data: list[float] = []
    indices: list[int] = []
    indptr = [0]
    for row in feats:
        values = [(vocabulary[name], value * idf[vocabulary[name]]) for name, value in row.items()]
        norm = math.sqrt(sum(v * v for _, v in values)) or 1.0
        for index, value in values:
            indices.append(index)
            data.append(value / norm)
        indptr.append(len(indices))
    matrix = csr_matrix((data, indices, indptr), shape=(len(rows), len(vocabulary)))
    model = LogisticRegression(C=C, max_iter=3000)
    model.fit(matrix, [label for _, label, _, _ in rows])
    labels = [str(label) for label in model.classes_]
    coef = model.coef_
    features = {}
    for name, index in vocabulary.items():
        weights = [round(float(coef[k, index]), 4) for k in range(len(labels))]
        if any(weights):
            features[name] = [round(idf[index], 4), *weights]
    return {"labels": labels, "bias": [round(float(b), 4) for b in model.intercept_],
            "features": features}


def write(path: Path, rows: Sequence[Row], lang: str, about: str) -> Path:
    """Train on ``rows`` and write the JSON the understanding reads."""
    model = train(rows, lang)
    head = {"about": about, "rows": len(rows), "rows_sha256": digest(rows),
            "labels": model["labels"], "bias": model["bias"]}
    lines = ",\n".join(f"{json.dumps(name, ensure_ascii=False)}: {json.dumps(entry)}"
                       for name, entry in sorted(model["features"].items()))
    body = json.dumps(head, ensure_ascii=False)[:-1]
    path.write_text(f'{body},\n"features": {{\n{lines}\n}}}}\n', encoding="utf-8")
    return path
