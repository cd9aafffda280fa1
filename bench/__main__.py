"""One entry point for the benchmarks: ``python -m bench`` lists them, ``python -m bench NAME [options]`` runs one
(``--help`` after the name shows its options). Each prints its figures as a table; bench/RESULTS.md keeps the
latest ones with the machine they ran on."""

import runpy
import sys

BENCHMARKS = {
    "generate": ("bench.generate", "fill a database with a realistic history of N reports (10k to 1M)"),
    "read": ("bench.read_bench", "staff inbox, report page and public dashboards: p50/p95/p99 over real HTTP"),
    "intake": ("bench.intake_bench", "reports created per second over real HTTP, against a bare insert"),
    "peer": ("bench.peer_helpdesk", "the same intake against django-helpdesk's ticket creation"),
    "sweep": ("bench.sweep_bench", "the deadline sweep over up to 1M open reports"),
    "routing": ("bench.routing_bench", "suggestion models on the Surabaya complaints: accuracy, speed, memory"),
    "suggest": ("bench.suggest_bench", "a routing suggestion at intake, end to end"),
    "duplicates": ("bench.duplicates_bench", "duplicate candidates among up to 300k open reports"),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "list"):
        print("usage: python -m bench NAME [options]\n")
        for name, (_module, what) in BENCHMARKS.items():
            print(f"  {name:<11} {what}")
        return 0
    name = argv[0]
    if name not in BENCHMARKS:
        print(f"unknown benchmark {name!r}; choose one of: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    module = BENCHMARKS[name][0]
    sys.argv = [module, *argv[1:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
