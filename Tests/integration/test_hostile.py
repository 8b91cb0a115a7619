"""Hostile clients: 49 cases against ONE running kernel, each followed by the same
checks: the kernel is alive, answers kernel_info, ran nothing it should not have (a counter
tells), keeps the session variables set at the start, and, wherever a reply is expected, the
reply is schema-valid. The cases reuse the raw client of morphtest.py and the malformed frames
of test_robustness.py; those files test the same attacks one by one on fresh kernels, this one
checks that a single session survives all of them in a row and produces the table in
bench/RESULTS.md ("Hostile clients").

The same cases run against any kernelspec, without assertions, to fill the comparison column:
    JUPYTER_PATH=$PWD/.venv/share/jupyter .venv/bin/python Tests/integration/test_hostile.py \
        --kernel morph --kernel python3
prints the markdown table (bench/setup.sh installs ipykernel, kernelspec `python3`).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from jupyter_kernel_test.msgspec_v5 import validate_message

from morphtest import DELIMITER, Kernel, Wire
from test_robustness import execute_content, malformed_cases

QUIET = 1.0  # seconds we wait for a reply that must not come
KEEP = 12345  # the session variable that must survive every case


@dataclass(frozen=True)
class Language:
    """The few snippets the cases need, in the kernel's language."""

    declare: str  # defines counter = 0, keep = KEEP, spin = 0
    increment: str  # counter += 1
    read: str  # [counter, keep] as the execute_result's text/plain
    spin: str  # a cell that runs for a second or more and changes neither counter nor keep
    comment: str  # line comment prefix


MORPH = Language(
    declare=f"var counter = 0\nvar keep = {KEEP}\nvar spin = 0",
    increment="counter = counter + 1",
    read="[counter, keep]",
    spin="spin = 0\nfor i in 0..<400000 { spin = spin + 1 }",
    comment="//",
)
PYTHON = Language(
    declare=f"counter = 0\nkeep = {KEEP}\nspin = 0",
    increment="counter = counter + 1",
    read="[counter, keep]",
    spin="spin = 0\nfor i in range(3_000_000): spin = spin + 1",
    comment="#",
)


def language_of(kernel_name: str) -> Language:
    return MORPH if kernel_name.startswith("morph") else PYTHON


# --------------------------------------------------------------------------------------
# What a case saw
# --------------------------------------------------------------------------------------


@dataclass
class Seen:
    """What one case observed; `checks` turns it into pass/fail and the table's wording."""

    replies: list[dict] = field(default_factory=list)  # replies to the case's requests
    missing: int = 0  # requests that expected a reply and got none
    invalid: list[str] = field(default_factory=list)  # schema problems of replies
    executed: int = 0  # counter change
    alive: bool = True
    kernel_info: bool = True
    keep_intact: bool = True
    noise: int = 0  # unsolicited error/stream messages on iopub (tracebacks of bad frames)
    peak_rise_mb: float | None = None  # the kernel's peak RSS during the case, above its RSS before
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.alive:
            return "**kernel died**"
        parts = []
        if self.replies:
            statuses = sorted({r["content"].get("status", "?") for r in self.replies})
            parts.append(f"{len(self.replies)} repl{'y' if len(self.replies) == 1 else 'ies'} ({'/'.join(statuses)})")
        if self.missing:
            parts.append(f"**{self.missing} without reply**")
        if self.invalid:
            parts.append("**reply not schema-valid**")
        if not self.replies and not self.missing:
            parts.append("dropped")
        parts.append(f"ran {self.executed}")
        if not self.kernel_info:
            parts.append("**no kernel_info after**")
        if not self.keep_intact:
            parts.append("**session variable lost**")
        if self.noise:
            parts.append(f"{self.noise} iopub error/stream message(s) to every client")
        parts.extend(self.notes)
        return ", ".join(parts)


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    expectation: str  # what Morph must do, in words (the table's second column)
    run: Callable[["Harness"], Seen]
    runs: int | tuple[int, ...] = 0  # allowed counter changes
    timeout: float = 60.0


# --------------------------------------------------------------------------------------
# One kernel, one raw client, the shared checks
# --------------------------------------------------------------------------------------


class Harness:
    def __init__(self, kernel: Kernel, language: Language):
        self.kernel = kernel
        self.lang = language
        self.wire = Wire(kernel.km.get_connection_info())
        r = kernel.execute(language.declare)
        assert r.status == "ok", r.describe()
        self.counter = 0

    # -- requests -----------------------------------------------------------------------

    def increment_parts(self) -> tuple[str, list[bytes]]:
        return self.wire.frames("execute_request", execute_content(self.lang.increment))

    def await_reply(self, sock, msg_id: str, reply_type: str | None, seen: Seen, timeout: float = 10.0) -> None:
        """Waits for the reply to `msg_id`; records it (schema-checked) or its absence."""
        reply = self.wire.reply(sock, msg_id, timeout)
        if reply is None:
            seen.missing += 1
            return
        seen.replies.append(reply)
        if reply_type is None:  # a reply type with no schema (unknown request): check the error fields
            content = reply["content"]
            if content.get("status") != "error" or not all(k in content for k in ("ename", "evalue", "traceback")):
                seen.invalid.append(f"{reply['msg_type']}: {content}")
            return
        try:
            validate_message({k: v for k, v in reply.items() if k != "buffers"}, reply_type, msg_id)
        except Exception as error:  # jsonschema.ValidationError or AssertionError
            seen.invalid.append(f"{reply_type}: {error}")

    def expect_silence(self, sock, msg_id: str, seen: Seen) -> None:
        """Records a reply to `msg_id` if one comes within QUIET seconds (it should not)."""
        reply = self.wire.reply(sock, msg_id, QUIET)
        if reply is not None:
            seen.replies.append(reply)

    # -- after every case ---------------------------------------------------------------

    def finish(self, seen: Seen, sent_ids: set[str] = frozenset()) -> Seen:
        noise = self.wire.drain_iopub(0.3)
        seen.noise += sum(
            1 for m in noise
            if m["msg_type"] in ("error", "stream") and m["parent_header"].get("msg_id") not in sent_ids
        )
        seen.alive = self.kernel.is_alive()
        if not seen.alive:
            return seen
        info = self.wire.kernel_info(timeout=10)
        seen.kernel_info = info is not None
        if info is not None:
            self.wire.drain_iopub(0.05)
        r = self.kernel.execute(self.lang.read, timeout=30)
        numbers = [int(n) for n in re.findall(r"-?\d+", r.text or "")]
        if r.status != "ok" or len(numbers) != 2:
            seen.keep_intact = False
            seen.notes.append(f"read failed: {r.describe()[:300]}")
            return seen
        seen.executed = numbers[0] - self.counter
        self.counter = numbers[0]
        seen.keep_intact = numbers[1] == KEEP
        return seen

    def close(self) -> None:
        self.wire.close()


