"""Helpers for Morph's integration tests: a kernel started from the installed kernelspec,
an execute helper that collects every iopub message of one request, and a raw ZeroMQ
client (`Wire`) that builds, signs and sends frames itself, for the security and
robustness tests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from queue import Empty
from typing import Any

import zmq
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

KERNEL_NAME = os.environ.get("MORPH_KERNEL_NAME", "morph")
STARTUP_TIMEOUT = float(os.environ.get("MORPH_STARTUP_TIMEOUT", "30"))
REPLY_TIMEOUT = 30.0
DELIMITER = b"<IDS|MSG>"


def kernelspec_problem() -> str | None:
    """Why the installed kernelspec cannot be used, or None when it is fine."""
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except Exception as error:  # NoSuchKernel
        return (
            f"no kernelspec named {KERNEL_NAME!r} ({error}); run `make kernelspec` "
            "(morph install --sys-prefix with the test venv active) first"
        )
    binary = spec.argv[0] if spec.argv else ""
    if binary in ("python", "python3"):  # jupyter_client runs these with its own interpreter
        return None
    if not os.path.exists(binary):
        return f"kernelspec {KERNEL_NAME!r} points at {binary!r}, which does not exist"
    expected = os.environ.get("MORPH_BIN")
    # The kernelspec may start morph through morph-kernel, the launcher built beside it.
    launcher = os.path.join(os.path.dirname(expected), "morph-kernel") if expected else None
    if expected and os.path.realpath(binary) not in (os.path.realpath(expected), os.path.realpath(launcher)):
        return (
            f"kernelspec {KERNEL_NAME!r} runs {binary!r} but the build under test is "
            f"{expected!r}: another kernelspec shadows it (see `jupyter kernelspec list`)"
        )
    return None


# --------------------------------------------------------------------------------------
# A kernel under test
# --------------------------------------------------------------------------------------


@dataclass
class Result:
    """Everything one execute_request produced."""

    code: str
    msg_id: str
    reply: dict[str, Any]
    iopub: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.reply["content"]["status"]

    @property
    def content(self) -> dict[str, Any]:
        return self.reply["content"]

    def of_type(self, msg_type: str) -> list[dict[str, Any]]:
        return [m for m in self.iopub if m["msg_type"] == msg_type]

    def stream(self, name: str = "stdout") -> str:
        return "".join(
            m["content"]["text"] for m in self.of_type("stream") if m["content"]["name"] == name
        )

    @property
    def result(self) -> dict[str, Any] | None:
        """The execute_result's data bundle, or None."""
        results = self.of_type("execute_result")
        return results[-1]["content"]["data"] if results else None

    @property
    def text(self) -> str | None:
        """The execute_result's text/plain, or None."""
        data = self.result
        return None if data is None else data.get("text/plain")

    @property
    def error(self) -> dict[str, Any] | None:
        errors = self.of_type("error")
        return errors[-1]["content"] if errors else None

    def describe(self) -> str:
        """A readable dump for assertion messages."""
        lines = [f"code: {self.code[:200]!r}", f"reply: {json.dumps(self.content)[:2000]}"]
        for m in self.iopub:
            lines.append(f"  iopub {m['msg_type']}: {json.dumps(m['content'])[:500]}")
        return "\n".join(lines)


