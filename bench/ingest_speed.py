"""Ingestion throughput against the embedding model's raw `encode`, and unchanged re-ingest.

A synthetic corpus of Markdown articles (zh + en, front matter, 3-5 sections) is written to
a temp dir. Three measurements, all with the default settings (embedder `bilingual`,
embedded Chroma, SQLite) unless told otherwise:

1. raw encode: the default embedder without its cache, over exactly the chunk texts the
   ingest will produce for a sample of the corpus (chunks/s);
2. first ingest of that sample through `Ingestor.run` (the code `kcrm ingest` runs), on a
   fresh data dir and an empty embedding cache (chunks/s and the ratio to 1.);
3. re-ingest of the full unchanged corpus: it is first ingested with a fast stand-in embedder
   of the same dimension (embedding 40k chunks with the real model would take most of an
   hour on 2 cores, and the vectors do not change what a re-ingest does), then ingested again
   in-process with the real default embedder wrapped in a counter that must see zero texts,
   and once more as a `kcrm ingest` subprocess (process start, model and index loading).

    .venv/bin/python bench/ingest_speed.py --articles 10000 --sample 1000 [--write]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

import kcrm.models  # noqa: F401
from kcrm.config import Settings
from kcrm.core.db import Base, make_engine, make_session_factory
from kcrm.knowledge.adapters import build_embedder
from kcrm.knowledge.adapters.embedders import FakeEmbedder, Kind
from kcrm.knowledge.chunking import chunk_text
from kcrm.knowledge.engine import build_engine
from kcrm.knowledge.ingest import Ingestor, IngestReport
from kcrm.knowledge.loaders import iter_files, load_file
from kcrm.knowledge.ports import Embedder

ROOT = Path(__file__).resolve().parents[1]
KCRM = str(Path(sys.executable).parent / "kcrm")
RAW_BATCH = 256

ZH_TOPICS = ["空调", "冰箱", "洗衣机", "热水器", "洗碗机", "电饭煲", "扫地机器人", "净水器"]
ZH_ISSUES = ["不制冷", "漏水", "噪音大", "无法开机", "显示故障代码", "异味", "加热慢", "遥控失灵"]
ZH_STEPS = [
    "请先断开电源，等待五分钟后重新启动。",
    "检查过滤网是否堵塞，必要时用清水冲洗并晾干。",
    "确认进水阀已经完全打开，水压不低于0.1兆帕。",
    "如果故障代码仍然出现，请记录代码并联系售后服务。",
    "会员可以在小程序中预约上门检修，保修期内免收人工费。",
    "退货需保持商品完好，七天内可申请无理由退货。",
    "安装前请确认墙体承重，并预留足够的散热空间。",
    "积分可在下次购物时抵扣现金，每一百积分抵一元。",
]
EN_TOPICS = ["air conditioner", "fridge", "washer", "water heater", "dishwasher", "rice cooker"]
EN_ISSUES = ["not cooling", "leaking", "noisy", "will not start", "shows an error", "smells"]
EN_STEPS = [
    "Switch the unit off at the wall and wait five minutes before starting it again.",
    "Check whether the filter is clogged and rinse it under running water if needed.",
    "Make sure the inlet valve is fully open and the water pressure is sufficient.",
    "If the error code comes back, write it down and contact our service team.",
    "Members can book a technician visit in the app; labour is free under warranty.",
    "Returns are accepted within 30 days when the product is undamaged and complete.",
    "Before installing, confirm the wall can carry the weight and leave room for airflow.",
    "Points can be redeemed at checkout; every 100 points are worth one dollar.",
]


def _article(i: int, rng: random.Random) -> str:
    """One article with front matter; sentences are shuffled so every chunk text differs."""
    zh = rng.random() < 0.5
    topics, issues, steps = (
        (ZH_TOPICS, ZH_ISSUES, ZH_STEPS) if zh else (EN_TOPICS, EN_ISSUES, EN_STEPS)
    )
    topic, issue = rng.choice(topics), rng.choice(issues)
    title = f"{topic}{issue}（型号 M{i:05d}）" if zh else f"{topic} {issue} (model M{i:05d})"
    sections = []
    for s in range(rng.randint(3, 5)):
        picked = rng.sample(steps, rng.randint(3, 6))
        joiner = "" if zh else " "
        heading = f"步骤 {s + 1}" if zh else f"Step {s + 1}"
        sections.append(f"## {heading}\n\n{joiner.join(picked)} M{i:05d}-{s}")
    front = (
        f'---\nid: BENCH-{i:05d}\ntitle: "{title}"\nlanguage: {"zh" if zh else "en"}\n'
        f"product: SKU-{i % 200:03d}\ncategory: troubleshooting\ntags: [bench, {topic}]\n"
        f"status: published\nvisibility: {'public' if i % 3 else 'internal'}\n---\n"
    )
    return front + f"# {title}\n\n" + "\n\n".join(sections) + "\n"


def write_corpus(folder: Path, count: int) -> None:
    """`count` articles, 1,000 per sub-folder."""
    rng = random.Random(7)
    for i in range(count):
        sub = folder / f"part-{i // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"bench-{i:05d}.md").write_text(_article(i, rng), encoding="utf-8")


class CountingEmbedder(Embedder):
    """Passes texts on to another embedder and counts them."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dimension = inner, inner.name, inner.dimension
        self.texts = 0

    def embed_batch(self, texts: Sequence[str], *, kind: Kind) -> NDArray[np.float32]:
        """Count, then embed."""
        self.texts += len(texts)
        return self.inner.embed_batch(texts, kind=kind)


