"""python -m benchmarks <task>: search-bench, audit, screenshots, zensical."""
import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser("search-bench", help="search index size and keypress-to-results times")
    bench.add_argument("site", nargs="?", default="site", help="built site folder")
    bench.add_argument("--work", default="/tmp", help="folder for nginx's temporary files")
    bench.add_argument("--verbose", action="store_true", help="print every query's time")
    bench.add_argument("--half", choices=["tuning", "held-out"], help="time one half of the query set (default both)")
    audit = commands.add_parser("audit", help="Lighthouse on every page, written to reports/")
    audit.add_argument("--runs", type=int, default=3,
                       help="Lighthouse runs per page; the report keeps each page's median run")
    audit.add_argument("--pages", nargs="+", metavar="URL", help="only these pages, for example / /safety/ /faq/")
    audit.add_argument("--config-file", default="mkdocs.yml", help="build with this config (a variant to compare)")
    audit.add_argument("--name", default="audit", help="report name: reports/NAME.md and .json")
    audit.add_argument("--without-loader", action="store_true",
                       help="build with extra.start_scripts_after_paint: false (Material's scripts as Material writes them)")
    commands.add_parser("screenshots", help="every page at 360 and 1280 px, light and dark, and printed handouts")
    commands.add_parser("zensical", help="build with Zensical, finish it, and report what differs from MkDocs")
    args = parser.parse_args(argv)
    if args.command == "search-bench":
        from benchmarks.search_bench import cmd_search_bench as command
    elif args.command == "audit":
        from benchmarks.audit import cmd_audit as command
    elif args.command == "screenshots":
        from benchmarks.screenshots import cmd_screenshots as command
    else:
        from benchmarks.zensical import cmd_zensical as command
    return command(args)


sys.exit(main())
