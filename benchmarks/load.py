"""Load benchmark: concurrent viewers over Streamlit's WebSocket, loopback only, bounded in count and time.

Run from the project root (it starts the app itself, on 127.0.0.1, serving an archive)::

    .venv/bin/python -m benchmarks.load --archive ~/.cache/lead-dashboard/demo-archive --viewers 50 --seconds 120
    .venv/bin/python -m benchmarks.load --archive DIR --viewers 50 --seconds 120 --soak 600 --baseline-tree /tmp/before

A viewer is a WebSocket client that asks for a page (as a browser does when it opens it) and waits
for the script run to finish; a view counts only when the run finished and, on a page with charts
or the map, their data arrived. Each viewer goes through the six pages in turn until the time is up.
Reported: views, errors, median and 95th percentile seconds per view, the server's CPU seconds per
view, and its memory (RSS) before, at peak and after an optional soak. With ``--baseline-tree`` the
same run is made against another checkout's app (for example the code before a change), and every
figure is also given as a ratio to it. Targets only 127.0.0.1. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PAGES = {
    "monthly": True,
    "neighborhoods": True,
    "resources": True,
    "retail-theft": True,
    "briefing": False,
    "about": False,
}  # page url path -> expects chart or map data
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Tally:
    """What the viewers saw."""

    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Endpoint:
    """Where the viewers connect: the app's port directly, or the proxy's HTTPS port (with its CA)."""

    port: int
    secure: bool = False
    ssl_context: object = None

    @property
    def stream(self) -> str:
        host = "localhost" if self.secure else "127.0.0.1"  # the proxy's certificate names localhost
        return f"{'wss' if self.secure else 'ws'}://{host}:{self.port}/_stcore/stream"


async def one_view(target: int | Endpoint, page: str, expects_charts: bool, timeout: float = 120.0) -> float:
    """Open one page over a fresh WebSocket and wait for its script run; return the seconds it took."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.typing import Subprotocol

    endpoint = target if isinstance(target, Endpoint) else Endpoint(target)
    started = time.perf_counter()
    async with websockets.connect(
        endpoint.stream,
        subprotocols=[Subprotocol("streamlit")],
        max_size=None,
        open_timeout=timeout,
        ssl=endpoint.ssl_context if endpoint.secure else None,
    ) as socket_:
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_name = "" if page == "monthly" else page
        await socket_.send(message.SerializeToString())
        charts = 0
        deadline = started + timeout
        while True:
            raw = await asyncio.wait_for(socket_.recv(), timeout=max(0.1, deadline - time.perf_counter()))
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element.WhichOneof("type")
                charts += element in ("plotly_chart", "deck_gl_json_chart")
            elif kind == "script_finished":
                if forward.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise RuntimeError(f"{page}: script finished with status {forward.script_finished}")
                break
            elif kind == "session_event" and forward.session_event.WhichOneof("type") == "script_compilation_exception":
                raise RuntimeError(f"{page}: script error")
    if expects_charts and not charts:
        raise RuntimeError(f"{page}: no chart data arrived")
    return time.perf_counter() - started


async def viewer(port: int | Endpoint, until: float, tally: Tally, offset: int) -> None:
    """View the pages in turn, starting at ``offset``, until the time is up."""
    names = list(PAGES)
    i = offset
    while time.monotonic() < until:
        page = names[i % len(names)]
        i += 1
        try:
            tally.seconds.append(await one_view(port, page, PAGES[page]))
        except Exception as error:  # noqa: BLE001 - every failure is a counted error
            tally.errors.append(f"{page}: {type(error).__name__}: {error}"[:200])


