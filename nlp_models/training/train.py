"""Train the statistical NER component on the project's sentences and on whole pages in the
genres users meet (``data/ood_train/``: press releases, guides, municipal pages, answers to the
Folketing, news, reports; page chrome and labels of boxes and figures are there as what is not
a name), reproducibly.

    .venv/bin/python -m nlp_models.training.train [--epochs 30] [--seed 0]
    .venv/bin/python -m nlp_models.training.train --rescore   # after a change to the rules

Writes the pipeline to ``nlp_models/model/`` and its held-out scores (the test split, never
trained on) to ``nlp_models/model/scores.json``, next to the scores of the rules alone.
"""

import argparse
import json
import logging
import random
import warnings
from pathlib import Path

from spacy.pipeline import EntityRecognizer
from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch

from nlp_models.entities import EntityFinder
from nlp_models.knowledge_base import load_knowledge_base
from nlp_models.pipeline import MODEL_DIR, blank_danish
from nlp_models.training.corpus import LABELS, Sentence, read_split
from nlp_models.training.evaluate import evaluate
from vidensbank.settings import get_settings

log = logging.getLogger(__name__)

MODEL_NAME = "vidensbank_da_ner"
MODEL_VERSION = "1.1.0"
TRAINING_SPLITS = ("train", "ood_train")
DEV_SHARE = 0.1


def train(*, epochs: int, seed: int, out: Path) -> dict[str, object]:
    fix_random_seed(seed)
    nlp = blank_danish()
    ner = nlp.add_pipe("ner")
    assert isinstance(ner, EntityRecognizer)
    for label in LABELS:
        ner.add_label(label)

    sentences = [sentence for split in TRAINING_SPLITS for sentence in read_split(split)]
    random.Random(seed).shuffle(sentences)
    dev_size = int(len(sentences) * DEV_SHARE)
    dev, train_set = sentences[:dev_size], sentences[dev_size:]

    def examples(batch: list[Sentence]) -> list[Example]:
        return [
            Example.from_dict(
                nlp.make_doc(s.text),
                {"entities": [(e.start, e.end, e.label) for e in s.entities]},
            )
            for s in batch
        ]

    with warnings.catch_warnings():
        # Entities that do not align with token boundaries are left out of training.
        warnings.simplefilter("ignore", UserWarning)
        train_examples, dev_examples = examples(train_set), examples(dev)
        optimizer = nlp.initialize(lambda: train_examples)
        best_f, best_bytes, best_epoch = -1.0, b"", 0
        rng = random.Random(seed)
        for epoch in range(1, epochs + 1):
            rng.shuffle(train_examples)
            losses: dict[str, float] = {}
            for batch in minibatch(train_examples, size=compounding(4.0, 32.0, 1.001)):
                nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
            dev_f = float(nlp.evaluate(dev_examples)["ents_f"] or 0.0)
            log.info("epoch %d loss %.1f dev F1 %.4f", epoch, losses.get("ner", 0.0), dev_f)
            if dev_f > best_f:
                best_f, best_bytes, best_epoch = dev_f, nlp.to_bytes(), epoch
    nlp.from_bytes(best_bytes)
    nlp.meta.update({"name": MODEL_NAME, "version": MODEL_VERSION, "lang": "da"})
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)

    scores = {
        "seed": seed,
        "epochs": epochs,
        "best_epoch": best_epoch,
        "dev_f1": round(best_f, 4),
        "train_sentences": len(train_set),
        "dev_sentences": len(dev),
        **_test_scores(out),
    }
    (out / "scores.json").write_text(json.dumps(scores, indent=2, ensure_ascii=False) + "\n")
    return scores


def _test_scores(out: Path) -> dict[str, object]:
    """The held-out test split scored with the model in ``out`` and with the rules alone."""
    kb = load_knowledge_base(get_settings().kb_dir)
    test = list(read_split("test"))
    return {
        "test": evaluate(EntityFinder(kb, out), test).model_dump(),
        "test_rules_only": evaluate(EntityFinder(kb, None), test).model_dump(),
    }


def rescore(out: Path) -> dict[str, object]:
    """Score the shipped model again on the test split with the code's rules, without
    training: after a change to the rules, the scores are the pipeline's as it now runs."""
    scores: dict[str, object] = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    scores |= _test_scores(out)
    (out / "scores.json").write_text(json.dumps(scores, indent=2, ensure_ascii=False) + "\n")
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument(
        "--rescore", action="store_true", help="score the shipped model again, without training"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.rescore:
        scores = rescore(args.out)
    else:
        scores = train(epochs=args.epochs, seed=args.seed, out=args.out)
    test = scores["test"]
    assert isinstance(test, dict)
    print(json.dumps({k: test[k] for k in ("micro_f1", "linking_accuracy")}, indent=2))


if __name__ == "__main__":
    main()
