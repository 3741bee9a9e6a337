"""CRM at scale: ERP import rows/s and customer-360 latency on SQLite.

Generates customers (CSV), products (JSON) and orders (CSV, plus XML and JSON samples) in a
temp dir, migrates a fresh SQLite database there, imports them through the import service
and then times `customers.service.get_360` on random customers.

    .venv/bin/python bench/crm_scale.py --customers 100000 --orders 1000000 --write
    .venv/bin/python bench/crm_scale.py --customers 2000 --orders 20000      # quick
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from multiprocessing import forkserver
from pathlib import Path
from typing import Any

from import_probes import insert_floor, phases
from sqlalchemy.orm import Session, sessionmaker

from kcrm.core.db import make_engine, make_session_factory, unit_of_work
from kcrm.core.migrate import upgrade
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.schemas import ImportFormat, ImportKind

HEADER = (
    "external_id,kind,name,language,email,phone,segment,lifecycle_stage,value_tier,"
    "credit_rating,member_points,member_tier,tags,city,country"
).split(",")
ORDER_FIELDS = (
    "external_id,number,customer_external_id,status,currency,channel,placed_at,paid_at,"
    "shipped_at,delivered_at,carrier,tracking_number,shipping_address,lines"
).split(",")
CITIES = ["上海", "北京", "杭州", "广州", "成都", "London"]
TIERS = ["low", "medium", "high", "vip"]
START = datetime(2024, 1, 1, tzinfo=UTC)
# How the import works, as the docs section states it.
IMPORT_PATH = (
    "The import path: a validation fast path compiled from the pydantic row models into one",
    "straight-line function each (`kcrm/crm/imports/fast.py`; pydantic still judges and words",
    "every doubtful row), plain packed order lines (`SKU:qty:price;...`) read by one regex",
    "(`OrderRow.fast_forms`), CSV read with `csv.reader`, XML built by ElementTree's C parser",
    "with DTDs refused by an expat guard over the prolog, references resolved from one dict",
    "per batch, lookups with one `json_each`",
    "parameter, column-wise `executemany` inserts with the new ids given and constant columns",
    "(creation times, defaults) written into the statement rather than bound per row, each",
    "distinct tag list serialised once, a 256 MB SQLite page cache for the import's connection",
    "(WAL, synchronous=NORMAL as always), and, once a file has written more rows than its table",
    "held (10,000 at least), the secondary indexes that the import never reads by dropped and",
    "rebuilt once before its savepoint ends",
    "(`kcrm/crm/imports/bulk.py`; here the customers and the orders CSV, not the XML and JSON",
    "orders that follow the CSV into a table of a million rows). Order files of 8 MB or more",
    "are parsed, validated and encoded for SQLite in a second process, which reads a file on",
    "disk itself, turns plain UTC times straight into the text SQLite stores (no parsing and",
    "formatting again) and sends plain columns, marshalled; the importing process resolves",
    "references, looks up keys and writes",
    "(`kcrm/crm/imports/reader.py`, `encoded.py`). `read` below is then the wait for that",
    "process's next batch, and `take` the resolution and checks of a batch.",
)


def write_customers(path: Path, n: int, rng: random.Random) -> None:
    """n customers in the ERP CSV shape."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for i in range(1, n + 1):
            tier = rng.choice(TIERS)
            out.writerow(
                [f"C{i:07d}", "person", f"客户{i}", "zh", f"c{i}@example.com",
                 f"138-{i:08d}", "consumer", "customer", tier, "A", rng.randint(0, 30000),
                 "gold" if tier == "vip" else "silver", "wechat_follower;referral",
                 rng.choice(CITIES), "CN"]
            )  # fmt: skip


def write_products(path: Path, n: int) -> list[tuple[str, str]]:
    """n products in the ERP JSON shape; returns (sku, price) pairs."""
    items = [
        {"external_id": f"P{i:05d}", "sku": f"SKU-{i:05d}", "name": f"产品 {i}",
         "name_en": f"Product {i}", "category": f"cat{i % 9}", "price": f"{99 + i * 7}.00",
         "currency": "CNY", "specs": {"power_w": 100 + i}, "description": "bench",
         "warranty_months": 12}
        for i in range(1, n + 1)
    ]  # fmt: skip
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return [(p["sku"], str(p["price"])) for p in items]