# --------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------


def signature_case(mutate: Callable[[Harness, list[bytes]], list[bytes]]) -> Callable[[Harness], Seen]:
    def run(h: Harness) -> Seen:
        seen = Seen()
        msg_id, parts = h.increment_parts()
        h.wire.send_raw(h.wire.shell, mutate(h, parts))
        h.expect_silence(h.wire.shell, msg_id, seen)
        return h.finish(seen, {msg_id})

    return run


def wrong_signature(h: Harness, parts: list[bytes]) -> list[bytes]:
    good = h.wire.sign(parts)
    return [DELIMITER, (b"0" if good[:1] != b"0" else b"1") + good[1:], *parts]


def other_key(h: Harness, parts: list[bytes]) -> list[bytes]:
    import hashlib
    import hmac

    return [DELIMITER, hmac.new(b"not-the-key", b"".join(parts), hashlib.sha256).hexdigest().encode(), *parts]


def altered_content(h: Harness, parts: list[bytes]) -> list[bytes]:
    signature = h.wire.sign(parts)
    return [DELIMITER, signature, *parts[:3], parts[3].replace(b"counter + 1", b"counter + 5")]


def replay(other_connection: bool) -> Callable[[Harness], Seen]:
    def run(h: Harness) -> Seen:
        seen = Seen()
        msg_id, parts = h.increment_parts()
        frames = h.wire.signed(parts)
        h.wire.send_raw(h.wire.shell, frames)
        h.await_reply(h.wire.shell, msg_id, "execute_reply", seen)  # the original runs once
        h.wire.drain_iopub(0.2)
        if other_connection:
            other = Wire(h.kernel.km.get_connection_info())
            try:
                other.send_raw(other.shell, frames)
                again = other.reply(other.shell, msg_id, QUIET)
            finally:
                other.close()
        else:
            h.wire.send_raw(h.wire.shell, frames)
            again = h.wire.reply(h.wire.shell, msg_id, QUIET)
        if again is not None:
            seen.replies.append(again)
            seen.notes.append("replay answered")
        return h.finish(seen, {msg_id})

    return run


def unsigned_shutdown(h: Harness) -> Seen:
    seen = Seen()
    msg_id, parts = h.wire.frames("shutdown_request", {"restart": False})
    h.wire.send_raw(h.wire.control, [DELIMITER, b"f" * 64, *parts])
    h.expect_silence(h.wire.control, msg_id, seen)
    return h.finish(seen, {msg_id})


# Malformed frames (test_robustness.malformed_cases), and what Morph answers to each: a reply
# only where the header is intact and signed (the error names the bad field).
REPLIED_MALFORMED = {
    "code is a number": "execute_reply",
    "silent is a string": "execute_reply",
    "user_expressions is a list": "execute_reply",
    "unknown message type": None,  # teleport_reply: no schema; an error reply with ename/evalue/traceback
    # Signed, with a readable header, but a body that is not a JSON object: a BadRequest reply.
    "invalid JSON content": "execute_reply",
    "content is an array": "execute_reply",
    "parent header is a number": "execute_reply",
    "metadata is a string": "execute_reply",
    "invalid UTF-8 in code": "execute_reply",
    "content nested 100000 deep": "execute_reply",
}
RUNNABLE_MALFORMED = {"extra buffer frames"}  # a valid request with buffers attached: runs once


def malformed_case(name: str) -> Callable[[Harness], Seen]:
    def run(h: Harness) -> Seen:
        seen = Seen()
        frames = malformed_cases(h.wire)[name]
        msg_id = None
        try:
            i = frames.index(DELIMITER)
            msg_id = json.loads(frames[i + 2]).get("msg_id")
        except Exception:  # no delimiter, header not JSON, not an object, unhashable id
            pass
        if not isinstance(msg_id, str):
            msg_id = None
        h.wire.send_raw(h.wire.shell, frames)
        if msg_id is not None and (name in REPLIED_MALFORMED or name in RUNNABLE_MALFORMED):
            reply_type = REPLIED_MALFORMED.get(name, "execute_reply")
            h.await_reply(h.wire.shell, msg_id, reply_type, seen)
        elif msg_id is not None:
            h.expect_silence(h.wire.shell, msg_id, seen)
        else:
            time.sleep(0.2)
        return h.finish(seen, {msg_id} if msg_id else set())

    return run


