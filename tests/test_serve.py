"""`invoke serve`, the README's first command: it builds the shipped atlas into output/ and serves it on
127.0.0.1 until Ctrl+C, and says what to do when its port is taken instead of printing a traceback."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request

from support import ROOT, free_port


def answer(url: str, deadline: float) -> tuple[int, str]:
    """The first answer of url before deadline (the build comes first)."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_invoke_serve_builds_and_serves_the_atlas_until_ctrl_c():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "invoke", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status, page = answer(f"http://127.0.0.1:{port}/fr/", time.monotonic() + 600)
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=60)
    assert status == 200 and '<html lang="fr"' in page
    assert f"Serving the atlas on http://127.0.0.1:{port}/" in out
    assert server.returncode == 0 and "Traceback" not in err, err


def test_invoke_serve_says_when_its_port_is_taken():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "invoke", "serve", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert result.returncode == 1
    assert f"Cannot serve on 127.0.0.1:{port}" in result.stderr, result.stderr
    assert f"invoke serve --port {port + 1}" in result.stderr
    assert "Traceback" not in result.stderr and "Serving" not in result.stdout