def _order(i: int, customers: int, skus: list[tuple[str, str]], rng: random.Random) -> list[Any]:
    placed = START + timedelta(minutes=i)
    lines = ";".join(
        f"{sku}:{rng.randint(1, 3)}:{price}" for sku, price in rng.sample(skus, rng.randint(1, 3))
    )
    return [
        f"SO-{i:08d}", f"SO-{i:08d}", f"C{rng.randint(1, customers):07d}", "delivered", "CNY",
        "online", placed.isoformat(), (placed + timedelta(hours=1)).isoformat(),
        (placed + timedelta(hours=9)).isoformat(), (placed + timedelta(days=2)).isoformat(),
        "SF Express", f"SF{i:012d}", "上海市浦东新区世纪大道 100 号", lines,
    ]  # fmt: skip


def write_orders_csv(path: Path, first: int, n: int, customers: int, skus: Any) -> None:
    """n orders in the ERP CSV shape (lines packed as SKU:qty:price;...)."""
    rng = random.Random(first)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(ORDER_FIELDS)
        for i in range(first, first + n):
            out.writerow(_order(i, customers, skus, rng))


def write_orders_xml(path: Path, first: int, n: int, customers: int, skus: Any) -> None:
    """n orders in the ERP XML feed shape."""
    rng = random.Random(first)
    with path.open("w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n<orders>\n")
        for i in range(first, first + n):
            o = dict(zip(ORDER_FIELDS, _order(i, customers, skus, rng), strict=True))
            lines = "".join(
                f'<line sku="{s}" quantity="{q}" unit_price="{p}"/>'
                for s, q, p in (part.split(":") for part in o["lines"].split(";"))
            )
            children = "".join(f"<{k}>{o[k]}</{k}>" for k in ORDER_FIELDS[6:13])
            out.write(
                f'<order external_id="{o["external_id"]}" number="{o["number"]}" '
                f'customer_external_id="{o["customer_external_id"]}" status="delivered" '
                f'currency="CNY" channel="online">{children}<lines>{lines}</lines></order>\n'
            )
        out.write("</orders>\n")


def write_orders_json(path: Path, first: int, n: int, customers: int, skus: Any) -> None:
    """n orders as JSON lines, the lines as objects (the API's and the JSON feed's shape)."""
    rng = random.Random(first)
    with path.open("w", encoding="utf-8") as out:
        for i in range(first, first + n):
            order = dict(zip(ORDER_FIELDS, _order(i, customers, skus, rng), strict=True))
            order["lines"] = [
                {"sku": s, "quantity": int(q), "unit_price": p}
                for s, q, p in (part.split(":") for part in order["lines"].split(";"))
            ]
            out.write(json.dumps(order, ensure_ascii=False) + "\n")