class Kernel:
    """A Morph kernel started by jupyter_client from the installed kernelspec."""

    def __init__(
        self, log_path: Path, name: str = KERNEL_NAME, cwd: str | None = None,
        transport: str = "tcp", env: dict[str, str] | None = None,
        kernel_spec_manager: KernelSpecManager | None = None, extra_arguments: list[str] | None = None,
    ):
        self.log_path = log_path
        self._log = open(log_path, "wb")
        managers = {"kernel_spec_manager": kernel_spec_manager} if kernel_spec_manager is not None else {}
        self.km = KernelManager(kernel_name=name, transport=transport, **managers)
        if transport == "ipc":
            self.km.ip = str(log_path.parent / "morph-ipc")
        started = time.monotonic()
        extra: dict[str, Any] = {"env": {**os.environ, **env}} if env else {}
        if extra_arguments:
            extra["extra_arguments"] = extra_arguments
        self.km.start_kernel(stderr=self._log, stdout=self._log, cwd=cwd, **extra)
        self.kc: BlockingKernelClient = self.km.client()
        self.kc.start_channels()
        try:
            self.kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        except Exception:
            self.shutdown()
            raise
        self.startup_seconds = time.monotonic() - started

    # -- requests -----------------------------------------------------------------------

    def execute(
        self,
        code: str,
        timeout: float = REPLY_TIMEOUT,
        allow_stdin: bool = False,
        stdin_answers: list[str] | None = None,
        **kwargs: Any,
    ) -> Result:
        """Runs `code`; returns its reply and every iopub message from busy to idle."""
        msg_id = self.kc.execute(code, allow_stdin=allow_stdin, **kwargs)
        return self.collect(msg_id, code, timeout, stdin_answers)

    def collect(
        self,
        msg_id: str,
        code: str = "",
        timeout: float = REPLY_TIMEOUT,
        stdin_answers: list[str] | None = None,
    ) -> Result:
        """Waits for the shell reply to `msg_id` and its iopub messages up to idle."""
        deadline = time.monotonic() + timeout
        reply = self.shell_reply(msg_id, timeout, stdin_answers)
        iopub: list[dict[str, Any]] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"no idle status for {msg_id} within {timeout} s; got "
                    f"{[m['msg_type'] for m in iopub]}\n{self.log_tail()}"
                )
            try:
                msg = self.kc.get_iopub_msg(timeout=min(remaining, 1.0))
            except Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            iopub.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        return Result(code=code, msg_id=msg_id, reply=reply, iopub=iopub)

    def collect_until(self, msg_id: str, msg_type: str, timeout: float = REPLY_TIMEOUT) -> list[dict[str, Any]]:
        """The iopub messages of `msg_id` up to and including the first of `msg_type` (empty when
        none came within `timeout`)."""
        deadline = time.monotonic() + timeout
        seen: list[dict[str, Any]] = []
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                msg = self.kc.get_iopub_msg(timeout=min(remaining, 1.0))
            except Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            seen.append(msg)
            if msg["msg_type"] == msg_type:
                return seen
        return []

    def shell_reply(
        self, msg_id: str, timeout: float = REPLY_TIMEOUT, stdin_answers: list[str] | None = None
    ) -> dict[str, Any]:
        """The shell reply whose parent is `msg_id`, answering input requests on the way."""
        answers = list(stdin_answers or [])
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no shell reply to {msg_id} within {timeout} s\n{self.log_tail()}")
            if answers:
                try:
                    request = self.kc.get_stdin_msg(timeout=0.05)
                except Empty:
                    pass
                else:
                    if request["msg_type"] == "input_request":
                        self.kc.input(answers.pop(0))
                    continue
            try:
                msg = self.kc.get_shell_msg(timeout=min(remaining, 0.2 if answers else 1.0))
            except Empty:
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def kernel_info(self, timeout: float = 10.0) -> dict[str, Any]:
        """Asks kernel_info on shell and returns the reply content (raises on timeout)."""
        msg_id = self.kc.kernel_info()
        return self.shell_reply(msg_id, timeout)["content"]

    def control_request(self, msg_type: str, content: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Sends a request on the control channel and returns its reply."""
        msg = self.kc.session.msg(msg_type, content)
        self.kc.control_channel.send(msg)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                reply = self.kc.get_control_msg(timeout=0.5)
            except Empty:
                continue
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                return reply
        raise TimeoutError(f"no control reply to {msg_type} within {timeout} s\n{self.log_tail()}")

    def drain_iopub(self, seconds: float = 0.2) -> list[dict[str, Any]]:
        """Every iopub message arriving within `seconds`."""
        out = []
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return out
            try:
                out.append(self.kc.get_iopub_msg(timeout=remaining))
            except Empty:
                return out

    # -- lifecycle ----------------------------------------------------------------------

    def is_alive(self) -> bool:
        return bool(self.km.is_alive())

    def log_tail(self, limit: int = 4000) -> str:
        try:
            self._log.flush()
            text = self.log_path.read_bytes()[-limit:].decode("utf-8", "replace")
        except OSError:
            return "(no kernel log)"
        return f"--- kernel log ({self.log_path}) ---\n{text}"

    def shutdown(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            try:
                if self.km.has_kernel:
                    self.km.shutdown_kernel(now=False)
            except Exception:
                self.km.shutdown_kernel(now=True)
            finally:
                self._log.close()


# --------------------------------------------------------------------------------------
# A raw client: frames built, signed and sent by hand
# --------------------------------------------------------------------------------------


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


class Wire:
    """Direct ZeroMQ sockets to a kernel, from its connection info; signing done here."""

    def __init__(self, info: dict[str, Any]):
        self.info = info
        key = info.get("key", b"")
        self.key = key.encode() if isinstance(key, str) else bytes(key)
        if info.get("signature_scheme", "hmac-sha256") != "hmac-sha256":
            raise ValueError(f"unsupported signature scheme {info.get('signature_scheme')}")
        self.session = uuid.uuid4().hex
        self.ctx = zmq.Context()
        self.sockets: list[zmq.Socket] = []
        ident = uuid.uuid4().hex.encode()
        self.shell = self._socket(zmq.DEALER, info["shell_port"], ident)
        self.control = self._socket(zmq.DEALER, info["control_port"], ident)
        self.stdin = self._socket(zmq.DEALER, info["stdin_port"], ident)
        self.iopub = self._socket(zmq.SUB, info["iopub_port"])
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self._await_iopub()

    def _socket(self, kind: int, port: int, identity: bytes | None = None) -> zmq.Socket:
        sock = self.ctx.socket(kind)
        sock.setsockopt(zmq.LINGER, 0)
        if identity is not None:
            sock.setsockopt(zmq.IDENTITY, identity)
        sock.connect(f"{self.info['transport']}://{self.info['ip']}:{port}")
        self.sockets.append(sock)
        return sock

    def _await_iopub(self, timeout: float = 10.0) -> None:
        """Waits until iopub delivers to us (the welcome message, or a status for a probe)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.iopub.poll(200):
                self.iopub.recv_multipart()
                self.drain_iopub(0.05)
                return
            self.send(self.shell, "kernel_info_request", {})
        raise TimeoutError("iopub delivered nothing within 10 s")

    # -- building and signing -----------------------------------------------------------

    def sign(self, parts: list[bytes]) -> bytes:
        if not self.key:
            return b""
        mac = hmac.new(self.key, digestmod=hashlib.sha256)
        for p in parts:
            mac.update(p)
        return mac.hexdigest().encode()

    def header(self, msg_type: str, msg_id: str | None = None) -> dict[str, Any]:
        return {
            "msg_id": msg_id or uuid.uuid4().hex,
            "msg_type": msg_type,
            "username": "test",
            "session": self.session,
            "date": now_iso(),
            "version": "5.5",
        }

    def frames(self, msg_type: str, content: dict[str, Any], msg_id: str | None = None) -> tuple[str, list[bytes]]:
        """(msg_id, the four JSON parts) of a request."""
        header = self.header(msg_type, msg_id)
        parts = [json.dumps(p).encode() for p in (header, {}, {}, content)]
        return header["msg_id"], parts

    def signed(self, parts: list[bytes]) -> list[bytes]:
        """[delimiter, signature, *parts] with a correct signature of the first four parts."""
        return [DELIMITER, self.sign(parts[:4]), *parts]

    def send(self, sock: zmq.Socket, msg_type: str, content: dict[str, Any]) -> str:
        msg_id, parts = self.frames(msg_type, content)
        sock.send_multipart(self.signed(parts))
        return msg_id

    def send_raw(self, sock: zmq.Socket, frames: list[bytes]) -> None:
        sock.send_multipart(frames)

    # -- receiving ----------------------------------------------------------------------

    def parse(self, frames: list[bytes]) -> dict[str, Any]:
        """A received multipart message as a dict; checks its signature."""
        i = frames.index(DELIMITER)
        signature, parts = frames[i + 1], frames[i + 2 : i + 6]
        if self.key:
            expected = self.sign(parts)
            if not hmac.compare_digest(signature, expected):
                raise AssertionError(f"kernel sent a message with a bad signature: {frames[:i+6]!r}")
        header, parent, metadata, content = (json.loads(p) for p in parts)
        return {
            "header": header,
            "parent_header": parent,
            "metadata": metadata,
            "content": content,
            "msg_id": header.get("msg_id") if isinstance(header, dict) else None,
            "msg_type": header.get("msg_type") if isinstance(header, dict) else None,
            "buffers": frames[i + 6 :],
        }

    def recv(self, sock: zmq.Socket, timeout: float) -> dict[str, Any] | None:
        if not sock.poll(int(timeout * 1000)):
            return None
        return self.parse(sock.recv_multipart())

    def reply(self, sock: zmq.Socket, msg_id: str, timeout: float = 10.0) -> dict[str, Any] | None:
        """The reply to `msg_id` on `sock`, or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            msg = self.recv(sock, remaining)
            if msg is None:
                return None
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def drain_iopub(self, seconds: float) -> list[dict[str, Any]]:
        """Every iopub message arriving within `seconds`."""
        out = []
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return out
            msg = self.recv(self.iopub, remaining)
            if msg is None:
                return out
            out.append(msg)

    def kernel_info(self, timeout: float = 10.0) -> dict[str, Any] | None:
        """kernel_info_reply content on shell, or None when none came within `timeout`."""
        msg_id = self.send(self.shell, "kernel_info_request", {})
        msg = self.reply(self.shell, msg_id, timeout)
        return None if msg is None else msg["content"]

    def execute(self, code: str, timeout: float = 30.0, **options: Any) -> dict[str, Any] | None:
        content = {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        }
        content.update(options)
        msg_id = self.send(self.shell, "execute_request", content)
        return self.reply(self.shell, msg_id, timeout)

    def close(self) -> None:
        for s in self.sockets:
            s.close(linger=0)
        self.ctx.term()