def process_figures(pid: int) -> tuple[float, int]:
    """Return (CPU seconds, RSS bytes) of the server process, from /proc (its threads included)."""
    ticks = os.sysconf("SC_CLK_TCK")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) * 1024
    return cpu, rss


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(
    tree: Path, archive: Path | None, python: str = sys.executable, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, int]:
    """Start the app of checkout ``tree`` on 127.0.0.1 serving ``archive`` (or as ``env`` says).

    Return (process, port)."""
    port = _free_port()
    served = {"LEAD_ARCHIVE": str(archive)} if archive is not None else {}
    process = subprocess.Popen(
        [
            python,
            "-m",
            "streamlit",
            "run",
            str(tree / "dashboard" / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=tree,
        env={**os.environ, **served, **(env or {}), "PYTHONPATH": str(tree)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process, port
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the app did not start within 90 s")


def run_load(port: int | Endpoint, pid: int, viewers: int, seconds: float, soak: float = 0.0) -> dict:
    """Run ``viewers`` concurrent viewers for ``seconds`` (then idle ``soak`` seconds); return the figures."""
    tally = Tally()
    cpu_before, rss_before = process_figures(pid)
    peak = rss_before

    async def main() -> None:
        nonlocal peak
        until = time.monotonic() + seconds
        tasks = [asyncio.create_task(viewer(port, until, tally, i)) for i in range(viewers)]
        while not all(t.done() for t in tasks):
            await asyncio.sleep(1.0)
            peak = max(peak, process_figures(pid)[1])
        await asyncio.gather(*tasks)

    asyncio.run(main())
    cpu_after, rss_after_load = process_figures(pid)
    rss_after = rss_after_load
    if soak:
        end = time.monotonic() + soak
        while time.monotonic() < end:  # the soak: idle, then one viewer now and then
            try:
                asyncio.run(one_view(port, "monthly", True))
            except Exception as error:  # noqa: BLE001
                tally.errors.append(f"soak: {error}"[:200])
            time.sleep(10)
            peak = max(peak, process_figures(pid)[1])
        rss_after = process_figures(pid)[1]
    views = len(tally.seconds)
    ordered = sorted(tally.seconds)
    return {
        "viewers": viewers,
        "seconds": seconds,
        "views": views,
        "errors": len(tally.errors),
        "error_samples": tally.errors[:5],
        "median_view_s": statistics.median(ordered) if ordered else float("nan"),
        "p95_view_s": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("nan"),
        "cpu_per_view_s": (cpu_after - cpu_before) / views if views else float("nan"),
        "rss_before_mb": rss_before / 2**20,
        "rss_peak_mb": peak / 2**20,
        "rss_after_load_mb": rss_after_load / 2**20,
        "rss_after_soak_mb": rss_after / 2**20,
    }


def start_proxy(app_port: int, archive: Path, work: Path) -> tuple[subprocess.Popen, Endpoint]:
    """Start Caddy (deploy/caddy/Caddyfile) in front of the app on a free HTTPS port; return it and its endpoint."""
    import shutil
    import ssl

    caddy = shutil.which("caddy")
    if caddy is None:
        raise RuntimeError("caddy is not installed (apt-get install caddy)")
    https_port, http_port = _free_port(), _free_port()
    home = work / "caddy-home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "LEAD_SITE": f"localhost:{https_port}",
        "LEAD_HTTPS_PORT": str(https_port),
        "LEAD_HTTP_PORT": str(http_port),
        "LEAD_APP": f"127.0.0.1:{app_port}",
        "LEAD_ARCHIVE": str(archive),
    }
    process = subprocess.Popen(
        [caddy, "run", "--config", str(ROOT / "deploy" / "caddy" / "Caddyfile"), "--adapter", "caddyfile"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    root = home / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if root.exists():
            context = ssl.create_default_context(cafile=str(root))
            try:
                with urllib.request.urlopen(
                    f"https://localhost:{https_port}/_stcore/health", timeout=2, context=context
                ):
                    return process, Endpoint(https_port, True, context)
            except OSError:
                pass
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("the proxy did not start within 60 s")


def main(argv: list[str] | None = None) -> int:
    """Run the load benchmark; exit 1 on any error."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--archive", type=Path, required=True, help="the archive the app serves")
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120.0, help="how long the viewers keep viewing")
    parser.add_argument("--soak", type=float, default=0.0, help="seconds of soak after the load (memory)")
    parser.add_argument("--baseline-tree", type=Path, help="another checkout to measure in the same run")
    parser.add_argument("--proxy", action="store_true", help="put the front door (Caddy, HTTPS) in front of the app")
    args = parser.parse_args(argv)
    if args.viewers > 200 or args.seconds > 3600 or args.soak > 3600:
        parser.error("bounded: at most 200 viewers, an hour of load and an hour of soak")
    results = {}
    for name, tree in (("this code", ROOT), ("baseline", args.baseline_tree)):
        if tree is None:
            continue
        import tempfile

        process, port = start_app(tree, args.archive)
        proxy: subprocess.Popen | None = None
        target: int | Endpoint = port
        try:
            if args.proxy:
                proxy, target = start_proxy(port, args.archive, Path(tempfile.mkdtemp(prefix="lead-load-")))
            asyncio.run(one_view(target, "monthly", True))  # warm: the first view reads the release
            results[name] = run_load(target, process.pid, args.viewers, args.seconds, args.soak)
        finally:
            for running in (proxy, process):
                if running is not None:
                    running.terminate()
                    running.wait(timeout=30)
        figures = results[name]
        print(
            f"{name}{' behind the proxy' if args.proxy else ''}: {figures['viewers']} viewers, {figures['views']} "
            f"views, {figures['errors']} errors; "
            f"per view median {figures['median_view_s']:.2f} s, p95 {figures['p95_view_s']:.2f} s, "
            f"server CPU {figures['cpu_per_view_s']:.3f} s; RSS before {figures['rss_before_mb']:.0f} MB, "
            f"peak {figures['rss_peak_mb']:.0f} MB, after load {figures['rss_after_load_mb']:.0f} MB, "
            f"after soak {figures['rss_after_soak_mb']:.0f} MB"
        )
        for sample in figures["error_samples"]:
            print(f"  error: {sample}")
    if "baseline" in results:
        ours, base = results["this code"], results["baseline"]
        ratios = {
            k: ours[k] / base[k]
            for k in ("median_view_s", "p95_view_s", "cpu_per_view_s", "rss_peak_mb", "rss_after_soak_mb")
            if base[k]
        }
        print("ratios to the baseline: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()))
    return 0 if all(r["errors"] == 0 for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
