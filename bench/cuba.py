"""The CUBA benchmark network, run through the course's gate to Brian2 (`nslib.spiking`).

The classic Brian2 example (after Vogels & Abbott 2005, as in Brette et al. 2007's
simulator review): N leaky integrate-and-fire neurons with current-based exponential
synapses, 80 % excitatory, random connectivity,

    dv/dt  = (ge + gi - (v - El)) / taum   (unless refractory)
    dge/dt = -ge / taue
    dgi/dt = -gi / taui

taum/taue/taui = 20/5/10 ms, Vt/Vr/El = -50/-60/-49 mV, 5 ms refractory, dt = 0.1 ms,
we = 60*0.27/10 mV, wi = -20*4.5/10 mV. At N = 4000 the connection probability is
p = 0.02, so each neuron receives 80 synapses (64 excitatory, 16 inhibitory). At other
sizes p = 80/N keeps those 80 inputs per neuron, so the activity per neuron stays the
same and the synaptic events grow linearly with N (at a fixed p = 0.02, 64k neurons
would need 82 million synapses).

This is a benchmark model, not course material, so it lives here and not in nslib.
One configuration runs per process, so that its peak memory can be measured:

    python bench/cuba.py --target numpy --n 4000 --duration 1.0

prints one JSON line with the phases' wall times, the spike and synaptic event
counts and the process's peak memory. ``cpp_standalone`` builds the network once as a
`nslib.spiking.CompiledNetwork` and re-runs it with ``run_args`` (a new excitatory
weight and a new seed per run), as the course's live sweeps do.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np

WARMUP_S = 0.01       # simulated seconds of the run that prepares the code objects
N_INPUTS = 80          # synapses per neuron (p = 0.02 at N = 4000)
EXC_FRACTION = 0.8
PARAMS = dict(taum_ms=20.0, taue_ms=5.0, taui_ms=10.0, Vt_mV=-50.0, Vr_mV=-60.0, El_mV=-49.0,
              refractory_ms=5.0, we_mV=60 * 0.27 / 10, wi_mV=-20 * 4.5 / 10)

EQUATIONS = """
dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
dge/dt = -ge / taue : volt
dgi/dt = -gi / taui : volt
"""


def connection_probability(n: int) -> float:
    """p such that every neuron receives N_INPUTS synapses on average (0.02 at n = 4000)."""
    return min(1.0, N_INPUTS / n)


def build(b2, n: int, name, clock):
    """Create the CUBA network with Brian2 module ``b2``; return its objects by key."""
    ms, mV = b2.ms, b2.mV
    ns = dict(taum=PARAMS["taum_ms"] * ms, taue=PARAMS["taue_ms"] * ms,
              taui=PARAMS["taui_ms"] * ms, Vt=PARAMS["Vt_mV"] * mV, Vr=PARAMS["Vr_mV"] * mV,
              El=PARAMS["El_mV"] * mV)
    n_exc = int(EXC_FRACTION * n)
    p = connection_probability(n)
    cells = b2.NeuronGroup(n, EQUATIONS, threshold="v > Vt", reset="v = Vr",
                           refractory=PARAMS["refractory_ms"] * ms, method="exact",
                           namespace=ns, clock=clock, name=name("cells"))
    cells.v = "Vr + rand() * (Vt - Vr)"
    cells.ge = 0 * mV
    cells.gi = 0 * mV
    # The weights are (shared) synaptic variables, so a compiled program can take
    # new values on its command line; the spike propagation costs the same.
    # n_exc and p are names, not literals, so the generated code (and the Cython
    # cache) is the same for every N.
    wiring = {"n_exc": n_exc, "p_connect": p}
    exc = b2.Synapses(cells, cells, "w : volt (shared)", on_pre="ge += w", clock=clock,
                      namespace=wiring, name=name("exc"))
    inh = b2.Synapses(cells, cells, "w : volt (shared)", on_pre="gi += w", clock=clock,
                      namespace=wiring, name=name("inh"))
    exc.connect(condition="i < n_exc", p="p_connect")
    inh.connect(condition="i >= n_exc", p="p_connect")
    exc.w = PARAMS["we_mV"] * mV
    inh.w = PARAMS["wi_mV"] * mV
    spikes = b2.SpikeMonitor(cells, record=False, name=name("spikes"))
    return {"cells": cells, "exc": exc, "inh": inh, "spikes": spikes}


def counts(objects, n: int) -> dict:
    """Spikes, synapses and synaptic events (one per spike per outgoing synapse)."""
    spikes = np.asarray(objects["spikes"].count[:], dtype=np.int64)
    out_degree = np.zeros(n, dtype=np.int64)
    for key in ("exc", "inh"):
        out_degree += np.bincount(np.asarray(objects[key].i[:]), minlength=n)
    return {"spikes": int(spikes.sum()), "synapses": int(out_degree.sum()),
            "events": int(spikes @ out_degree)}


def _peak_mb() -> dict:
    # ru_maxrss is in kilobytes on Linux. A child's starts at this process's size
    # (fork, then exec), so bench/run.py measures a compiled program on its own.
    return {"python_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_runtime(target: str, n: int, duration_s: float, seed: int) -> dict:
    from nslib import spiking

    start = time.perf_counter()
    with spiking.runtime("cuba", target=target, seed=seed) as rt:
        b2 = rt.brian2
        objects = build(b2, n, rt.name, rt.clock)
        net = b2.Network(*objects.values())
        setup = time.perf_counter() - start
        # The first run prepares every code object (generates it; under cython,
        # compiles it or loads it from the cache): a short one measures that cost.
        start = time.perf_counter()
        net.run(WARMUP_S * b2.second, namespace={})
        prepare = time.perf_counter() - start
        before = counts(objects, n)
        start = time.perf_counter()
        net.run(duration_s * b2.second, namespace={})
        run = time.perf_counter() - start
        after = counts(objects, n)
    return {"target": rt.target, "setup_s": setup, "prepare_s": prepare, "run_s": run,
            "loop_s": run, "spikes": after["spikes"] - before["spikes"],
            "synapses": after["synapses"], "events": after["events"] - before["events"]}


def run_standalone(n: int, duration_s: float, seed: int, reruns: int) -> dict:
    from brian2 import mV, second

    from nslib import spiking

    def build_fn(ctx):
        return build(ctx.brian2, n, ctx.name, ctx.clock)

    start = time.perf_counter()
    net = spiking.CompiledNetwork("cuba", build_fn, lambda objects: counts(objects, n),
                                  duration=duration_s * second, key=("cuba", n), seed=seed)
    build_s = time.perf_counter() - start
    if net.target != "cpp_standalone":
        raise SystemExit("no C++ compiler: cpp_standalone cannot be measured")
    start = time.perf_counter()
    first = net.run()
    first_s = time.perf_counter() - start
    first_loop = float(net._device._last_run_time)
    walls, loops, events = [], [], []
    for k in range(reruns):
        # A new excitatory weight and a new seed, passed on the command line: no rebuild.
        we = PARAMS["we_mV"] * (0.95 + 0.05 * k) * mV
        start = time.perf_counter()
        result = net.run({"exc.w": we}, seed=seed + 1 + k)
        walls.append(time.perf_counter() - start)
        loops.append(float(net._device._last_run_time))
        events.append(result["events"])
    return {"target": "cpp_standalone", "build_s": build_s, "compile_s": net.build_seconds,
            "first_run_s": first_s, "first_loop_s": first_loop, "rerun_s": walls,
            "rerun_loop_s": loops, "rerun_events": events, "n_builds": net.n_builds,
            "directory": str(net.directory), **first}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=["numpy", "cython", "cpp_standalone"], required=True)
    parser.add_argument("--n", type=int, default=4000, help="number of neurons")
    parser.add_argument("--duration", type=float, default=1.0, help="simulated seconds")
    parser.add_argument("--reruns", type=int, default=3, help="cpp_standalone re-runs")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.n < 10 or not 0 < args.duration <= 10:
        parser.error("n must be >= 10 and duration in (0, 10] s")
    start = time.perf_counter()
    import brian2  # noqa: F401  (the import is not part of any phase)
    import_s = time.perf_counter() - start
    if args.target == "cpp_standalone":
        out = run_standalone(args.n, args.duration, args.seed, args.reruns)
    else:
        out = run_runtime(args.target, args.n, args.duration, args.seed)
    out.update(n=args.n, duration_s=args.duration, import_s=import_s,
               p=connection_probability(args.n), **_peak_mb())
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
