"""Streaming stores: how a kernel writes an output too large for the caches without reading it first.

An ordinary store to a cache line that is not in the cache first reads the line from memory ("read for
ownership"), then overwrites it and later writes it back. For an output that is written whole, that read is
wasted: out = relu(x) moves 12 bytes per float32 element instead of 8. A non-temporal store writes whole lines
straight to memory and skips that read, but leaves nothing in the cache: the next kernel, which reads the
output, finds it in memory. Measured with `python -m minigrad bench stream --alternations 4 --log2-sizes 22 23 24
25` (ReLU, float32, 2 cores of an AMD EPYC with a 32 MiB L3; each variant in a process of its own, four runs of
each): streaming's speed-up, the ratio of the median ms per call (the command prints the ms and their ranges,
which overlap widely on a shared machine; the forward at 2^24: 3.72-4.44 -> 2.83-3.29 ms):

| elements | forward | backward | 3 forwards chained | 3 backwards chained |
|---|---|---|---|---|
| 2^22 (16 MiB) | 1.11x | 1.14x | 0.91x | 0.85x |
| 2^23 (32 MiB) | 1.29x | 1.12x | 1.07x | 0.95x |
| 2^24 (64 MiB) | 1.34x | 1.05x | 1.08x | 0.88x |
| 2^25 (128 MiB) | 1.45x | 1.05x | 1.60x | 1.07x |

At 16 MiB the chains lose (another run: 0.73x for the forwards): the cache held each output for the next kernel.
From 32 MiB the forward gains alone and in a chain, hence `STREAM_FROM`. For a backward, which reads two arrays for
the one it writes (streaming saves at most a quarter of its traffic), the two effects nearly cancel on this
machine: 1.01-1.20x alone, 0.88-0.99x in a chain at 32-64 MiB over three runs of ReLU and softsign (on a 2-core Intel
Xeon an earlier run measured 1.2-1.4x alone, chains not measured). Backward kernels stream on the same rule;
measure with the command above (`--only` any light activation) before tuning `STREAM_FROM` for another machine: a
larger last-level cache moves the crossing up.

A kernel that streams computes a block of results into a small buffer, which stays in the L1 cache, and `stream`
copies it out: whole, line-aligned lines with non-temporal vector stores, the partial lines at the ends with
ordinary ones. The copy costs ~0.1 ns per element, so only kernels whose body is light stream (no transcendental
function, at most `numba_backend.STREAM_COST` operations: the ReLU and hard-clip family, polynomials, short
rationals); a heavier kernel is limited by its arithmetic, not by memory, and keeps plain stores
(`numba_backend.py`). A kernel that streams has a plain loop too, for outputs below `STREAM_FROM`.

Non-temporal stores are weakly ordered: `fence` after the last one makes them visible to the other threads
before the kernel returns.
"""
from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils, errors
from numba.extending import intrinsic

LINE = 64  # bytes in a cache line; the non-temporal stores are aligned to it
STREAM_FROM = 1 << 25  # bytes of output from which a light kernel streams (32 MiB: see the table above)


@intrinsic
def stream(typingctx, dst, start, src, n):
    """dst[start:start + n] = src[:n], the whole cache lines of the destination by non-temporal stores.
    dst and src: 1-D contiguous arrays of one float dtype."""
    if not (isinstance(dst, types.Array) and isinstance(src, types.Array) and dst.dtype == src.dtype
            and dst.ndim == src.ndim == 1):
        raise errors.TypingError(f"stream(1-D array, int, 1-D array of the same dtype, int) expected, got "
                                 f"({dst}, {start}, {src}, {n})")

    def codegen(context, builder, sig, args):
        target, origin = (context.make_array(t)(context, builder, a) for t, a in ((dst, args[0]), (src, args[2])))
        start, n = args[1], args[3]
        intp = n.type
        size = context.get_abi_sizeof(context.get_data_type(dst.dtype))
        width = LINE // size
        to, frm = builder.gep(target.data, [start]), origin.data

        def plain(lo, count):
            cgutils.raw_memcpy(builder, builder.gep(to, [lo]), builder.gep(frm, [lo]), count, size)

        skew = builder.and_(builder.neg(builder.ptrtoint(to, intp)), ir.Constant(intp, LINE - 1))
        head = builder.udiv(skew, ir.Constant(intp, size))
        head = builder.select(builder.icmp_signed("<", n, head), n, head)
        lines = builder.sdiv(builder.sub(n, head), ir.Constant(intp, width))
        vector = ir.VectorType(frm.type.pointee, width).as_pointer()
        with cgutils.for_range(builder, lines) as loop:
            i = builder.add(head, builder.mul(loop.index, ir.Constant(intp, width)))
            line = builder.load(builder.bitcast(builder.gep(frm, [i]), vector), align=size)
            store = builder.store(line, builder.bitcast(builder.gep(to, [i]), vector), align=LINE)
            store.set_metadata("nontemporal", builder.module.add_metadata([ir.Constant(ir.IntType(32), 1)]))
        done = builder.add(head, builder.mul(lines, ir.Constant(intp, width)))
        plain(ir.Constant(intp, 0), head)
        plain(done, builder.sub(n, done))
        return context.get_dummy_value()

    return types.void(dst, start, src, n), codegen


@intrinsic
def fence(typingctx):
    """Orders the non-temporal stores before it before every store after it: x86's sfence (LLVM lowers its
    generic fence to a locked instruction, which Intel documents for ordinary stores), elsewhere a full fence."""
    def codegen(context, builder, sig, args):
        if builder.module.triple.startswith(("x86_64", "i386", "i686")):
            sfence = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), []),
                                                    "llvm.x86.sse.sfence")
            builder.call(sfence, [])
        else:
            builder.fence("seq_cst")
        return context.get_dummy_value()

    return types.void(), codegen
