"""A TCP proxy that adds a fixed latency each way: PostgreSQL as if it were on another host.

    .venv/bin/python bench/proxy.py --listen 127.0.0.1:PORT --target 127.0.0.1:5432 --delay-ms 1

Forwards bytes both ways and hands each chunk on ``--delay-ms`` after it was read, so one round
trip costs 2 x the delay. Each direction of a connection has a queue of (due time, chunk): the reader
keeps reading while earlier chunks wait, so delays never add up, and the writer keeps their order.
Timers wake a little late: measured on 127.0.0.1 with --delay-ms 1, a PostgreSQL ``SELECT 1`` took
about 2.6 ms against 0.2 ms through the proxy with no delay. Prints ``listening on HOST:PORT`` once
ready (PORT 0 picks a free port).

From the other scripts: ``with running_proxy("127.0.0.1", 5432, 1.0) as port: ...`` runs it in a
subprocess (its own CPU, its own event loop) for the duration of the block.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

CHUNK = 65536


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    """Copy ``reader`` to ``writer``, each chunk ``delay`` seconds after it was read; EOF is passed on."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def send() -> None:
        while True:
            due, data = await queue.get()
            if (wait := due - loop.time()) > 0:
                await asyncio.sleep(wait)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(send())
    try:
        while not sender.done() and (data := await reader.read(CHUNK)):
            queue.put_nowait((loop.time() + delay, data))
        queue.put_nowait((loop.time() + delay, b""))  # EOF travels with the same delay
        await sender
    finally:
        sender.cancel()


async def serve(listen: tuple[str, int], target: tuple[str, int], delay_ms: float) -> None:
    delay = delay_ms / 1000

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection(*target)
        except OSError:
            client_w.close()
            return
        try:
            await asyncio.gather(pipe(client_r, server_w, delay), pipe(server_r, client_w, delay))
        except OSError:
            pass  # a reset on either side: closing both ends the other direction too
        finally:
            client_w.close()
            server_w.close()

    server = await asyncio.start_server(handle, *listen)
    host, port = server.sockets[0].getsockname()[:2]
    print(f"listening on {host}:{port}", flush=True)
    async with server:
        await server.serve_forever()


@contextmanager
def running_proxy(target_host: str, target_port: int, delay_ms: float) -> Iterator[int]:
    """Runs the proxy in a subprocess on a free 127.0.0.1 port; yields that port."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--listen", "127.0.0.1:0", "--target", f"{target_host}:{target_port}",
         "--delay-ms", str(delay_ms)], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("listening on "):
            raise SystemExit(f"bench/proxy.py did not start (exit code {proc.wait(timeout=10)})")
        yield int(line.rsplit(":", 1)[1])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--listen", type=address, required=True, help="HOST:PORT to listen on (port 0: any free)")
    parser.add_argument("--target", type=address, required=True, help="HOST:PORT to forward to")
    parser.add_argument("--delay-ms", type=float, default=1.0, help="added latency each way (default 1)")
    args = parser.parse_args()
    try:  # uvloop (installed with uvicorn[standard]): less CPU per chunk, timers closer to the delay
        import uvloop

        run = uvloop.run
    except ImportError:
        run = asyncio.run
    with suppress(KeyboardInterrupt):
        run(serve(args.listen, args.target, args.delay_ms))


if __name__ == "__main__":
    main()