def _cpu() -> float:
    """CPU seconds of this process, its finished children and the import reader processes.

    The readers are forked by multiprocessing's fork server, which reaps them: their time is
    that server's children's time (/proc/PID/stat, fields cutime and cstime).
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    server = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if server is not None:
        stat = Path(f"/proc/{server}/stat").read_text().rsplit(")", 1)[1].split()
        seconds += (int(stat[13]) + int(stat[14])) / os.sysconf("SC_CLK_TCK")
    return seconds


def timed_import(
    factory: sessionmaker[Session],
    kind: ImportKind,
    path: Path,
    fmt: ImportFormat,
    parallel: bool | None = None,
) -> dict[str, Any]:
    """Import one file in one transaction; rows/s includes parsing, validation and commit."""
    spent: defaultdict[str, float] = defaultdict(float)
    start, cpu = time.perf_counter(), _cpu()
    with phases(spent), unit_of_work(factory, actor="bench") as session, path.open("rb") as f:
        report = import_service.run(session, kind=kind, stream=f, fmt=fmt, parallel=parallel)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    print(f"  {kind.value} ({fmt.value}): {report.total:,} rows in {seconds:.1f}s", flush=True)
    spent["other"] = seconds - sum(spent.values())
    rows = max(report.total, 1)
    return {"kind": kind.value, "format": fmt.value, "rows": report.total, "seconds": seconds,
            "cpu": cpu, "load": os.getloadavg()[0],
            "phases_us": {k: 1e6 * v / rows for k, v in spent.items()}}  # fmt: skip


def time_360(factory: sessionmaker[Session], customers: int, samples: int) -> dict[str, float]:
    """p50/p95 of get_360 over random customers (a fresh session per call, as per request)."""
    get_360: Callable[..., Any]
    try:
        from kcrm.crm.customers.service import get_360
    except ImportError:  # the 360 belongs to another package; measure it once it exists
        return {}
    rng = random.Random(7)
    timings = []
    for _ in range(samples):
        customer_id = rng.randint(1, customers)
        with factory() as session:
            start = time.perf_counter()
            get_360(session, customer_id=customer_id)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "samples": float(samples),
    }


def write_section(results: dict[str, Any], path: Path) -> None:
    """Replace (or add) the `## CRM scale` section of docs/benchmarks.md."""
    lines = [
        "## CRM scale",
        "",
        "`bench/crm_scale.py`: ERP files generated in a temp dir, imported through",
        "`kcrm.crm.imports.service.run` (validation, reference resolution, bulk upsert, one",
        "transaction per file) into a fresh migrated SQLite database, on the shared 2-core",
        f"machine. Size: {results['customers']:,} customers, {results['orders']:,} orders "
        f"(1-3 lines each), {results['products']} products. Load average when done: "
        f"{results['load']:.1f} (the machine is shared, so wall",
        "rows/s understates the code; CPU seconds count this process and its import readers;",
        "on these two vCPUs two busy processes slow each other down by 10-35%).",
        "",
        *IMPORT_PATH,
        "",
        "| import | format | rows | seconds | rows/s | CPU s | rows per CPU s | load after |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *(
            f"| {r['kind']} | {r['format']} | {r['rows']:,} | {r['seconds']:.1f} "
            f"| {r['rows'] / r['seconds']:,.0f} | {r['cpu']:.1f} | {r['rows'] / r['cpu']:,.0f} "
            f"| {r.get('load', results['load']):.1f} |"
            for r in results["imports"]
        ),
        "",
    ]
    compare = results.get("compare")
    if compare:
        ours = next(r for r in results["imports"] if r["kind"] == "orders" and r["format"] == "csv")
        lines += [
            "The same orders CSV in the same run, read in the importing process into a second",
            f"fresh database: {_rate(compare):,.0f} rows/s"
            f" ({compare['rows'] / compare['cpu']:,.0f} per CPU second); with the reader process"
            f" {_rate(ours) / _rate(compare):.2f}x that.",
            "",
        ]
    lines += _phase_lines(results)
    c360 = results.get("c360") or {}
    if c360:
        lines += [
            f"Customer 360 (`customers.service.get_360`, {c360['samples']:.0f} random customers,"
            " a fresh session each):",
            f"p50 {c360['p50_ms']:.2f} ms, p95 {c360['p95_ms']:.2f} ms.",
            "",
        ]
    lines += [*_verdict(results), ""]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    section = re.compile(r"## CRM scale\n.*?(?=\n## |\Z)", re.S)
    new = "\n".join(lines)
    text = section.sub(new, text) if section.search(text) else text.rstrip("\n") + "\n\n" + new
    path.write_text(text, encoding="utf-8")


def _rate(result: dict[str, Any]) -> float:
    return float(result["rows"] / result["seconds"])


def _phase_lines(results: dict[str, Any]) -> list[str]:
    """Where each import's time goes, and what SQLite itself needs for an order row."""
    names = ("read", "check", "take", "resolve", "lookups", "write", "rebuild", "other")
    lines = [
        "Where the time goes, µs per row (wall time of each step, timed per batch; `write` is",
        "encoding (done by the reader process when there is one) plus `executemany` for the rows",
        "and their lines, `rebuild` the secondary indexes made again at the end, `other` the",
        "commit and batching):",
        "",
        f"| import | format | {' | '.join(names)} | total |",
        f"| --- | --- | {' | '.join('---' for _ in names)} | --- |",
    ]
    for r in [*results["imports"], *([results["compare"]] if results.get("compare") else [])]:
        if r["rows"] >= 1000:
            us = [r["phases_us"].get(name, 0.0) for name in names]
            cells = " | ".join(f"{u:.1f}" for u in us)
            lines.append(f"| {r['kind']} | {r['format']} | {cells} | {sum(us):.1f} |")
    floor = results.get("floor")
    if floor:
        lines += [
            "",
            "SQLite's own share, for an order row without its lines"
            f" ({floor['rows']:,} stored rows copied",
            "under new keys into the full table with the indexes a large import keeps, then",
            f"rolled back): {floor['sqlite_us']:.1f} µs by `INSERT ... SELECT`,"
            f" {floor['executemany_us']:.1f} µs for the same rows through",
            "Python's `executemany`. At 20k rows/s an order may take 50 µs in all, lines included.",
        ]
    return [*lines, ""]


