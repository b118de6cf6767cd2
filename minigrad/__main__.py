"""The course's command line: `python -m minigrad <command>`.

    python -m minigrad lessons           run every lesson notebook headless (--quick, --only 01)
    python -m minigrad progress          every exercise: done / failing (first failed check) / not started
    python -m minigrad zoo               draw every activation and its derivative, family by family
    python -m minigrad bench engine      time an MLP training step: minigrad vs NumPy by hand vs PyTorch
    python -m minigrad bench activations forward, backward (and parameter-gradient) throughput of every
                                         activation, per backend (--device cuda: on a GPU)
    python -m minigrad bench stream      when light kernels should write with streaming stores: plain vs streaming
    python -m minigrad bench siren       SIREN image fitting: training steps per second, NumPy vs Numba backend
    python -m minigrad bench kan         a B-spline KAN training step vs an MLP of the same parameter count
    python -m minigrad kernels --cuda gelu  the generated kernels of an activation (CUDA C; --numba: Numba)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable


def _layer_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(n) for n in text.split("-"))
    except ValueError:
        sizes = ()
    if len(sizes) < 2 or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected positive layer sizes joined by '-', like 784-256-10; got {text!r}")
    return sizes


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def _integer_in(low: int, high: int, unit: str) -> Callable[[str], int]:
    """An argparse type: an integer from low to high (`unit` says what it counts), else a usage error."""
    def parse(text: str) -> int:
        n = int(text) if text.isdigit() else -1
        if not low <= n <= high:
            raise argparse.ArgumentTypeError(f"expected an integer from {low} to {high} ({unit}), got {text!r}")
        return n

    return parse


_log2_size = _integer_in(4, 30, "2^N elements")  # below 2^4 a call is all overhead; 2^30 is 4 GiB an array
_image_side = _integer_in(8, 1024, "pixels per side")  # SIREN: a million coordinates through every layer at 1024


def _fail(error: object) -> int:
    """Say in one line what went wrong; 2 is the exit status (argparse's, for a usage error)."""
    print(f"error: {error}", file=sys.stderr)
    return 2


def _unknown_activation(names: list[str]) -> str | None:
    """What is wrong with the first name that is not a declared activation (with suggestions), checked before
    any timing; None when every name is known."""
    from minigrad import activations

    for name in names:
        try:
            activations.get(name)
        except ValueError as error:
            return str(error)
    return None


def _bench_engine(args: argparse.Namespace) -> None:
    from minigrad.bench import engine

    timings = engine.run(args.sizes, args.batch, args.repeats)
    print(engine.report(timings, args.sizes, args.batch))


def _bench_activations(args: argparse.Namespace) -> int | None:
    from minigrad.bench import activations as bench

    unknown = _unknown_activation(args.only or [])
    if unknown:
        return _fail(unknown)
    try:
        rows, bandwidth, n = bench.run(args.only, args.log2_size, args.repeats, progress=not args.quiet,
                                       device=args.device)
    except RuntimeError as error:  # --device cuda without CuPy or without a GPU
        return _fail(error)
    print(bench.markdown(rows, bandwidth, n))
    for path in bench.write(rows, bandwidth, n, args.out):
        print(f"wrote {path}")


def _bench_stream(args: argparse.Namespace) -> int | None:
    from minigrad.bench import stream

    names = args.only or ["relu"]
    unknown = _unknown_activation(names)
    if unknown:
        return _fail(unknown)
    try:
        results = stream.run(names, args.log2_sizes, args.alternations, progress=not args.quiet)
    except ValueError as error:  # an activation whose kernels never stream
        return _fail(error)
    print(stream.markdown(results))


def _kernels(args: argparse.Namespace) -> int:
    from minigrad.kernels_cli import kernels_command

    try:
        written = kernels_command(args.names, cuda=args.cuda, numba=args.numba, out=args.out, dtype=args.dtype)
    except ValueError as error:
        return _fail(error)
    for path in written:
        print(f"wrote {path}")
    return 0


def _lessons(args: argparse.Namespace) -> int:
    from minigrad import lessons

    try:
        chosen = lessons.lessons(args.only)
    except (FileNotFoundError, ValueError) as error:
        return _fail(error)
    out = Path(args.out)
    for path in chosen:
        try:
            result = lessons.run(path, out, quick=args.quick, progress=not args.quiet, html=not args.no_html)
        except lessons.LessonError as error:
            print(f"\n{error}", file=sys.stderr)
            return 1
        written = ", ".join(str(p) for p in (result.notebook, result.html) if p)
        print(f"{path.stem}: ran in {result.seconds:.0f} s -> {written}")
    return 0


def _progress(args: argparse.Namespace) -> None:
    from minigrad.course.progress import progress_command

    progress_command(args.impl)


def _bench_siren(args: argparse.Namespace) -> None:
    from minigrad.bench import siren

    print(siren.report(siren.run(tuple(args.sizes), args.repeats)))


def _bench_kan(args: argparse.Namespace) -> None:
    from minigrad.bench import kan

    print(kan.report(kan.run(grid=args.grid, k=args.k, repeats=args.repeats)))


def _zoo(args: argparse.Namespace) -> int | None:
    from minigrad import zoo
    from minigrad.activations import table

    if args.table:
        Path(args.table).parent.mkdir(parents=True, exist_ok=True)
        Path(args.table).write_text(table.markdown())
        print(f"wrote {args.table}")
    try:
        drawn = zoo.draw(args.out, args.family or None, progress=not args.quiet)
    except ValueError as error:  # an unknown family
        return _fail(error)
    for path in drawn:
        print(f"wrote {path}")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minigrad", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    lessons = commands.add_parser("lessons", help="execute the lesson notebooks headless, keep executed copies")
    lessons.add_argument("--only", action="append", metavar="LESSON",
                         help="run only this lesson, by number (01) or name (repeatable)")
    lessons.add_argument("--quick", action="store_true", help="the quick version of every lesson (as the tests run)")
    lessons.add_argument("--out", default="build/lessons", help="folder for the executed notebooks and HTML pages")
    lessons.add_argument("--no-html", action="store_true", help="write the executed notebooks only")
    lessons.add_argument("--quiet", action="store_true", help="no progress bars")
    lessons.set_defaults(run=_lessons)

    progress = commands.add_parser("progress", help="the exercises: done, failing (and why) or not started")
    progress.add_argument("--impl", default="exercises",
                          help="the tree to check: exercises (default), solutions or a folder")
    progress.set_defaults(run=_progress)

    zoo = commands.add_parser("zoo", help="draw every activation and its derivative, grouped by family")
    zoo.add_argument("--out", default="build/zoo", help="folder for the images (default %(default)s)")
    zoo.add_argument("--family", action="append", help="draw only this family (repeatable)")
    zoo.add_argument("--table", metavar="FILE", help="also write the catalog table (Markdown) to FILE")
    zoo.add_argument("--quiet", action="store_true", help="no progress bar")
    zoo.set_defaults(run=_zoo)

    bench = commands.add_parser("bench", help="benchmarks (medians over repeated, interleaved runs)")
    targets = bench.add_subparsers(dest="target", required=True)
    engine = targets.add_parser("engine", help="one MLP training step: minigrad vs NumPy by hand vs PyTorch CPU")
    engine.add_argument("--sizes", type=_layer_sizes, default="784-256-256-10", help="layer sizes joined by '-' (default %(default)s)")
    engine.add_argument("--batch", type=_positive, default=256, help="batch size (default %(default)s)")
    engine.add_argument("--repeats", type=_positive, default=300, help="timed steps per implementation (default %(default)s)")
    engine.set_defaults(run=_bench_engine)
    acts = targets.add_parser("activations", help="throughput of every pointwise activation: NumPy, Numba, PyTorch")
    acts.add_argument("--only", action="append", metavar="NAME", help="just this activation (repeatable)")
    acts.add_argument("--log2-size", type=_log2_size, default=22, help="2^N float32 elements (default %(default)s)")
    acts.add_argument("--repeats", type=_positive, default=20, help="timed calls per backend (default %(default)s)")
    acts.add_argument("--out", default="build/bench", help="folder for table.md, table.csv, throughput.png")
    acts.add_argument("--quiet", action="store_true", help="no progress bar")
    acts.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                      help="cpu: NumPy, Numba, PyTorch; cuda: CuPy arrays vs the CUDA kernels, needs a GPU "
                           "(use --log2-size 26 there)")
    acts.set_defaults(run=_bench_activations)
    streaming = targets.add_parser("stream", help="plain vs streaming stores of light kernels, one process each")
    streaming.add_argument("--only", action="append", metavar="NAME", default=None,
                           help="activation (repeatable; default relu)")
    streaming.add_argument("--log2-sizes", type=_log2_size, nargs="+", default=[22, 23, 24],
                           help="2^N float32 elements (default %(default)s)")
    streaming.add_argument("--alternations", type=_positive, default=2,
                           help="times the whole sequence of processes runs (default %(default)s)")
    streaming.add_argument("--quiet", action="store_true", help="no progress bar")
    streaming.set_defaults(run=_bench_stream)
    sir = targets.add_parser("siren", help="SIREN image fitting: training steps per second, NumPy vs Numba backend")
    sir.add_argument("--sizes", type=_image_side, nargs="+", default=[64, 256],
                     help="image sizes, pixels per side (default %(default)s)")
    sir.add_argument("--repeats", type=_positive, default=10,
                     help="timed steps per backend and size (default %(default)s)")
    sir.set_defaults(run=_bench_siren)
    kan = targets.add_parser("kan", help="a B-spline KAN training step vs an MLP of the same parameter count")
    kan.add_argument("--grid", type=_positive, default=5, help="grid intervals G (default %(default)s)")
    kan.add_argument("--k", type=_positive, default=3, help="spline degree (default %(default)s)")
    kan.add_argument("--repeats", type=_positive, default=200, help="timed steps per model (default %(default)s)")
    kan.set_defaults(run=_bench_kan)

    kernels = commands.add_parser("kernels", help="print the kernels generated for activations (CUDA C, Numba)")
    kernels.add_argument("names", nargs="+", metavar="NAME", help="pointwise activations, e.g. gelu prelu")
    kernels.add_argument("--cuda", action="store_true", help="CUDA C: forward and fused backward kernels")
    kernels.add_argument("--numba", action="store_true", help="the Numba source of the CPU kernels")
    kernels.add_argument("--dtype", choices=("float32", "float64"), default="float32", help="(default %(default)s)")
    kernels.add_argument("--out", metavar="DIR", help="write NAME_DTYPE.cu / .py into DIR instead of printing")
    kernels.set_defaults(run=_kernels)

    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except MemoryError as error:  # sizes the machine cannot hold (NumPy says how much it asked for)
        return _fail(f"out of memory: {error}")


if __name__ == "__main__":
    sys.exit(main())