def bad_content_case(msg_type: str, content: object, reply_type: str, channel: str = "shell") -> Callable[[Harness], Seen]:
    def run(h: Harness) -> Seen:
        seen = Seen()
        sock = getattr(h.wire, channel)
        msg_id, parts = h.wire.frames(msg_type, {})
        parts[3] = json.dumps(content).encode()
        h.wire.send_raw(sock, h.wire.signed(parts))
        h.await_reply(sock, msg_id, reply_type, seen)
        return h.finish(seen, {msg_id})

    return run


# --------------------------------------------------------------------------------------
# Wire limits: frames past the size limit, many frames, unreadable signed bodies
# --------------------------------------------------------------------------------------

MIB = 1 << 20
LIMIT = 128 * MIB  # Morph's documented default for shell, control and stdin


def rss_kb(pid: int, field: str) -> int:
    """VmRSS or VmHWM (peak) of `pid` in kB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peak_rss(pid: int) -> None:
    """Resets VmHWM to the current RSS (Linux: 5 written to clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def send_from_another_client(h: Harness, frames: list, channel: str = "shell", dropped: bool = False) -> None:
    """Sends `frames` from a fresh DEALER and closes it; with `dropped`, first waits (30 s at
    most) until the kernel has disconnected that peer, which libzmq does on reading the size
    of a frame past the limit."""
    import zmq
    from zmq.utils.monitor import recv_monitor_message

    sock = h.wire.ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    monitor = sock.get_monitor_socket(zmq.EVENT_DISCONNECTED)
    sock.connect(f"{h.wire.info['transport']}://{h.wire.info['ip']}:{h.wire.info[channel + '_port']}")
    try:
        sock.send_multipart(frames, copy=False)
        if dropped:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if monitor.poll(500) and recv_monitor_message(monitor)["event"] == zmq.EVENT_DISCONNECTED:
                    return
            raise AssertionError(f"the kernel did not drop the peer that sent an oversized frame on {channel}")
    finally:
        sock.disable_monitor()
        monitor.close()
        sock.close()


def peak_noted(h: Harness, seen: Seen, action: Callable[[], None]) -> None:
    """Runs `action`, then notes the kernel's peak RSS during it (above its RSS before)."""
    pid = h.kernel.km.provisioner.pid
    reset_peak_rss(pid)
    before = rss_kb(pid, "VmRSS")
    action()
    h.wire.kernel_info(timeout=60)  # the kernel has dealt with the message (or dropped the peer)
    if h.kernel.is_alive():
        seen.peak_rise_mb = (rss_kb(pid, "VmHWM") - before) / 1024
        seen.notes.append(f"peak RSS +{seen.peak_rise_mb:.0f} MB")


def oversized_frame(size: int) -> Callable[[Harness], Seen]:
    def run(h: Harness) -> Seen:
        seen = Seen()
        payload = bytearray(size)

        def send() -> None:
            try:
                send_from_another_client(h, [DELIMITER, b"", payload, b"{}", b"{}", b"{}"], dropped=True)
            except AssertionError:
                seen.notes.append("**read in full (peer not dropped)**")

        peak_noted(h, seen, send)
        return h.finish(seen)

    return run


def frames_together_over_the_limit(h: Harness) -> Seen:
    """A signed, runnable execute_request whose buffers each fit but together exceed the limit."""
    seen = Seen()
    msg_id, parts = h.increment_parts()
    chunk = bytearray(48 * MIB)
    frames = [*h.wire.signed(parts), chunk, chunk, chunk]  # 144 MiB together
    # On the harness's own connection: the kernel_info that follows is answered after it.
    peak_noted(h, seen, lambda: h.wire.shell.send_multipart(frames, copy=False))
    return h.finish(seen, {msg_id})


def many_frames(signed: bool, count: int) -> Callable[[Harness], Seen]:
    def run(h: Harness) -> Seen:
        seen = Seen()
        msg_id, parts = h.increment_parts()
        head = h.wire.signed(parts) if signed else [DELIMITER, b"", *parts]
        h.wire.send_raw(h.wire.shell, head + [b"x"] * count)
        if signed:
            h.await_reply(h.wire.shell, msg_id, "execute_reply", seen, timeout=60)
        else:
            h.expect_silence(h.wire.shell, msg_id, seen)
        return h.finish(seen, {msg_id})

    return run


def unreadable_control_body(h: Harness) -> Seen:
    """A signed shutdown_request whose content is not JSON: an error reply, and no shutdown."""
    seen = Seen()
    msg_id, parts = h.wire.frames("shutdown_request", {"restart": False})
    parts[3] = b'{"restart": fal'
    h.wire.send_raw(h.wire.control, h.wire.signed(parts))
    h.await_reply(h.wire.control, msg_id, "shutdown_reply", seen)
    return h.finish(seen, {msg_id})


def ten_megabyte_cell(h: Harness) -> Seen:
    seen = Seen()
    code = h.lang.comment + " " + "x" * (10 * 1024 * 1024) + "\n" + h.lang.increment
    msg_id = h.wire.send(h.wire.shell, "execute_request", execute_content(code))
    h.await_reply(h.wire.shell, msg_id, "execute_reply", seen, timeout=120)
    return h.finish(seen, {msg_id})


def rapid_executes(h: Harness, n: int = 1000) -> Seen:
    seen = Seen()
    ids = [h.wire.send(h.wire.shell, "execute_request", execute_content(h.lang.increment)) for _ in range(n)]
    got: dict[str, dict] = {}
    deadline = time.monotonic() + 120
    while len(got) < n and time.monotonic() < deadline:
        msg = h.wire.recv(h.wire.shell, 5)
        if msg is not None and msg["msg_type"] == "execute_reply":
            got[msg["parent_header"].get("msg_id")] = msg
    seen.missing = n - len(got)
    seen.replies = [got[i] for i in ids if i in got]
    if list(got) != ids[: len(got)]:
        seen.notes.append("**replies out of order**")
    for reply in seen.replies[:5]:
        try:
            validate_message({k: v for k, v in reply.items() if k != "buffers"}, "execute_reply",
                             reply["parent_header"]["msg_id"])
        except Exception as error:
            seen.invalid.append(str(error))
    return h.finish(seen, set(ids))


def hundred_interrupts(h: Harness) -> Seen:
    seen = Seen()
    ids = [h.wire.send(h.wire.control, "interrupt_request", {}) for _ in range(100)]
    got: dict[str, dict] = {}
    deadline = time.monotonic() + 30
    while len(got) < len(ids) and time.monotonic() < deadline:
        msg = h.wire.recv(h.wire.control, 2)
        if msg is not None and msg["msg_type"] == "interrupt_reply":
            got[msg["parent_header"].get("msg_id")] = msg
    seen.missing = len(ids) - len(got)
    seen.replies = list(got.values())
    for reply in seen.replies[:3]:
        try:
            validate_message({k: v for k, v in reply.items() if k != "buffers"}, "interrupt_reply",
                             reply["parent_header"]["msg_id"])
        except Exception as error:
            seen.invalid.append(str(error))
    return h.finish(seen, set(ids))


def disconnect_mid_execute(h: Harness) -> Seen:
    """One client starts a long cell and closes its sockets; another connects and works."""
    seen = Seen()
    info = h.kernel.km.get_connection_info()
    leaver = Wire(info)
    leaver.send(leaver.shell, "execute_request", execute_content(h.lang.spin))
    time.sleep(0.2)
    leaver.close()
    comer = Wire(info)
    try:
        if comer.kernel_info(timeout=30) is None:
            seen.notes.append("**no kernel_info for the new client**")
        msg_id = comer.send(comer.shell, "execute_request", execute_content(h.lang.increment))
        reply = comer.reply(comer.shell, msg_id, 60)
        if reply is None:
            seen.missing += 1
        else:
            seen.replies.append(reply)
            try:
                validate_message({k: v for k, v in reply.items() if k != "buffers"}, "execute_reply", msg_id)
            except Exception as error:
                seen.invalid.append(str(error))
    finally:
        comer.close()
    return h.finish(seen)


def build_cases() -> list[Case]:
    cases = [
        Case("wrong signature", "signature", "dropped, nothing runs", signature_case(wrong_signature)),
        Case("signature made with another key", "signature", "dropped, nothing runs", signature_case(other_key)),
        Case("empty signature", "signature", "dropped, nothing runs",
             signature_case(lambda h, p: [DELIMITER, b"", *p])),
        Case("missing signature frame", "signature", "dropped, nothing runs",
             signature_case(lambda h, p: [DELIMITER, *p])),
        Case("valid signature, altered content", "signature", "dropped, nothing runs",
             signature_case(altered_content)),
        Case("replayed message (same connection)", "signature", "original runs once, replay dropped",
             replay(other_connection=False), runs=1),
        Case("replayed message (another connection)", "signature", "original runs once, replay dropped",
             replay(other_connection=True), runs=1),
        Case("unsigned shutdown on control", "signature", "dropped, kernel keeps running", unsigned_shutdown),
    ]
    for name in malformed_cases_names():
        if name in REPLIED_MALFORMED:
            expectation, runs = "schema-valid error reply naming the problem, nothing runs", 0
        elif name in RUNNABLE_MALFORMED:
            expectation, runs = "valid request: runs once, buffers ignored", 1
        else:
            expectation, runs = "dropped and logged, no reply possible or required", 0
        cases.append(Case(name, "malformed", expectation, malformed_case(name), runs=runs))
    bad = "schema-valid error reply"
    cases += [
        Case("execute: code missing", "bad content", bad,
             bad_content_case("execute_request", {"silent": False}, "execute_reply")),
        Case("complete: code a number", "bad content", "schema-valid reply",
             bad_content_case("complete_request", {"code": 7, "cursor_pos": 1}, "complete_reply")),
        Case("complete: cursor_pos a string", "bad content", "schema-valid reply",
             bad_content_case("complete_request", {"code": "pri", "cursor_pos": "three"}, "complete_reply")),
        Case("inspect: code null", "bad content", "schema-valid reply",
             bad_content_case("inspect_request", {"code": None, "cursor_pos": 0}, "inspect_reply")),
        Case("is_complete: code a list", "bad content", "schema-valid reply",
             bad_content_case("is_complete_request", {"code": ["1"]}, "is_complete_reply")),
        Case("history: unknown access type", "bad content", "schema-valid reply",
             bad_content_case("history_request", {"hist_access_type": "sideways"}, "history_reply")),
        Case("shutdown on control: restart a string", "bad content", bad + ", kernel keeps running",
             bad_content_case("shutdown_request", {"restart": "yes"}, "shutdown_reply", channel="control")),
        Case("unsigned 200 MiB frame (limit 128 MiB)", "wire",
             "dropped before it is read, peer disconnected, kernel keeps running", oversized_frame(200 * MIB),
             timeout=180),
        Case("signed request with 3 x 48 MiB buffers (144 MiB together)", "wire",
             "dropped after reading (over the limit together), nothing runs", frames_together_over_the_limit,
             timeout=180),
        Case("unsigned message of 100 000 frames", "wire", "dropped, nothing runs", many_frames(False, 100_000),
             timeout=120),
        Case("signed request with 10 000 buffer frames", "wire", "valid request: runs once, buffers ignored",
             many_frames(True, 10_000), runs=1, timeout=120),
        Case("control: signed shutdown whose content is not JSON", "wire",
             "schema-valid error reply, kernel keeps running", unreadable_control_body),
        Case("10 MB cell", "load", "runs, replies ok", ten_megabyte_cell, runs=1, timeout=180),
        Case("1000 rapid executes", "load", "all 1000 replied in order, each ran once", rapid_executes,
             runs=1000, timeout=240),
        Case("100 interrupts in a row (idle)", "load", "100 interrupt_replies", hundred_interrupts),
        Case("client disconnects mid-execute, another connects", "load",
             "long cell finishes, new client served", disconnect_mid_execute, runs=1, timeout=180),
    ]
    return cases


def malformed_cases_names() -> list[str]:
    class _NoKey:  # malformed_cases only needs frames() and sign(); names do not depend on the key
        key = b"k"
        session = "s"
        frames = Wire.frames
        header = Wire.header
        sign = Wire.sign

    return list(malformed_cases(_NoKey()).keys())  # type: ignore[arg-type]


CASES = build_cases()


def morph_verdict(case: Case, seen: Seen) -> list[str]:
    """What is wrong with `seen` for Morph (empty: the case passed)."""
    problems = []
    if not seen.alive:
        return ["the kernel died"]
    if not seen.kernel_info:
        problems.append("no kernel_info_reply afterwards")
    if not seen.keep_intact:
        problems.append("session variable lost: " + "; ".join(seen.notes))
    allowed = case.runs if isinstance(case.runs, tuple) else (case.runs,)
    if seen.executed not in allowed:
        problems.append(f"counter changed by {seen.executed}, expected {allowed}")
    if seen.missing:
        problems.append(f"{seen.missing} expected replies missing")
    if seen.invalid:
        problems.append("replies not schema-valid: " + "; ".join(seen.invalid[:3]))
    if case.expectation.startswith("dropped") and seen.replies:
        problems.append(f"answered a request it should have dropped: {seen.replies[0]['content']}")
    if "replay answered" in seen.notes:
        problems.append("the replay was answered")
    if "error reply" in case.expectation and not any(r["content"].get("status") == "error" for r in seen.replies):
        problems.append(f"no error reply: {[r['content'] for r in seen.replies]}")
    if seen.noise:
        problems.append(f"{seen.noise} unsolicited iopub error/stream messages")
    if any(n.startswith("**") for n in seen.notes):
        problems.append("; ".join(seen.notes))
    return problems


# --------------------------------------------------------------------------------------
# pytest: the 49 cases in a row against one Morph kernel
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    directory = tmp_path_factory.mktemp("hostile")
    kernel = Kernel(directory / "kernel.log", cwd=str(directory))
    h = Harness(kernel, MORPH)
    try:
        yield h
    finally:
        h.close()
        kernel.shutdown()


def test_there_are_49_cases() -> None:
    assert len(CASES) == 49, [c.name for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case(harness: Harness, case: Case, request: pytest.FixtureRequest) -> None:
    request.node._morph_kernel = harness.kernel
    if not harness.kernel.is_alive():
        pytest.fail("the kernel died in an earlier case")
    seen = case.run(harness)
    problems = morph_verdict(case, seen)
    assert not problems, f"{case.name}: {seen.summary()}\n" + "\n".join(problems)


def test_an_oversized_frame_costs_no_memory_and_no_session(tmp_path: Path) -> None:
    """An unsigned 300 MiB frame on shell, control and stdin in turn: the kernel (release build)
    keeps running as the same process with its variables, and its peak RSS stays below its idle
    RSS plus the size limit plus 32 MB. Prints the measured numbers (bench/RESULTS.md)."""
    kernel = Kernel(tmp_path / "kernel.log", cwd=str(tmp_path))
    try:
        h = Harness(kernel, MORPH)
        try:
            pid = kernel.km.provisioner.pid
            h.wire.kernel_info(timeout=30)
            idle_kb = rss_kb(pid, "VmRSS")
            reset_peak_rss(pid)
            payload = bytearray(300 * MIB)
            for channel in ("shell", "control", "stdin"):
                send_from_another_client(h, [DELIMITER, b"", payload, b"{}", b"{}", b"{}"], channel, dropped=True)
                assert h.wire.kernel_info(timeout=60) is not None, f"no kernel_info after the frame on {channel}"
            del payload
            peak_kb = rss_kb(pid, "VmHWM")
            bound_kb = idle_kb + LIMIT // 1024 + 32 * 1024
            print(f"\noversized frames: idle RSS {idle_kb / 1024:.1f} MB, peak RSS {peak_kb / 1024:.1f} MB "
                  f"after 3 x 300 MiB unsigned frames (bound {bound_kb / 1024:.1f} MB)")
            assert peak_kb < bound_kb, f"peak RSS {peak_kb} kB, bound {bound_kb} kB"
            assert kernel.km.provisioner.pid == pid and kernel.is_alive()
            r = kernel.execute(MORPH.read)
            assert r.status == "ok" and str(KEEP) in (r.text or ""), r.describe()
        finally:
            h.close()
    finally:
        kernel.shutdown()


def stuck_subscriber(kernel: Kernel):
    """An iopub subscriber that never reads (small buffers, so that it fills up quickly)."""
    import zmq

    info = kernel.km.get_connection_info()
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt(zmq.RCVHWM, 1)
    sub.setsockopt(zmq.RCVBUF, 4096)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(f"{info['transport']}://{info['ip']}:{info['iopub_port']}")
    return ctx, sub


def test_prints_to_a_subscriber_that_never_reads_stay_bounded(tmp_path: Path) -> None:
    """300 000 prints while one iopub subscriber never reads: the kernel's peak RSS stays below
    its idle RSS plus 64 MB, and the client that does read gets every line and its idle status
    (after the stall period, 10 s). Then 32 MB of output in one cell: what does not fit in the
    publisher's bounded queue is dropped with a visible note. Prints the measured numbers."""
    kernel = Kernel(tmp_path / "kernel.log", cwd=str(tmp_path))
    ctx, sub = stuck_subscriber(kernel)
    try:
        pid = kernel.km.provisioner.pid
        assert kernel.execute("var n = 0").status == "ok"
        time.sleep(0.5)  # the subscription reaches the kernel
        idle_kb = rss_kb(pid, "VmRSS")
        reset_peak_rss(pid)
        r = kernel.execute("for i in 0..<300000 { print(i) }", timeout=180)
        assert r.status == "ok", r.describe()[:2000]
        peak_kb = rss_kb(pid, "VmHWM")
        text = r.stream()
        assert text == "".join(f"{i}\n" for i in range(300_000)), f"{len(text)} characters, lines lost or reordered"
        print(f"\n300 000 prints, one subscriber never reading: idle RSS {idle_kb / 1024:.1f} MB, "
              f"peak RSS {peak_kb / 1024:.1f} MB (+{(peak_kb - idle_kb) / 1024:.1f} MB), "
              f"{len(r.of_type('stream'))} stream messages to the reading client")
        assert peak_kb < idle_kb + 64 * 1024, f"peak RSS {peak_kb} kB, idle {idle_kb} kB"

        # Still stuck: now the publisher no longer waits for it; a burst beyond the queue's
        # limit while a fresh stall is measured is truncated with a note (a new subscriber).
        sub.close()
        ctx.term()
        ctx, sub = stuck_subscriber(kernel)
        time.sleep(0.5)
        reset_peak_rss(pid)
        big = 'var s = "0123456789"\nfor i in 0..<14 { s = s + s }\nfor i in 0..<200 { print(s) }'
        r = kernel.execute(big, timeout=180)
        assert r.status == "ok", r.describe()[:2000]
        peak2_kb = rss_kb(pid, "VmHWM")
        text = r.stream()
        print(f"32 MB of output, one subscriber never reading: peak RSS {peak2_kb / 1024:.1f} MB; "
              f"the reading client got {len(text) / 1e6:.1f} MB, truncation note: {'output truncated' in text}")
        assert "[output truncated:" in text, f"no truncation note in {len(text)} characters"
        assert peak2_kb < idle_kb + 64 * 1024, f"peak RSS {peak2_kb} kB, idle {idle_kb} kB"
        assert kernel.execute("n + 1").text == "1"
    finally:
        sub.close()
        ctx.term()
        kernel.shutdown()


def test_max_message_size_flag_sets_the_limit(tmp_path: Path) -> None:
    """`morph kernel --max-message-size 1048576`: a 2 MiB cell is dropped unread, a 0.5 MiB
    one runs (the default, 128 MiB, admits both)."""
    kernel = Kernel(tmp_path / "kernel.log", cwd=str(tmp_path), extra_arguments=["--max-message-size", "1048576"])
    try:
        h = Harness(kernel, MORPH)
        try:
            big = "// " + "x" * (2 * MIB) + "\n" + MORPH.increment
            msg_id = h.wire.send(h.wire.shell, "execute_request", execute_content(big))
            assert h.wire.reply(h.wire.shell, msg_id, 5) is None, "the 2 MiB cell was answered"
            small = "// " + "x" * (MIB // 2) + "\n" + MORPH.increment
            reply = h.wire.execute(small, timeout=60)
            assert reply is not None and reply["content"]["status"] == "ok", reply
            r = kernel.execute(MORPH.read)
            assert [int(n) for n in re.findall(r"-?\d+", r.text or "")] == [1, KEEP], r.describe()
        finally:
            h.close()
    finally:
        kernel.shutdown()


def test_many_tiny_frames_count_against_the_size_limit(tmp_path: Path) -> None:
    """`--max-message-size 1048576`: a signed execute_request followed by 50 000 empty frames
    (a few hundred bytes of payload, but each frame costs memory to hold) is dropped unrun; the
    same request with 100 empty frames runs once."""
    kernel = Kernel(tmp_path / "kernel.log", cwd=str(tmp_path), extra_arguments=["--max-message-size", "1048576"])
    try:
        h = Harness(kernel, MORPH)
        try:
            msg_id, parts = h.increment_parts()
            h.wire.send_raw(h.wire.shell, h.wire.signed(parts) + [b""] * 50_000)
            assert h.wire.reply(h.wire.shell, msg_id, 5) is None, "the 50 000-frame request was answered"
            msg_id, parts = h.increment_parts()
            h.wire.send_raw(h.wire.shell, h.wire.signed(parts) + [b""] * 100)
            reply = h.wire.reply(h.wire.shell, msg_id, 60)
            assert reply is not None and reply["content"]["status"] == "ok", reply
            r = kernel.execute(MORPH.read)
            assert [int(n) for n in re.findall(r"-?\d+", r.text or "")] == [1, KEEP], r.describe()
        finally:
            h.close()
    finally:
        kernel.shutdown()


def test_session_intact_after_all_cases(harness: Harness) -> None:
    r = harness.kernel.execute(harness.lang.read)
    assert r.status == "ok", r.describe()
    counter, keep = (int(n) for n in re.findall(r"-?\d+", r.text or ""))
    assert keep == KEEP
    assert counter == harness.counter
    assert harness.kernel.kernel_info()["status"] == "ok"


# --------------------------------------------------------------------------------------
# Comparison table: the same cases against other kernels
# --------------------------------------------------------------------------------------


def run_all(kernel_name: str) -> list[tuple[Case, Seen | None, str]]:
    """Every case against a fresh kernel of `kernel_name` (restarted if one dies)."""
    out: list[tuple[Case, Seen | None, str]] = []
    directory = Path(tempfile.mkdtemp(prefix=f"hostile-{kernel_name}-"))
    kernel = Kernel(directory / "kernel.log", name=kernel_name, cwd=str(directory))
    h = Harness(kernel, language_of(kernel_name))
    try:
        for case in CASES:
            started = time.monotonic()
            try:
                seen = case.run(h)
                summary = seen.summary()
            except Exception as error:  # a client-side timeout or a dead socket
                seen, summary = None, f"**client error: {type(error).__name__}: {str(error)[:80]}**"
            print(f"{kernel_name}: {case.name}: {summary} ({time.monotonic() - started:.1f} s)", file=sys.stderr)
            out.append((case, seen, summary))
            if seen is None or not seen.alive:
                h.close()
                kernel.shutdown()
                kernel = Kernel(directory / "kernel.log", name=kernel_name, cwd=str(directory))
                h = Harness(kernel, language_of(kernel_name))
    finally:
        h.close()
        kernel.shutdown()
    return out


def markdown_table(results: dict[str, list[tuple[Case, Seen | None, str]]]) -> str:
    names = list(results)
    lines = [
        "| # | case | expectation (Morph) | " + " | ".join(names) + " |",
        "|---|---|---|" + "---|" * len(names),
    ]
    for i, case in enumerate(CASES):
        cells = [results[n][i][2] for n in names]
        lines.append(f"| {i + 1} | {case.group}: {case.name} | {case.expectation} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kernel", action="append", help="kernelspec name (repeatable)")
    args = parser.parse_args()
    results = {name: run_all(name) for name in (args.kernel or ["morph"])}
    print(markdown_table(results))


# --------------------------------------------------------------------------------------
# Connection file: permissions, the key never logged or echoed, ipc transport
# --------------------------------------------------------------------------------------


class DirectKernel:
    """`morph kernel` started by hand (not by jupyter_client) on a connection file we wrote,
    so that the test picks the file's mode, the transport and --log-level."""

    def __init__(self, directory: Path, transport: str = "tcp", mode: int = 0o600, log_level: str = "debug"):
        import os
        import subprocess

        from jupyter_client.connect import write_connection_file
        from jupyter_client.kernelspec import KernelSpecManager

        self.key = "hostile-" + os.urandom(16).hex()
        self.path = directory / f"kernel-{transport}.json"
        ip = str(directory / "morph-ipc") if transport == "ipc" else "127.0.0.1"
        write_connection_file(str(self.path), transport=transport, ip=ip, key=self.key.encode())
        os.chmod(self.path, mode)
        spec = KernelSpecManager().get_kernel_spec("morph")
        argv = [a.replace("{connection_file}", str(self.path)) for a in spec.argv] + ["--log-level", log_level]
        self.log_path = directory / f"kernel-{transport}.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(argv, env={**os.environ, **spec.env}, stdout=self._log,
                                        stderr=subprocess.STDOUT, cwd=directory)
        from jupyter_client.blocking.client import BlockingKernelClient

        self.kc = BlockingKernelClient(connection_file=str(self.path))
        self.kc.load_connection_file()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=30)

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def close(self) -> None:
        try:
            self.kc.shutdown()
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()
            self.process.wait()
        finally:
            self.kc.stop_channels()
            self._log.close()


def everything_received(kc, seconds: float = 0.5) -> list[dict]:
    from queue import Empty

    out = []
    for get in (kc.get_shell_msg, kc.get_iopub_msg, kc.get_control_msg):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                out.append(get(timeout=0.1))
            except Empty:
                break
    return out


def test_world_readable_connection_file_warns_and_key_is_never_logged(tmp_path: Path) -> None:
    k = DirectKernel(tmp_path, mode=0o644, log_level="trace")
    try:
        reply = k.kc.execute_interactive("print(\"hello\")\nundefinedName", timeout=30)
        assert reply["content"]["status"] == "error"
        # A forged request (wrong key) makes the kernel log the rejection: still no key in it.
        wire = Wire(json.loads(k.path.read_text()))
        try:
            wire.key = b"wrong"
            wire.send(wire.shell, "execute_request", execute_content("1"))
            time.sleep(0.3)
        finally:
            wire.close()
        received = everything_received(k.kc)
        log = k.log()
    finally:
        k.close()
        log = k.log()
    assert "readable by group or others" in log, log[-2000:]
    assert "chmod 600" in log
    assert k.key not in log, "the key appears in the kernel's log"
    assert "dropped a message" in log, "expected the forged request to be logged"
    assert all(k.key not in json.dumps(m, default=str) for m in received), "the key was echoed to a client"


def test_private_connection_file_gives_no_warning(tmp_path: Path) -> None:
    k = DirectKernel(tmp_path, mode=0o600)
    try:
        assert k.kc.execute_interactive("1 + 1", timeout=30)["content"]["status"] == "ok"
    finally:
        k.close()
    log = k.log()
    assert "readable by group or others" not in log, log[-2000:]
    assert k.key not in log


def test_ipc_transport_works_like_tcp(tmp_path: Path) -> None:
    k = DirectKernel(tmp_path, transport="ipc")
    try:
        info = json.loads(k.path.read_text())
        assert info["transport"] == "ipc"
        outputs: list[str] = []
        reply = k.kc.execute_interactive(
            "var n = 20\nprint(\"over ipc \\(n + 1)\")", timeout=30,
            output_hook=lambda m: outputs.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None,
        )
        assert reply["content"]["status"] == "ok", reply
        assert "".join(outputs) == "over ipc 21\n"
        # The control channel over ipc as well: interrupt, kernel_info, then the state is kept.
        for msg_type in ("interrupt_request", "kernel_info_request"):
            msg = k.kc.session.msg(msg_type, {})
            k.kc.control_channel.send(msg)
            reply = k.kc.get_control_msg(timeout=10)
            assert reply["parent_header"]["msg_id"] == msg["header"]["msg_id"], reply
            assert reply["content"]["status"] == "ok", reply
        again = k.kc.execute_interactive("n", timeout=30)
        assert again["content"]["status"] == "ok"
        assert k.kc.is_alive()
    finally:
        k.close()
    assert k.process.returncode == 0, k.log()[-2000:]


def test_ipc_socket_files_are_removed_at_shutdown(tmp_path: Path) -> None:
    k = DirectKernel(tmp_path, transport="ipc")
    k.close()
    assert k.process.returncode == 0, k.log()[-2000:]
    ipc_files = list(tmp_path.glob("morph-ipc-*"))
    assert not ipc_files, f"ipc socket files left behind: {ipc_files}"


# --------------------------------------------------------------------------------------
# Faults reached from a cell: absurd sizes, full or read-only disks, corrupt files.
# The engine's own tests (TensorTests, IOAtomicFileTests, CheckpointTests, IOIDXTests,
# TrainingTests, ExperimentsScriptTests) cover the functions; these check that a cell gets a
# clear error and the session goes on. Skipped when the build has no experiment builtins.
# --------------------------------------------------------------------------------------


def needs(builtin_known, *names: str) -> None:
    missing = [n for n in names if not builtin_known(n)]
    if missing:
        pytest.fail(f"this build has no {', '.join(missing)} builtin")


def assert_clean_error(r, *words: str) -> None:
    assert r.status == "error", r.describe()
    text = (r.error or {}).get("evalue", "") + " " + (r.error or {}).get("ename", "")
    assert any(w.lower() in text.lower() for w in words), r.describe()


def test_absurd_sizes_are_refused_before_allocating(kernel: Kernel, builtin_known) -> None:
    needs(builtin_known, "AutoEncoder", "dataset")
    kernel.execute(f"var keep = {KEEP}")
    pid = kernel.km.provisioner.pid
    before = rss_kb(pid, "VmRSS")
    assert_clean_error(kernel.execute("AutoEncoder(latent: 100000000)", timeout=120), "latent", "784", "range")
    assert_clean_error(kernel.execute("ConvAutoEncoder(latent: -5)", timeout=120), "latent", "range")
    r = kernel.execute('dataset("synthetic", train: 1000000000000, test: 10)', timeout=120)
    assert_clean_error(r, "train", "100000", "too", "at most")
    # Refused before allocating: the peak stays far below what any of those sizes would take.
    rise_mb = (rss_kb(pid, "VmHWM") - before) / 1024
    assert rise_mb < 256, f"peak RSS rose by {rise_mb:.0f} MB while refusing absurd sizes"
    assert kernel.execute("keep").text == str(KEEP)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs (root only): writes beyond it fail with ENOSPC."""
    import subprocess

    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_save_and_export_to_a_full_or_read_only_disk_fail_cleanly(kernel: Kernel, builtin_known, small_disk: Path) -> None:
    import subprocess

    needs(builtin_known, "AutoEncoder", "save")
    r = kernel.execute("let big = AutoEncoder(latent: 64)")  # ~400 KB of weights: more than the disk
    assert r.status == "ok", r.describe()
    target = small_disk / "big.ckpt"
    assert_clean_error(kernel.execute(f'save(big, to: "{target}")'), "disk full", "space", "No space")
    assert list(small_disk.iterdir()) == [], f"partial files left: {list(small_disk.iterdir())}"
    r = kernel.execute('var text = "0123456789"\nfor i in 0..<14 { text = text + text }\ntext.count')
    assert r.status == "ok" and r.text == str(10 * 2**14), r.describe()
    assert_clean_error(kernel.execute(f'export(text, to: "{small_disk / "big.txt"}")'), "disk full", "space", "No space")
    assert list(small_disk.iterdir()) == [], f"partial files left: {list(small_disk.iterdir())}"

    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    r = kernel.execute(f'save(AutoEncoder(latent: 2), to: "{small_disk / "small.ckpt"}")')
    assert_clean_error(r, "read-only", "read only", "permission")
    assert_clean_error(kernel.execute(f'export("hello", to: "{small_disk / "note.txt"}")'),
                       "read-only", "read only", "permission")
    assert list(small_disk.iterdir()) == []
    assert kernel.execute("big.latent").text == "64", "the model survives the failed saves"


def test_corrupt_checkpoint_and_idx_are_rejected_with_the_reason(kernel: Kernel, builtin_known, tmp_path: Path) -> None:
    needs(builtin_known, "load", "dataset")
    bad = tmp_path / "bad.ckpt"
    bad.write_bytes(b"MORPHCKP" + bytes(range(256)) * 4)
    assert_clean_error(kernel.execute(f'load("{bad}")'), "checkpoint", "corrupt", "truncated", "checksum", "not a")
    idx = tmp_path / "mnist"
    idx.mkdir()
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (idx / name).write_bytes(b"\x00\x00\x08\x03" + b"\xff" * 20)  # header claims more than it has
        (idx / (name + ".gz")).write_bytes(b"\x1f\x8b\x08\x00garbage")
    r = kernel.execute(f'dataset("mnist", directory: "{idx}")', timeout=60)
    assert_clean_error(r, "idx", "truncated", "corrupt", "gzip", "not")
    assert kernel.kernel_info()["status"] == "ok"
