"""Demo data set and benchmark data generator (numpy + pyarrow only; no Django, no Ibis)."""

from upswing.demo.bench import BenchFiles, BenchTables, bench_tables, generate_bench_interactions
from upswing.demo.build import DemoFiles, DemoTables, build_demo_files, build_demo_tables

__all__ = [
    "BenchFiles",
    "BenchTables",
    "DemoFiles",
    "DemoTables",
    "bench_tables",
    "build_demo_files",
    "build_demo_tables",
    "generate_bench_interactions",
]