def _verdict(results: dict[str, Any]) -> list[str]:
    """The target line: by wall clock here, and by rows per CPU second."""
    big = [r for r in results["imports"] if r["rows"] >= 1000]
    slow_wall = [f"{r['kind']} {r['format']}" for r in big if r["rows"] < 20_000 * r["seconds"]]
    slow_cpu = [f"{r['kind']} {r['format']}" for r in big if r["rows"] < 20_000 * r["cpu"]]
    c360 = results.get("c360") or {}
    p95 = c360.get("p95_ms")
    return [
        "Targets (issue 2): import >= 20k rows/s on SQLite, customer-360 p95 <= 20 ms.",
        f"Import below target at wall clock here: {', '.join(slow_wall) or 'none'};",
        f"below 20k rows per CPU second: {', '.join(slow_cpu) or 'none'}.",
        f"Customer 360 p95 {'within' if p95 is not None and p95 <= 20 else 'over'} target"
        f" at load {results['load']:.1f}.",
    ]


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """Generate, migrate, import and time; returns the numbers."""
    rng = random.Random(1)
    print(f"generating in {tmp}", flush=True)
    write_customers(tmp / "customers.csv", args.customers, rng)
    skus = write_products(tmp / "products.json", args.products)
    write_orders_csv(tmp / "orders.csv", 1, args.orders, args.customers, skus)
    xml_orders = min(args.xml_orders, args.orders)
    write_orders_xml(tmp / "orders.xml", args.orders + 1, xml_orders, args.customers, skus)
    json_orders = min(args.json_orders, args.orders)
    first_json = args.orders + xml_orders + 1
    write_orders_json(tmp / "orders.jsonl", first_json, json_orders, args.customers, skus)
    # The generated files' writeback would otherwise run during (and be billed to) the imports.
    os.sync()
    url = f"sqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    mode = False if args.in_process else None  # None: a reader process for large order files
    imports = [
        timed_import(factory, ImportKind.customers, tmp / "customers.csv", ImportFormat.csv, mode),
        timed_import(factory, ImportKind.products, tmp / "products.json", ImportFormat.json, mode),
        timed_import(factory, ImportKind.orders, tmp / "orders.csv", ImportFormat.csv, mode),
    ]
    if xml_orders:
        imports.append(
            timed_import(factory, ImportKind.orders, tmp / "orders.xml", ImportFormat.xml, mode)
        )
    if json_orders:
        imports.append(
            timed_import(factory, ImportKind.orders, tmp / "orders.jsonl", ImportFormat.json, mode)
        )
    c360 = time_360(factory, args.customers, args.samples)
    engine.dispose()
    floor = insert_floor(tmp / "bench.db", min(args.orders, 100_000))
    return {
        "customers": args.customers,
        "orders": args.orders,
        "products": args.products,
        "imports": imports,
        "c360": c360,
        "floor": floor,
        "compare": in_process_orders(tmp) if args.compare and mode is None else None,
        "load": os.getloadavg()[0],
    }


def in_process_orders(tmp: Path) -> dict[str, Any]:
    """The same orders CSV read in process, into a second fresh database, for the ratio."""
    url = f"sqlite:///{tmp / 'in_process.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    timed_import(factory, ImportKind.customers, tmp / "customers.csv", ImportFormat.csv, False)
    timed_import(factory, ImportKind.products, tmp / "products.json", ImportFormat.json, False)
    result = timed_import(factory, ImportKind.orders, tmp / "orders.csv", ImportFormat.csv, False)
    engine.dispose()
    return {**result, "format": "csv, in process"}


def main() -> None:
    """Run the benchmark and print (and optionally write) the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--xml-orders", type=int, default=100_000, help="extra orders as XML")
    parser.add_argument("--json-orders", type=int, default=100_000, help="extra orders as JSON")
    parser.add_argument("--samples", type=int, default=1_000, help="customer-360 calls")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument(
        "--in-process", action="store_true", help="read every file in the importing process"
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also import the orders CSV in process, for the ratio",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kcrm-bench-") as tmp:
        results = run(args, Path(tmp))
    print(json.dumps(results, indent=2, default=str))
    if args.write:
        write_section(results, Path(__file__).parents[1] / "docs" / "benchmarks.md")


if __name__ == "__main__":
    main()
