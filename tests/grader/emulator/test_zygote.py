"""The warm emulator process (grader/emulator/zygote.py)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

# zygote.main with the slow warm-up left out, saying whether its control
# socket's path existed when it started to listen.
STARTS_LISTENING = r"""
import os, socket, sys
from grader.emulator import zygote

zygote.warm = lambda: None
path = sys.argv[1]
real_listen = socket.socket.listen

def listen(self, backlog):
    print("visible" if os.path.exists(path) else "hidden", flush=True)
    return real_listen(self, backlog)

socket.socket.listen = listen
zygote.main(path)
"""


def test_the_control_socket_appears_only_once_it_listens(tmp_path):
    # The engine connects as soon as the path exists: before listen() it would be refused.
    path = tmp_path / "zygote.sock"
    process = subprocess.Popen(
        [sys.executable, "-c", STARTS_LISTENING, str(path)], cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout.readline().strip() == "hidden"
        deadline = time.monotonic() + 10
        while not path.exists():
            assert time.monotonic() < deadline, "the control socket never appeared"
            time.sleep(0.01)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(str(path))  # accepted, not refused
        assert not os.path.exists(str(path) + ".binding")
    finally:
        process.kill()
        process.wait(5)