def settings_for(data_dir: Path) -> Settings:
    """Default knowledge settings on a private data dir and SQLite database."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'kcrm.db'}")


def _fresh_db(settings: Settings) -> Any:
    engine = make_engine(settings.db_url)
    Base.metadata.create_all(engine)
    return engine


def chunk_texts(folder: Path, settings: Settings) -> list[str]:
    """The chunk texts the ingest will produce (same loader and chunker)."""
    texts: list[str] = []
    for path in iter_files(folder):
        for doc in load_file(path):
            texts += chunk_text(
                doc.body,
                body_format=doc.body_format,
                title=doc.title,
                chunk_size=settings.chunk_size,
                chunk_overlap=settings.chunk_overlap,
            )
    return texts


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def raw_encode(texts: list[str], settings: Settings) -> dict[str, float]:
    """The default embedder's own throughput, no cache, batches as large as the indexer's."""
    embedder = build_embedder(settings, cache=False)
    embedder.embed_documents(["warm up 预热"] * 8)

    def run() -> None:
        for start in range(0, len(texts), RAW_BATCH):
            embedder.embed_documents(texts[start : start + RAW_BATCH])

    _, wall, cpu = timed(run)
    return {"chunks": len(texts), "wall": wall, "cpu": cpu}


def ingest(
    folder: Path, settings: Settings, embedder: Embedder | None = None, *, warm: bool = False
) -> tuple[IngestReport, float, float]:
    """One `Ingestor.run` over the folder, as `kcrm ingest` does it."""
    db = _fresh_db(settings)
    engine = build_engine(settings, embedder=embedder)
    if warm:  # the first batch should not pay for lazy model set-up
        engine.embedder.embed_documents(["warm up 预热"] * 8)
    try:
        ingestor = Ingestor(make_session_factory(db), engine, settings)
        return timed(lambda: ingestor.run([folder]))
    finally:
        db.dispose()


def first_ingest(tmp: Path, sample: int) -> dict[str, Any]:
    """Raw encode vs first ingest on `sample` articles with the default embedder."""
    folder = tmp / "sample"
    write_corpus(folder, sample)
    raw_settings = settings_for(tmp / "raw")
    texts = chunk_texts(folder, raw_settings)
    print(f"sample: {sample} articles, {len(texts)} chunks; raw encode...", flush=True)
    before = raw_encode(texts, raw_settings)
    print(f"raw: {before}; first ingest...", flush=True)
    report, wall, cpu = ingest(folder, settings_for(tmp / "first"), warm=True)
    assert report.errors == [], report.errors
    assert report.embedded == report.chunks == len(texts), (report, len(texts))
    # Raw again after the ingest: the shared machine's load drifts, so the two bracket it.
    after = raw_encode(texts, raw_settings)
    print(f"raw again: {after}", flush=True)
    raw = {"chunks": len(texts), **{k: (before[k] + after[k]) / 2 for k in ("wall", "cpu")}}
    return {
        "articles": sample,
        "raw": raw,
        "raw_runs": [before, after],
        "ingest": {"chunks": report.chunks, "wall": wall, "cpu": cpu},
    }


def reingest(tmp: Path, articles: int) -> dict[str, Any]:
    """Fill with a stand-in embedder, then re-ingest unchanged with the real one, counted."""
    folder = tmp / "full"
    write_corpus(folder, articles)
    settings = settings_for(tmp / "full-var")
    dimension = build_embedder(settings, cache=False).dimension
    print(f"full: {articles} articles; filling with fake-{dimension}...", flush=True)
    filled, fill_wall, _ = ingest(folder, settings, FakeEmbedder(dimension=dimension))
    counting = CountingEmbedder(build_embedder(settings))
    report, wall, cpu = ingest(folder, settings, counting)
    assert report.errors == [], report.errors
    assert report.unchanged == articles, report
    assert counting.texts == report.embedded == 0, (counting.texts, report)
    env = {
        **os.environ,
        "KCRM_DATA_DIR": str(settings.data_dir),
        "KCRM_DATABASE_URL": settings.db_url,
    }
    started, children = time.perf_counter(), _children_cpu()
    cli = subprocess.run(
        [KCRM, "ingest", str(folder), "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    cli_wall, cli_cpu = time.perf_counter() - started, _children_cpu() - children
    assert " 0 embedded" in cli.stdout, cli.stdout
    return {
        "articles": articles,
        "chunks": filled.chunks,
        "fill_wall": fill_wall,
        "wall": wall,
        "cpu": cpu,
        "texts_embedded": counting.texts,
        "cli_wall": cli_wall,
        "cli_cpu": cli_cpu,
        "cli_out": cli.stdout.strip(),
    }


def section(first: dict[str, Any] | None, again: dict[str, Any] | None, load: float) -> str:
    """The `## Ingestion` section of docs/benchmarks.md."""
    lines = [
        "## Ingestion",
        "",
        "`bench/ingest_speed.py`: synthetic Markdown articles (half zh, half en, front matter,",
        "3-5 sections, ~4 chunks each), default settings (`bilingual` embedder, embedded Chroma,",
        "SQLite), through `Ingestor.run`, the code `kcrm ingest` runs. Shared 2-core machine,",
        f"load average {load:.1f} when done; CPU s is this process's CPU time (all threads).",
        "",
    ]
    if first:
        raw, ing = first["raw"], first["ingest"]
        rate = {k: raw["chunks"] / raw[k] for k in ("wall", "cpu")}
        got = {k: ing["chunks"] / ing[k] for k in ("wall", "cpu")}
        lines += [
            f"First ingest of {first['articles']:,} articles vs the embedder's raw `encode` over "
            "the same chunk texts (no cache, batches of 256), measured once before and once after",
            "the ingest (the row is their mean; the runs took "
            + " and ".join(
                f"{r['wall']:.0f} s wall / {r['cpu']:.0f} s CPU" for r in first["raw_runs"]
            )
            + "). Target: ingest >= 85% of raw.",
            "",
            "| stage | chunks | wall s | chunks/s | CPU s | chunks per CPU s |",
            "| --- | --- | --- | --- | --- | --- |",
            f"| raw encode | {raw['chunks']:,} | {raw['wall']:.1f} | {rate['wall']:.1f} "
            f"| {raw['cpu']:.1f} | {rate['cpu']:.1f} |",
            f"| first ingest | {ing['chunks']:,} | {ing['wall']:.1f} | {got['wall']:.1f} "
            f"| {ing['cpu']:.1f} | {got['cpu']:.1f} |",
            f"| ingest / raw | | | {got['wall'] / rate['wall']:.1%} "
            f"| | {got['cpu'] / rate['cpu']:.1%} |",
            "",
            "The wall ratio swings with the shared machine's load; the CPU ratio is the stable",
            "one. Loading, chunking, hashing, SQL and both index writes cost a few ms of CPU per",
            "chunk (a profile with a stand-in embedder: ~3 ms), against tens of ms for the model.",
            "",
        ]
    if again:
        lines += [
            f"Re-ingest of {again['articles']:,} unchanged articles ({again['chunks']:,} chunks; "
            "first filled with a stand-in embedder of the same dimension in "
            f"{again['fill_wall']:.0f} s). Texts that reached the embedder: "
            f"{again['texts_embedded']}. Target: <= 10 s, zero embeddings.",
            "",
            "| run | wall s | CPU s |",
            "| --- | --- | --- |",
            f"| `Ingestor.run` (engine already built) | {again['wall']:.1f} | {again['cpu']:.1f} |",
            f"| `kcrm ingest` subprocess (start, imports, lazy models and indexes) "
            f"| {again['cli_wall']:.1f} | {again['cli_cpu']:.1f} |",
            "",
            f"CLI output: `{again['cli_out']}`",
            "",
            "Each batch of 256 files is compared with SQL in one query; an unchanged article",
            "costs no chunking, no write and no index call, and the CLI loads the models and",
            "opens the indexes only when something needs them, so here it loads neither.",
            "",
        ]
    return "\n".join(lines)


def write_section(path: Path, text: str) -> None:
    """Replace (or add) the `## Ingestion` section, keeping the others."""
    doc = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    pattern = re.compile(r"## Ingestion\n.*?(?=\n## |\Z)", re.S)
    doc = (
        pattern.sub(lambda _: text, doc)
        if pattern.search(doc)
        else doc.rstrip("\n") + "\n\n" + text
    )
    path.write_text(doc, encoding="utf-8")


def main() -> None:
    """Run the measurements and print (and optionally write) the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000, help="corpus for the re-ingest")
    parser.add_argument(
        "--sample", type=int, default=1_000, help="articles for the ratio (0: skip)"
    )
    parser.add_argument("--skip-reingest", action="store_true")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kcrm-ingest-") as name:
        tmp = Path(name)
        first = first_ingest(tmp, args.sample) if args.sample else None
        again = None if args.skip_reingest else reingest(tmp, args.articles)
    text = section(first, again, os.getloadavg()[0])
    print(text)
    if args.write:
        write_section(ROOT / "docs" / "benchmarks.md", text)


if __name__ == "__main__":
    main()
