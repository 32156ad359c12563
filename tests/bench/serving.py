"""What the HTTP benchmarks share: a fresh PostgreSQL database, a gunicorn server of the project (production
settings, DEBUG off, no rate limit) on a free local port, wrk runs that report their figures as JSON, the
server's memory, and a description of the machine.

Used by ``test_national_scale.py`` (place search) and ``test_pass_bench.py`` (Pass numérique redemption). Every
load goes to 127.0.0.1 only and stops by itself (wrk's duration, a bounded number of requests).
"""

import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# wrk's Lua ``done`` hook that prints the figures every benchmark reads (latencies in ms).
WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"p50": %.3f, "p95": %.3f, "p99": %.3f, "max": %.3f, "requests": %d, "duration_us": %d, ' ..
    '"errors": %d, "non2xx": %d}\\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def env(database_url, **extra) -> dict:
    """The environment of a benchmark step or server: this checkout, the database, quiet logs."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_postgres(url) -> bool:
    """Drop and create the database of ``url``; False when PostgreSQL cannot be reached."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection:
            name = parts.path.lstrip("/")
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        return True
    except psycopg.Error:
        return False


def postgres_setting(url, name) -> str:
    """A setting of the PostgreSQL server of ``url`` (``synchronous_commit``…), to state it in the report."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=3) as connection:
        return connection.execute(f"SHOW {name}").fetchone()[0]


def machine() -> str:
    cores = os.cpu_count()
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1024 / 1024
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    return f"{cores} cœurs ({cpu.group(1).strip() if cpu else platform.processor()}), {memory:.0f} Gio de mémoire"


def cpu_reference() -> float:
    """Seconds of CPU time for a fixed pure-Python loop (10 million additions, the best of three): the speed of
    the machine when a figure was measured. The same code was seen to take three times as much CPU time on the
    same 2-core machine from one hour to the next, so a throughput means little without it."""
    best = float("inf")
    for _attempt in range(3):
        start = time.process_time()
        total = 0
        for number in range(10_000_000):
            total += number
        best = min(best, time.process_time() - start)
    return round(best, 2)


def load_average() -> str:
    """The load averages over 1, 5 and 15 minutes, as ``uptime`` shows them."""
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def _process_tree(pid):
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid]
    if children.exists():
        for child in children.read_text().split():
            pids.extend(_process_tree(int(child)))
    return pids


def _memory_kib(pids):
    rss = pss = 0
    for pid in pids:
        try:
            rss += int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))
            pss += int(re.search(r"Pss:\s+(\d+)", Path(f"/proc/{pid}/smaps_rollup").read_text()).group(1))
        except (OSError, AttributeError):
            continue
    return rss, pss


_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _cpu_ticks(pids) -> int:
    """CPU time of these processes (all their threads) and of their children that have ended, in clock ticks.

    Pass every live process of a tree (a server and its workers, PostgreSQL's postmaster and backends): the time
    of a process that ends is then still counted, in its parent's, and nothing twice."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total


def _postgres_pids():
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _machine_busy_ticks() -> int:
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values) - values[3] - values[4]  # all but idle and iowait


class CpuMeter:
    """Where the CPU time of a load went: the server's processes, PostgreSQL's, and the rest of the machine (the
    load generator, the kernel). ``start()`` then ``stop(requests)`` gives milliseconds of CPU per request, and the
    throughput these costs allow when every core of the machine works for this load alone."""

    def __init__(self, server):
        self.server = server
        self._start = None

    def _snapshot(self):
        return (
            _cpu_ticks(_process_tree(self.server.process.pid)),
            _cpu_ticks(_postgres_pids()),
            _machine_busy_ticks(),
        )

    def start(self):
        self._start = self._snapshot()

    def stop(self, requests: int) -> dict:
        spent = [after - before for after, before in zip(self._snapshot(), self._start, strict=True)]
        server, database, machine = spent
        per_request = {
            name: round(ticks * 1000 / _TICKS_PER_SECOND / max(requests, 1), 2)
            for name, ticks in (("server", server), ("database", database), ("rest", machine - server - database))
        }
        total = sum(per_request.values())
        per_request["total"] = round(total, 2)
        per_request["capacity_rps"] = round((os.cpu_count() or 1) * 1000 / total, 1) if total else None
        return per_request


class Server:
    """gunicorn serving ``config.wsgi`` on 127.0.0.1 with production settings; ``stop()`` ends it.

    ``threads`` > 1 makes gthread workers: a request waiting for the database (a durable commit) lets another
    one run in the same process."""

    def __init__(self, database_url, log_path: Path, *, workers=2, threads=1, ready_path="/api/v1/schema/", **extra):
        self.port = free_port()
        self.workers, self.threads = workers, threads
        server_env = env(
            database_url,
            DJANGO_SETTINGS_MODULE="config.settings.prod",
            REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),  # production requires it
            SECRET_KEY="bench-only-not-secret",
            SECURE_SSL_REDIRECT="false",
            DEBUG="false",
            API_ANON_RATE="off",  # a huge rate would make DRF keep and pickle a huge history per request
            API_USER_RATE="off",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            **extra,
        )
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        command = [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        if threads > 1:
            command += ["--threads", str(threads)]
        self.log = open(log_path, "a")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command + ["--log-level", "warning"],
            env=server_env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        self._peak = [0, 0]
        self._sampling = False
        self._sampler = None
        for _attempt in range(150):
            try:
                with urllib.request.urlopen(f"{self.url}{ready_path}", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def description(self) -> str:
        if self.threads > 1:
            return f"{self.workers} workers gthread de {self.threads} fils"
        return f"{self.workers} workers synchrones"

    def sample_memory(self):
        """Note the peak memory of the server's processes every half second until ``stop_sampling()``."""
        self._sampling = True

        def sample():
            while self._sampling:
                rss, pss = _memory_kib(_process_tree(self.process.pid))
                self._peak[0], self._peak[1] = max(self._peak[0], rss), max(self._peak[1], pss)
                time.sleep(0.5)

        self._sampler = threading.Thread(target=sample)
        self._sampler.start()

    def stop_sampling(self) -> tuple[float, float]:
        """The peak RSS and PSS of the server (MiB) since ``sample_memory()``."""
        self._sampling = False
        if self._sampler is not None:
            self._sampler.join()
        return round(self._peak[0] / 1024, 1), round(self._peak[1] / 1024, 1)

    def stop(self):
        self._sampling = False
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


def wrk(url, script: Path, *, connections, seconds, extra_env=None, threads=2, timeout_s=5) -> dict:
    """Run wrk with a Lua script ending with ``WRK_DONE``; its figures, with ``rps`` added."""
    completed = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{timeout_s}s", "-s", str(script)]
        + [url],
        env={**os.environ, **(extra_env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH_JSON "))
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    figures["rps"] = round(figures["requests"] / (figures["duration_us"] / 1e6), 1)
    return figures


def replace_block(doc: Path, begin: str, end: str, block: str, heading: str) -> None:
    """Put ``block`` (markers included) between the markers of ``doc``, or append it under ``heading``."""
    text = doc.read_text() if doc.exists() else ""
    if begin in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{block}\n"
    doc.write_text(text)
