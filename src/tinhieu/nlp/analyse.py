"""Run the NLP tasks over a batch of texts: one normalisation, one feature matrix, all heads.

:func:`analyse` is what ``tinhieu nlp predict`` and the import pipeline call. Every task
returns a defined result for any input — an empty string, emoji only, a 100 kB text,
invalid surrogates — with a reason when it could not judge, never an exception.

Offsets in the output (evidence spans, offending spans) index the text as analysed: the
input composed to NFC, lone surrogates replaced by U+FFFD (one character for one, so
offsets do not move) and cut at :data:`MAX_CHARS` characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tinhieu.gc_pause import gc_paused
from tinhieu.nlp.bundle import Bundle, load_bundle
from tinhieu.nlp.features import CONTRAST_MARK, NEG_MARK, NEGATORS, QUESTION_MARK

ALL_TASKS: Final[tuple[str, ...]] = (
    "lang",
    "sentiment",
    "aspects",
    "spam",
    "toxicity",
    "emotion",
    "keywords",
)
DEFAULT_TASKS: Final[tuple[str, ...]] = (
    "sentiment",
    "aspects",
    "spam",
    "toxicity",
    "lang",
    "emotion",
)
#: Longer texts are analysed on their first MAX_CHARS characters (the reason says so).
MAX_CHARS: Final[int] = 5000
#: Emotion is only given when the model is at least this sure (else ``None`` + reason);
#: a trained model carries its own floor, chosen on dev (``min_prob`` in the manifest).
EMOTION_MIN_PROB: Final[float] = 0.40
#: Words (normalised) that make a text about phones, so the smartphone aspects apply.
PHONE_CUES: Final[frozenset[str]] = frozenset(
    {
        "điện",
        "thoại",
        "đt",
        "smartphone",
        "iphone",
        "ip",
        "samsung",
        "oppo",
        "xiaomi",
        "vivo",
        "realme",
        "nokia",
        "redmi",
        "galaxy",
        "pin",
        "sạc",
        "camera",
        "màn",
        "chip",
        "ram",
        "rom",
        "android",
        "ios",
        "wifi",
        "wf",
        "4g",
        "5g",
        "sim",
        "selfie",
        "cảm",
        "vân",
        "loa",
        "máy",
        "mic",
        "bluetooth",
        "zin",
        "tgdđ",
        "fpt",
    }
)
#: Review-spam model kinds by class (rules find ad / giveaway / junk / seeding first).
_SPAM_TYPE_KIND: Final[dict[str, str]] = {
    "spam-1": "fake_review",
    "spam-2": "brand_only",
    "spam-3": "junk",
}
#: The review-spam model was trained on e-commerce reviews; on social comments it only
#: flags what it is this sure of, so ordinary chatter is never called spam.
SPAM_MODEL_MIN_PROB: Final[float] = 0.85

#: Offending spans are looked for unless the toxicity model is this sure a text is clean.
SPANS_BELOW_CLEAN_PROB: Final[float] = 0.9

FloatArray = npt.NDArray[np.float32]
#: Features whose cue text is kept (bounded: emptied when full).
_CUE_META_MAX: Final[int] = 50_000


class TaskError(ValueError):
    """A task name that does not exist."""


def parse_tasks(spec: str | Sequence[str] | None) -> tuple[str, ...]:
    """Task names from ``"sentiment,spam"`` (or a sequence); ``None`` = the default set."""
    if spec is None:
        return DEFAULT_TASKS
    names = [s.strip() for s in (spec.split(",") if isinstance(spec, str) else spec)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in ALL_TASKS]
    if unknown:
        raise TaskError(f"unknown task(s): {', '.join(unknown)} (known: {', '.join(ALL_TASKS)})")
    return tuple(dict.fromkeys(names)) or DEFAULT_TASKS


def clean_text(value: object) -> tuple[str, bool]:
    """The text to analyse and whether it was cut; never raises."""
    if value is None:
        return "", False
    text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    cut = len(text) > MAX_CHARS
    if cut:
        text = text[:MAX_CHARS]
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text, cut


def _probs(scores: FloatArray, temperature: float) -> FloatArray:
    from tinhieu.nlp.features import softmax

    return softmax(scores, temperature)


@dataclass
class _Batch:
    texts: list[str]
    cut: list[bool]
    words: list[list[str]]
    x: sp.csr_matrix
    #: Every head's scores from the shared features; complete except for the heads that
    #: also read the raw-character block (see :meth:`Analyzer._raw_head_probs`).
    scores: dict[str, FloatArray]


class Analyzer:
    """Holds the loaded models; :meth:`analyse` is pure with respect to its inputs."""

    def __init__(self, bundle: Bundle | None = None) -> None:
        self.bundle = bundle or load_bundle()
        self._names: list[str] | None = None
        self._aspects: Any = None
        self._dense: dict[int, FloatArray] = {}
        self._cue_meta: dict[int, tuple[str, str]] = {}
        #: brand names never read as aspect words (:meth:`protect`)
        self.names: frozenset[tuple[str, ...]] = frozenset()

    def protect(self, names: Sequence[str]) -> None:
        """Brand names (the workspace's brand and competitor topics) whose words must not
        be read as aspect or opinion words: "meo map" is Mèo Mập, not "méo" packaging."""
        from tinhieu.nlp.aspects import protected_names

        self.names = protected_names(names)

    # -- helpers ----------------------------------------------------------------------------

    def _feature_names(self) -> list[str]:
        if self._names is None:
            self._names = self.bundle.features.feature_names()
        return self._names

    def _aspect_model(self) -> Any:
        if self._aspects is None:
            from tinhieu.nlp.aspects import AspectModel

            path = self.bundle.path
            self._aspects = (
                AspectModel.load_cached(path) if (path / "aspects.json").is_file() else False
            )
        return self._aspects

    def _prepare(self, texts: Sequence[object]) -> _Batch:
        from tinhieu.nlp.normalise import normalise_words

        cleaned = [clean_text(t) for t in texts]
        plain = [c[0] for c in cleaned]
        words = [normalise_words(t) for t in plain]
        x = self.bundle.features.transform_words(words)
        return _Batch(plain, [c[1] for c in cleaned], words, x, self.bundle.shared_scores(x))

    # -- the tasks --------------------------------------------------------------------------

    def analyse(
        self,
        texts: Sequence[object],
        tasks: Sequence[str] = DEFAULT_TASKS,
        *,
        authors: Sequence[str | None] | None = None,
        kinds: Sequence[str | None] | None = None,
        explain: bool = True,
    ) -> list[dict[str, Any]]:
        """One result dict per text, with a key per requested task.

        ``authors`` lets the batch be checked for seeding; ``kinds`` (the Mention kind of
        each text) limits the review-spam model to reviews, the text it was trained on.
        """
        wanted = parse_tasks(list(tasks))
        with gc_paused():
            return self._analyse(texts, wanted, authors, kinds, explain)

    def _analyse(
        self,
        texts: Sequence[object],
        wanted: tuple[str, ...],
        authors: Sequence[str | None] | None,
        kinds: Sequence[str | None] | None,
        explain: bool,
    ) -> list[dict[str, Any]]:
        batch = self._prepare(texts)
        n = len(batch.texts)
        out: list[dict[str, Any]] = [{} for _ in range(n)]
        for i, cut in enumerate(batch.cut):
            if cut:
                out[i]["truncated_to"] = MAX_CHARS
        if "lang" in wanted:
            from tinhieu.nlp.lang import detect_languages

            for i, r in enumerate(detect_languages(batch.texts)):
                out[i]["lang"] = {"label": r.lang, "prob": round(r.prob, 4), "reason": r.reason}
        if "sentiment" in wanted:
            for i, res in enumerate(self._sentiment(batch, explain)):
                out[i]["sentiment"] = res
        if "aspects" in wanted:
            for i, hits in enumerate(self._aspect_hits(batch)):
                out[i]["aspects"] = hits
        if "spam" in wanted:
            for i, res in enumerate(self._spam(batch, authors, kinds)):
                out[i]["spam"] = res
        if "toxicity" in wanted:
            for i, res in enumerate(self._toxicity(batch)):
                out[i]["toxicity"] = res
        if "emotion" in wanted:
            for i, res in enumerate(self._emotion(batch)):
                out[i]["emotion"] = res
        if "keywords" in wanted:
            from tinhieu.nlp.keywords import keywords

            for i, t in enumerate(batch.texts):
                out[i]["keywords"] = [[k, round(s, 4)] for k, s in keywords(t)]
        return out

    def _head_probs(self, batch: _Batch, name: str) -> tuple[tuple[str, ...], FloatArray] | None:
        head = self.bundle.heads.get(name)
        if head is None:
            return None
        if self.bundle.uses_raw(name):
            return self._raw_head_probs(batch, (name,), range(len(batch.texts)))[name]
        return head.classes, _probs(batch.scores[name], head.temperature)

    def _raw_head_probs(
        self, batch: _Batch, names: Sequence[str], rows: Sequence[int]
    ) -> dict[str, tuple[tuple[str, ...], FloatArray]]:
        """Probabilities of ``rows`` only, for heads that may read the raw-character block
        (its cost is paid only for the mentions that need the head)."""
        idx = np.asarray(rows, dtype=np.int64)
        present = [n for n in names if n in self.bundle.heads]
        needs_raw = any(self.bundle.uses_raw(n) for n in present)
        raw = (
            self.bundle.raw_scores([batch.texts[i] for i in idx], self.names)
            if needs_raw and idx.size
            else {}
        )
        out: dict[str, tuple[tuple[str, ...], FloatArray]] = {}
        for name in present:
            head = self.bundle.heads[name]
            scores = batch.scores[name][idx]
            if name in raw:
                scores = scores + raw[name]
            out[name] = (head.classes, _probs(scores, head.temperature))
        return out

    def _sentiment(self, batch: _Batch, explain: bool) -> list[dict[str, Any]]:
        from tinhieu.nlp.opinion import gate_scores

        head = self.bundle.heads.get("sentiment")
        n = len(batch.texts)
        if head is None:
            return [_unavailable("sentiment") for _ in range(n)]
        classes = head.classes
        # The opinion-evidence gate (tinhieu.nlp.opinion): a question or a post with
        # figures that shows no opinion mark leans towards neutral.
        scores, gates = gate_scores(batch.scores["sentiment"], classes, batch.words)
        probs = _probs(scores, head.temperature)
        nnz = [len(ws) for ws in batch.words]  # no words: nothing to judge
        results: list[dict[str, Any]] = []
        top2_arr = np.argsort(-scores, axis=1)[:, :2]
        top2 = top2_arr.tolist()
        batch_cues = self._batch_cues(batch, head.weights, top2_arr) if explain else {}
        rounded = np.round(probs.astype(np.float64), 4).tolist()
        for i in range(n):
            if nnz[i] == 0:
                results.append(
                    {
                        "label": "neutral",
                        "prob": None,
                        "probs": None,
                        "cues": [],
                        "reason": "no words or emoji to judge",
                    }
                )
                continue
            k, runner = top2[i]
            p = rounded[i]
            res: dict[str, Any] = {
                "label": classes[k],
                "prob": p[k],
                "probs": dict(zip(classes, p, strict=True)),
            }
            if explain:
                shift = gates[i].shift
                if shift and classes[k] == "neutral":
                    cues = [_gate_cue(shift)]
                else:
                    got = batch_cues.get(i)
                    cues = self._cues(batch, i, head.weights, k, runner) if got is None else got
                    if shift:
                        cues.append(_gate_cue(shift))
                res["cues"] = cues
                res["reason"] = _sentiment_reason(
                    classes[k], cues, batch.words[i], gates[i].information
                )
            results.append(res)
        return results

    def _dense_weights(self, weights: sp.csr_matrix) -> FloatArray:
        dense = self._dense.get(id(weights))
        if dense is None:
            dense = self._dense[id(weights)] = weights.toarray()
        return dense

    def _meta(self, col: int) -> tuple[str, str]:
        """How feature ``col`` is shown as a cue: its display text and kind (cached)."""
        meta = self._cue_meta.get(col)
        if meta is None:
            name = self._feature_names()[col]
            if len(self._cue_meta) >= _CUE_META_MAX:
                self._cue_meta.clear()
            meta = self._cue_meta[col] = (_display(name), _cue_kind(name))
        return meta

    def _cue(self, col: int, push: float) -> dict[str, Any]:
        meta = self._meta(col)
        return {"cue": meta[0], "weight": round(push, 4), "kind": meta[1]}

    def _batch_cues(
        self, batch: _Batch, weights: sp.csr_matrix, top2: npt.NDArray[np.intp], top: int = 5
    ) -> dict[int, list[dict[str, Any]]]:
        """:meth:`_cues` of every row at once (row -> cues), vectorised over the batch.

        Rows whose order of cues hangs on tied pushes are left out (the caller asks
        :meth:`_cues` for them, whose sort decides ties), so results are always equal.
        """
        x = batch.x
        n = x.shape[0]
        if n == 0 or top2.shape[1] < 2:
            return {}
        dense = self._dense_weights(weights)
        width = dense.shape[1]
        flat = dense.ravel()
        words = x.indices < len(self.bundle.features.words)
        idx = x.indices[words].astype(np.int64)
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(x.indptr))[words]
        push = x.data[words] * (
            flat[idx * width + top2[rows, 0]] - flat[idx * width + top2[rows, 1]]
        )
        pos = push > 0
        idx, rows, push = idx[pos], rows[pos], push[pos]
        # By row, then by push descending: a positive float32's bits order as its value.
        bits = push.astype(np.float32).view(np.uint32).astype(np.uint64)
        key = (rows.astype(np.uint64) << np.uint64(32)) | (np.uint64(0xFFFFFFFF) - bits)
        order = np.argsort(key, kind="stable")
        idx, rows, push, key = idx[order], rows[order], push[order], key[order]
        firsts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
        starts = np.repeat(firsts, np.diff(np.r_[firsts, len(rows)]))
        rank = np.arange(len(rows)) - starts
        tied = (key[1:] == key[:-1]) & (rank[:-1] < top)
        unsure = set(rows[1:][tied].tolist())
        out: dict[int, list[dict[str, Any]]] = {i: [] for i in range(n) if i not in unsure}
        keep = rank < top
        meta_of = self._cue_meta.get
        for i, col, p in zip(
            rows[keep].tolist(), idx[keep].tolist(), push[keep].tolist(), strict=True
        ):
            got = out.get(i)
            if got is not None:
                meta = meta_of(col) or self._meta(col)
                got.append({"cue": meta[0], "weight": round(p, 4), "kind": meta[1]})
        return out

    def _cues(
        self, batch: _Batch, i: int, weights: sp.csr_matrix, k: int, runner: int, top: int = 5
    ) -> list[dict[str, Any]]:
        """Words and phrases that pushed class ``k`` over the runner-up, strongest first.

        A feature's push is its TF-IDF value times (weight for ``k`` − weight for the
        runner-up). Only word-level features are shown (words, phrases, negation and
        contrast marks, lexicon matches, emoji): character n-grams add evidence for
        spelling variants but explain nothing on their own.
        """
        dense = self._dense_weights(weights)
        lo, hi = batch.x.indptr[i], batch.x.indptr[i + 1]
        idx = batch.x.indices[lo:hi]
        n_words = len(self.bundle.features.words)
        cut = int(np.searchsorted(idx, n_words))  # indices are sorted: words come first
        idx = idx[:cut]
        if not cut:
            return []
        push = batch.x.data[lo : lo + cut] * (dense[idx, k] - dense[idx, runner])
        order = np.argsort(-push)[:top].tolist()
        ids = idx.tolist()
        pushes = push.tolist()
        cues = []
        for j in order:
            if pushes[j] <= 0:
                break
            cues.append(self._cue(ids[j], pushes[j]))
        return cues

    def _aspect_hits(self, batch: _Batch) -> list[list[dict[str, Any]]]:
        from tinhieu.nlp.aspects import commerce_aspects

        model = self._aspect_model()
        model_hits: list[list[Any]] = [[] for _ in batch.texts]
        # The smartphone aspects (UIT-ViSFD) are only asked of texts about phones: on a
        # milk-tea comment "general" or "price" would be the phone's.
        rows = [i for i, ws in enumerate(batch.words) if not PHONE_CUES.isdisjoint(ws)]
        if model and rows:
            found = model.predict([batch.texts[i] for i in rows], batch.x[rows])
            for i, hits in zip(rows, found, strict=True):
                model_hits[i] = hits
        out: list[list[dict[str, Any]]] = []
        for text, extra in zip(batch.texts, model_hits, strict=True):
            hits = list(commerce_aspects(text, self.names)) + list(extra)
            out.append(
                [
                    {
                        "aspect": h.aspect,
                        "polarity": h.polarity,
                        "prob": round(float(h.prob), 4),
                        "evidence": h.evidence,
                        "start": h.start,
                        "end": h.end,
                        "source": h.source,
                    }
                    for h in hits
                ]
            )
        return out

    def _spam(
        self,
        batch: _Batch,
        authors: Sequence[str | None] | None,
        kinds: Sequence[str | None] | None,
    ) -> list[dict[str, Any]]:
        from tinhieu.nlp.seeding import find_seeding
        from tinhieu.nlp.spam_rules import spam_rules

        n = len(batch.texts)
        seeded: dict[int, str] = {}
        if authors is not None and len(authors) == n:
            for cl in find_seeding(batch.texts, authors):
                why = (
                    f"near-duplicate of {len(cl.members) - 1} other comment(s) by "
                    f"{cl.authors} accounts (similarity ≥ {cl.similarity:.2f})"
                )
                for m in cl.members:
                    seeded[m] = why
        # The spam heads run only where no seeding cluster or rule has answered, on reviews.
        rule_hits = [
            None if i in seeded else spam_rules(text, batch.words[i])
            for i, text in enumerate(batch.texts)
        ]
        reviewed = [
            kinds is None or i >= len(kinds) or kinds[i] in (None, "review") for i in range(n)
        ]
        model_rows = [
            i for i in range(n) if i not in seeded and rule_hits[i] is None and reviewed[i]
        ]
        probs = self._raw_head_probs(batch, ("spam", "spam-type"), model_rows)
        spam_p, type_p = probs.get("spam"), probs.get("spam-type")
        usable = spam_p is not None and type_p is not None and "spam" in spam_p[0]
        at = {row: j for j, row in enumerate(model_rows)}
        out: list[dict[str, Any]] = []
        for i in range(n):
            if i in seeded:
                out.append({"label": "seeding", "prob": None, "reason": seeded[i]})
                continue
            hit = rule_hits[i]
            if hit is not None:
                res: dict[str, Any] = {
                    "label": hit.kind,
                    "prob": round(hit.score, 4),
                    "reason": hit.reason,
                }
                if hit.start is not None:
                    res["start"], res["end"] = hit.start, hit.end
                out.append(res)
                continue
            if usable and reviewed[i]:
                assert spam_p is not None and type_p is not None
                j = at[i]
                p_spam = float(spam_p[1][j, spam_p[0].index("spam")])
                if p_spam >= SPAM_MODEL_MIN_PROB:
                    t_classes, t_probs = type_p
                    order = [k for k in np.argsort(-t_probs[j]) if t_classes[k] != "no-spam"]
                    kind = _SPAM_TYPE_KIND.get(t_classes[order[0]], "junk")
                    out.append(
                        {
                            "label": kind,
                            "prob": round(p_spam, 4),
                            "reason": f"review-spam model: {t_classes[order[0]]} (p={p_spam:.2f})",
                        }
                    )
                    continue
                out.append({"label": "none", "prob": round(1 - p_spam, 4), "reason": ""})
            else:
                why = "no spam rule matched" + ("" if reviewed[i] else " (not a review)")
                out.append({"label": "none", "prob": None, "reason": why})
        return out

    def _toxicity(self, batch: _Batch) -> list[dict[str, Any]]:
        from tinhieu.nlp.toxic_spans import toxic_spans

        got = self._head_probs(batch, "toxicity")
        out: list[dict[str, Any]] = []
        nnz = [len(ws) for ws in batch.words]  # no words: nothing to judge
        if got is not None:
            classes, probs = got
            best = probs.argmax(axis=1).tolist()
            rows = probs.tolist()  # float32 -> float, as float() of each value
        for i, text in enumerate(batch.texts):
            if got is None or nnz[i] == 0:
                reason = "no words to judge" if got is not None else "no toxicity model"
                out.append({"label": "CLEAN", "prob": None, "spans": [], "reason": reason})
                continue
            k = best[i]
            row = rows[i]
            # Offending spans are for the moderation queue: looked for when the model
            # flags the text or is not sure it is clean.
            flagged = classes[k] != "CLEAN" or row[k] < SPANS_BELOW_CLEAN_PROB
            spans = (
                [{"start": s, "end": e, "text": t} for s, e, t in toxic_spans(text, batch.words[i])]
                if flagged
                else []
            )
            out.append(
                {
                    "label": classes[k],
                    "prob": round(row[k], 4),
                    "probs": {c: round(v, 4) for c, v in zip(classes, row, strict=True)},
                    "spans": spans,
                }
            )
        return out

    def _emotion(self, batch: _Batch) -> list[dict[str, Any]]:
        got = self._head_probs(batch, "emotion")
        head = self.bundle.heads.get("emotion")
        stored = (head.meta or {}).get("min_prob") if head else None
        floor = float(stored) if isinstance(stored, int | float) else EMOTION_MIN_PROB
        out: list[dict[str, Any]] = []
        nnz = [len(ws) for ws in batch.words]  # no words: nothing to judge
        if got is not None:
            classes, probs = got
            best = probs.argmax(axis=1).tolist()
            top = probs[np.arange(len(best)), best].tolist() if best else []
        for i in range(len(batch.texts)):
            if got is None or nnz[i] == 0:
                out.append({"label": None, "prob": None, "reason": "no words to judge"})
                continue
            k = best[i]
            p = top[i]
            if p < floor:
                out.append(
                    {
                        "label": None,
                        "prob": round(p, 4),
                        "best_guess": classes[k],
                        "reason": f"not confident ({p:.2f} < {floor:.2f})",
                    }
                )
            else:
                out.append({"label": classes[k], "prob": round(p, 4)})
        return out


def _unavailable(task: str) -> dict[str, Any]:
    return {"label": None, "prob": None, "reason": f"no {task} model installed"}


_LEXICON_CUES: Final[dict[str, str]] = {
    "LEX+": "positive word (lexicon)",
    "LEX+!": "intensified positive word (lexicon)",
    "LEX-": "negative word (lexicon)",
    "LEX-!": "intensified negative word (lexicon)",
}


def _display(feature: str) -> str:
    bare = feature.lstrip(NEG_MARK + CONTRAST_MARK)
    if bare in _LEXICON_CUES:
        return _LEXICON_CUES[bare]
    if bare.startswith("#"):
        return f"text shape {bare[1:]}"
    return bare.removeprefix(QUESTION_MARK)


def _cue_kind(feature: str) -> str:
    if feature.startswith(NEG_MARK):
        return "negation"
    if feature.startswith(CONTRAST_MARK):
        return "contrast"
    if feature.startswith("LEX"):
        return "lexicon"
    if feature.startswith("#"):
        return "shape"
    if feature.startswith(QUESTION_MARK) or " " + QUESTION_MARK in feature:
        return "question"
    parts = feature.split(" ")
    if any(p in NEGATORS for p in parts[:-1]):
        return "negation"
    if len(parts) > 1:
        return "phrase"
    if feature and not any(ch.isalnum() for ch in feature):
        return "emoji"
    return "word"


#: The cue of a text the opinion gate moved towards neutral (English, then Vietnamese).
GATE_CUE: Final[str] = "no opinion words · không có từ ngữ thể hiện ý kiến"
_INFORMATION: Final[dict[str, str]] = {
    "question": "it asks a question · câu hỏi",
    "figures": "it states figures (prices, times, links) · thông tin, số liệu",
}


def _gate_cue(shift: float) -> dict[str, Any]:
    return {"cue": GATE_CUE, "weight": round(shift, 4), "kind": "gate"}


_CONTRAST_WORDS: Final[frozenset[str]] = frozenset({"nhưng", "song"})


def _sentiment_reason(
    label: str,
    cues: list[dict[str, Any]],
    words: list[str],
    information: str | None = None,
) -> str:
    gated = any(c["kind"] == "gate" for c in cues)
    if gated and label == "neutral":
        reason = (
            "neutral: no opinion words, feeling emoji, intensifier or negation found "
            "(opinion gate) · không thấy từ ngữ thể hiện ý kiến → trung lập"
        )
        if information:
            reason += f"; {_INFORMATION[information]}"
        return reason
    shown_cues = [c for c in cues if c["kind"] != "gate"]
    if not shown_cues:
        reason = f"{label}: no strong cue; the model's prior decides"
    else:
        shown = ", ".join(f"'{c['cue']}' ({c['kind']})" for c in shown_cues[:3])
        reason = f"{label}: {shown}"
        if any(c["kind"] == "contrast" for c in shown_cues):
            reason += "; the clause after the contrast weighs most"
        elif not _CONTRAST_WORDS.isdisjoint(words):
            reason += "; contrast present"
    if gated:
        reason += (
            "; no opinion words found, the gate moved it towards neutral but the model "
            "is sure · không thấy từ ngữ thể hiện ý kiến"
        )
    return reason


_default: Analyzer | None = None


def analyse(
    texts: Sequence[object],
    tasks: Sequence[str] = DEFAULT_TASKS,
    *,
    authors: Sequence[str | None] | None = None,
    kinds: Sequence[str | None] | None = None,
    explain: bool = True,
) -> list[dict[str, Any]]:
    """:meth:`Analyzer.analyse` with the shipped models."""
    global _default
    if _default is None:
        _default = Analyzer()
    return _default.analyse(texts, tasks, authors=authors, kinds=kinds, explain=explain)
