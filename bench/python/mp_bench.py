"""Python's side of `proclab bench`: the same workloads with CPython's multiprocessing.

Usage: python3 mp_bench.py <workload> '<json params>'
Prints one line `BENCH {json}`, timed around the measured part only (children are started and
waiting before the clock starts), exactly as the ProcLab scripts in bench/lab/ do.
"""
import json
import multiprocessing as mp
import sys
import time


def bench_report(result):
    print("BENCH " + json.dumps(result), flush=True)


def summarize(times):
    ordered = sorted(times)
    return {"runs": len(times), "meanMs": sum(times) / len(times), "medianMs": ordered[len(ordered) // 2], "minMs": ordered[0]}


# --- Queue, P producers -> C consumers (1 -> 1 by default) ----------------------------------

def queue_producer(q, ready, go, n, size):
    ready.put("producer")
    go.wait()
    if size > 0:
        payload = bytes([1]) * size
        for _ in range(n):
            q.put(payload)
    else:
        for i in range(n):
            q.put({"i": i, "text": "x"})


def queue_consumer(q, ready, go, done, n):
    ready.put("consumer")
    go.wait()
    count = 0
    for _ in range(n):
        q.get()
        count += 1
    done.put(count)


def queue(ctx, p):
    n, size = p.get("n", 200_000), p.get("size", 0)
    producers, consumers = p.get("producers", 1), p.get("consumers", 1)
    q, ready, done, go = ctx.Queue(), ctx.Queue(), ctx.Queue(), ctx.Event()
    children = [ctx.Process(target=queue_producer, args=(q, ready, go, n // producers, size)) for _ in range(producers)]
    children += [ctx.Process(target=queue_consumer, args=(q, ready, go, done, n // consumers)) for _ in range(consumers)]
    for child in children:
        child.start()
    for _ in children:
        ready.get()
    t0 = time.perf_counter()
    go.set()
    count = sum(done.get() for _ in range(consumers))
    seconds = time.perf_counter() - t0
    for child in children:
        child.join()
    bench_report({"workload": "queue", "n": count, "size": size, "producers": producers, "consumers": consumers, "seconds": seconds, "perSecond": count / seconds, "mbPerSecond": count * size / seconds / 1e6})


# --- Pipe one-way ----------------------------------------------------------------------------

def pipe_sender(conn, ready, go, n, size):
    ready.put("sender")
    go.wait()
    if size > 0:
        payload = bytes([7]) * size
        for _ in range(n):
            conn.send_bytes(payload)
    else:
        for i in range(n):
            conn.send({"i": i, "text": "x"})


def pipe_receiver(conn, ready, go, done, n, size):
    ready.put("receiver")
    go.wait()
    count = 0
    if size > 0:
        for _ in range(n):
            if len(conn.recv_bytes()) == size:
                count += 1
    else:
        for _ in range(n):
            conn.recv()
            count += 1
    done.put(count)


def pipe(ctx, p):
    n, size = p.get("n", 200_000), p.get("size", 0)
    read_end, write_end = ctx.Pipe(duplex=False)
    ready, done, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    children = [ctx.Process(target=pipe_sender, args=(write_end, ready, go, n, size)), ctx.Process(target=pipe_receiver, args=(read_end, ready, go, done, n, size))]
    for child in children:
        child.start()
    ready.get()
    ready.get()
    t0 = time.perf_counter()
    go.set()
    count = done.get()
    seconds = time.perf_counter() - t0
    for child in children:
        child.join()
    bench_report({"workload": "pipe", "n": count, "size": size, "seconds": seconds, "perSecond": count / seconds, "mbPerSecond": count * size / seconds / 1e6})


# --- Lock contended by W processes -----------------------------------------------------------

def lock_worker(lock, ready, go, done, iterations):
    ready.put(1)
    go.wait()
    for _ in range(iterations):
        lock.acquire()
        lock.release()
    done.put(iterations)


def lock(ctx, p, managed=False):
    workers, iterations = p.get("workers", 4), p.get("iterations", 5_000)
    manager = ctx.Manager() if managed else None
    the_lock = manager.Lock() if manager else ctx.Lock()
    ready, done, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    children = [ctx.Process(target=lock_worker, args=(the_lock, ready, go, done, iterations)) for _ in range(workers)]
    for child in children:
        child.start()
    for _ in range(workers):
        ready.get()
    t0 = time.perf_counter()
    go.set()
    ops = sum(done.get() for _ in range(workers))
    seconds = time.perf_counter() - t0
    for child in children:
        child.join()
    if manager:
        manager.shutdown()
    bench_report({"workload": "manager-lock" if managed else "lock", "workers": workers, "ops": ops, "seconds": seconds, "perSecond": ops / seconds})


def lock_uncontended(ctx, p):
    # One process alone: what an acquire + release costs when nobody else wants the lock.
    iterations = p.get("iterations", 1_000_000)
    the_lock = ctx.Lock()
    t0 = time.perf_counter()
    for _ in range(iterations):
        the_lock.acquire()
        the_lock.release()
    seconds = time.perf_counter() - t0
    bench_report({"workload": "lock-uncontended", "workers": 1, "ops": iterations, "seconds": seconds, "perSecond": iterations / seconds})


# --- A Value incremented under its lock by W processes ------------------------------------------

def value_lock_worker(counter, ready, go, done, iterations):
    ready.put(1)
    go.wait()
    for _ in range(iterations):
        with counter.get_lock():
            counter.value += 1
    done.put(iterations)


def value_lock(ctx, p):
    workers, iterations = p.get("workers", 4), p.get("iterations", 50_000)
    counter = ctx.Value("i", 0)
    ready, done, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    children = [ctx.Process(target=value_lock_worker, args=(counter, ready, go, done, iterations)) for _ in range(workers)]
    for child in children:
        child.start()
    for _ in range(workers):
        ready.get()
    t0 = time.perf_counter()
    go.set()
    ops = sum(done.get() for _ in range(workers))
    seconds = time.perf_counter() - t0
    for child in children:
        child.join()
    if counter.value != ops:
        raise RuntimeError(f"the counter reads {counter.value} after {ops} locked increments")
    bench_report({"workload": "value-lock", "workers": workers, "ops": ops, "seconds": seconds, "perSecond": ops / seconds})


# --- Process start + join ----------------------------------------------------------------------

def noop():
    pass


def start(ctx, p):
    times = []
    for _ in range(p.get("runs", 20)):
        t0 = time.perf_counter()
        child = ctx.Process(target=noop)
        child.start()
        child.join()
        times.append((time.perf_counter() - t0) * 1000)
        if child.exitcode != 0:
            raise RuntimeError(f"no-op child exited with {child.exitcode}")
    bench_report({"workload": "start", "method": ctx.get_start_method(), **summarize(times)})


def start_many(ctx, p):
    n = p.get("n", 100)
    t0 = time.perf_counter()
    children = [ctx.Process(target=noop) for _ in range(n)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    seconds = time.perf_counter() - t0
    failed = sum(1 for child in children if child.exitcode != 0)
    if failed:
        raise RuntimeError(f"{failed} of {n} children did not exit with 0")
    bench_report({"workload": "start-many", "method": ctx.get_start_method(), "n": n, "seconds": seconds})


# --- Pool.map, `workers` processes, n small tasks ----------------------------------------------

def pool_task(x):
    return (x * x) % 7919


_all_up = None


def pool_init(barrier):
    global _all_up
    _all_up = barrier


def pool_warm_up(_):
    # Each worker takes one and waits for all the others: then every worker is up.
    _all_up.wait()


def pool_map(ctx, p):
    n, workers, chunk_size = p.get("n", 200_000), p.get("workers", 4), p.get("chunkSize")
    barrier = ctx.Barrier(workers)
    with ctx.Pool(workers, initializer=pool_init, initargs=(barrier,)) as pool:
        pool.map(pool_warm_up, range(workers), chunksize=1)
        items = list(range(n))
        t0 = time.perf_counter()
        results = pool.map(pool_task, items, chunksize=chunk_size)
        seconds = time.perf_counter() - t0
    if len(results) != n or results[-1] != pool_task(n - 1):
        raise RuntimeError("pool-map: wrong results")
    bench_report({"workload": "pool-map", "method": ctx.get_start_method(), "n": n, "workers": workers, "chunkSize": chunk_size, "seconds": seconds, "perSecond": n / seconds})


WORKLOADS = {
    "queue": queue,
    "pipe": pipe,
    "lock": lock,
    "manager-lock": lambda ctx, p: lock(ctx, p, managed=True),
    "lock-uncontended": lock_uncontended,
    "value-lock": value_lock,
    "start": start,
    "start-many": start_many,
    "pool-map": pool_map,
}

if __name__ == "__main__":
    name = sys.argv[1]
    params = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    # spawn unless asked: the default on macOS and Windows, and the costlier start on Linux.
    WORKLOADS[name](mp.get_context(params.get("method", "spawn")), params)
