"""Malformed frames, a 10 MB cell and 1000 executes in a row: the kernel stays alive,
answers kernel_info after each, and answers every well-formed request in order."""

from __future__ import annotations

import json
import time

import pytest
from jupyter_kernel_test.msgspec_v5 import validate_message

from morphtest import DELIMITER, Kernel, Wire


def execute_content(code: str) -> dict:
    return {
        "code": code,
        "silent": False,
        "store_history": True,
        "user_expressions": {},
        "allow_stdin": False,
        "stop_on_error": True,
    }


def malformed_cases(wire: Wire) -> dict[str, list[bytes]]:
    """Named raw multipart messages, each wrong in one way. Signed where a signature fits,
    so that it is the malformation, not the signature, that the kernel must cope with."""
    _, parts = wire.frames("execute_request", execute_content("counter = counter + 1"))
    header = json.loads(parts[0])

    def signed(*p: bytes) -> list[bytes]:
        return [DELIMITER, wire.sign(list(p)), *p]

    def with_header(**changes) -> list[bytes]:
        h = dict(header, **changes)
        return signed(json.dumps(h).encode(), *parts[1:])

    def with_content(content: object) -> list[bytes]:
        return signed(parts[0], parts[1], parts[2], json.dumps(content).encode())

    return {
        "empty frame": [b""],
        "delimiter only": [DELIMITER],
        "too few frames (header only)": [DELIMITER, wire.sign(parts[:1]), parts[0]],
        "too few frames (no content)": [DELIMITER, wire.sign(parts[:3]), *parts[:3]],
        "no delimiter": [wire.sign(parts), *parts],
        "invalid JSON header": signed(b"{not json", *parts[1:]),
        "invalid JSON content": signed(*parts[:3], b'{"code": '),
        "header is an array": signed(b"[]", *parts[1:]),
        "header is a string": signed(b'"execute_request"', *parts[1:]),
        "header is null": signed(b"null", *parts[1:]),
        "content is an array": signed(*parts[:3], b"[1, 2, 3]"),
        "parent header is a number": signed(parts[0], b"42", *parts[2:]),
        "metadata is a string": signed(parts[0], parts[1], b'"meta"', parts[3]),
        "msg_type is a number": with_header(msg_type=7),
        "msg_id is an object": with_header(msg_id={"a": 1}),
        "header without msg_type": signed(
            json.dumps({k: v for k, v in header.items() if k != "msg_type"}).encode(), *parts[1:]
        ),
        "session is null": with_header(session=None),
        "code is a number": with_content(dict(execute_content(""), code=42)),
        "silent is a string": with_content(dict(execute_content("counter = counter + 1"), silent="yes")),
        "user_expressions is a list": with_content(dict(execute_content("1"), user_expressions=[1])),
        "invalid UTF-8 in header": signed(parts[0].replace(b'"test"', b'"\xff\xfe"'), *parts[1:]),
        "invalid UTF-8 in code": signed(*parts[:3], b'{"code": "\xc3\x28 + 1", "silent": false}'),
        "unknown message type": with_header(msg_type="teleport_request"),
        "content nested 100000 deep": signed(
            *parts[:3], b'{"code": "1", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        ),
        "extra buffer frames": signed(*parts) + [b"\x00" * 16, b"buffer"],
    }


@pytest.fixture
def prepared(kernel: Kernel, wire: Wire) -> tuple[Kernel, Wire]:
    r = kernel.execute("var counter = 0")
    assert r.status == "ok", r.describe()
    return kernel, wire


@pytest.mark.parametrize("channel", ["shell", "control"])
def test_malformed_frames_do_not_hurt_the_kernel(prepared: tuple[Kernel, Wire], channel: str) -> None:
    kernel, wire = prepared
    socket = getattr(wire, channel)
    failures = []
    for name, frames in malformed_cases(wire).items():
        wire.send_raw(socket, frames)
        info = wire.kernel_info(timeout=5)
        if not kernel.is_alive():
            pytest.fail(f"kernel died after {name!r} on {channel}\n{kernel.log_tail()}")
        if info is None:
            failures.append(name)
    assert not failures, f"no kernel_info_reply after: {failures}\n{kernel.log_tail()}"
    # Some cases are still runnable requests (e.g. extra buffers); none may run twice.
    r = kernel.execute("counter")
    assert r.status == "ok", r.describe()
    assert r.text in {str(i) for i in range(len(malformed_cases(wire)) + 1)}, r.describe()
    ok = kernel.execute('print("fine")')
    assert ok.stream() == "fine\n", ok.describe()


def test_replies_where_the_spec_allows(prepared: tuple[Kernel, Wire]) -> None:
    """Well-formed, signed requests with bad content get a schema-valid reply (an error, or
    a lenient answer), never silence: a client must not wait forever."""
    kernel, wire = prepared
    cases = [
        ("execute_request", dict(execute_content(""), code=42), "execute_reply", "error"),
        ("execute_request", {"silent": False}, "execute_reply", "error"),
        ("complete_request", {"code": "pri", "cursor_pos": "three"}, "complete_reply", None),
        ("complete_request", {"code": 7, "cursor_pos": 1}, "complete_reply", None),
        ("inspect_request", {"code": None, "cursor_pos": 0}, "inspect_reply", None),
        ("is_complete_request", {"code": ["1"]}, "is_complete_reply", None),
        ("history_request", {"hist_access_type": "sideways"}, "history_reply", None),
    ]
    problems = []
    for msg_type, content, reply_type, want in cases:
        msg_id = wire.send(wire.shell, msg_type, content)
        reply = wire.reply(wire.shell, msg_id, timeout=5)
        if reply is None:
            problems.append(f"{msg_type} {content}: no reply")
            continue
        try:
            validate_message({k: v for k, v in reply.items() if k != "buffers"}, reply_type, msg_id)
        except Exception as error:  # jsonschema.ValidationError or AssertionError
            problems.append(f"{msg_type} {content}: reply not schema-valid: {error}")
        status = reply["content"].get("status")
        if want and status != want:
            problems.append(f"{msg_type} {content}: status {status!r}, want {want!r}")
    assert not problems, "\n".join(problems)
    assert kernel.kernel_info()["status"] == "ok"


def test_ten_megabyte_cell(kernel: Kernel) -> None:
    size = 10 * 1024 * 1024
    comment = "// " + "x" * size
    r = kernel.execute(comment + "\n6 * 7", timeout=120)
    assert r.status == "ok", r.describe()[:3000]
    assert r.text == "42"
    assert kernel.kernel_info()["status"] == "ok"

    literal = 'let big = "' + "y" * size + '"\n1 + 1'
    r = kernel.execute(literal, timeout=120)
    assert r.status == "ok", r.describe()[:3000]
    assert r.text == "2"
    assert kernel.kernel_info()["status"] == "ok"
    ok = kernel.execute('print("after big cells")')
    assert ok.stream() == "after big cells\n"


def test_ten_megabyte_invalid_cell_is_an_error_not_a_crash(kernel: Kernel) -> None:
    r = kernel.execute("(" * (10 * 1024 * 1024), timeout=120)
    assert r.status == "error", r.describe()[:3000]
    assert kernel.is_alive(), kernel.log_tail()
    assert kernel.kernel_info()["status"] == "ok"


def test_thousand_executes_in_a_row(prepared: tuple[Kernel, Wire]) -> None:
    kernel, wire = prepared
    n = 1000
    ids = [wire.send(wire.shell, "execute_request", execute_content("counter = counter + 1")) for _ in range(n)]
    replies = []
    deadline = time.monotonic() + 120
    while len(replies) < n and time.monotonic() < deadline:
        msg = wire.recv(wire.shell, 5)
        if msg is None:
            continue
        if msg["msg_type"] == "execute_reply":
            replies.append(msg)
    assert len(replies) == n, f"only {len(replies)} of {n} execute_replies arrived"
    got = [r["parent_header"]["msg_id"] for r in replies]
    assert got == ids, "replies came out of order"
    assert all(r["content"]["status"] == "ok" for r in replies), [
        r["content"] for r in replies if r["content"]["status"] != "ok"
    ][:3]
    counts = [r["content"]["execution_count"] for r in replies]
    assert counts == list(range(counts[0], counts[0] + n)), "execution counts are not consecutive"
    r = kernel.execute("counter")
    assert r.text == str(n), r.describe()
    assert kernel.kernel_info()["status"] == "ok"


def test_hundred_interrupts_in_a_row(prepared: tuple[Kernel, Wire]) -> None:
    kernel, wire = prepared
    ids = [wire.send(wire.control, "interrupt_request", {}) for _ in range(100)]
    got = []
    deadline = time.monotonic() + 30
    while len(got) < len(ids) and time.monotonic() < deadline:
        msg = wire.recv(wire.control, 2)
        if msg is not None and msg["msg_type"] == "interrupt_reply":
            got.append(msg["parent_header"]["msg_id"])
    assert sorted(got) == sorted(ids), f"{len(got)} of {len(ids)} interrupt_replies"
    assert kernel.is_alive(), kernel.log_tail()
    r = kernel.execute("counter + 1")
    assert r.status == "ok" and r.text == "1", r.describe()


def test_client_that_disconnects_mid_execute(prepared: tuple[Kernel, Wire]) -> None:
    kernel, wire = prepared
    info = kernel.km.get_connection_info()
    leaver = Wire(info)
    leaver.send(leaver.shell, "execute_request",
                execute_content("for i in 0..<200000 { counter = counter + 1 }\ncounter = 0"))
    leaver.close()  # gone before the reply
    comer = Wire(info)
    try:
        assert comer.kernel_info(timeout=30) is not None, "no kernel_info after a client left mid-execute"
        reply = comer.execute("counter = counter + 5\ncounter", timeout=120)
        assert reply is not None and reply["content"]["status"] == "ok", reply
    finally:
        comer.close()
    r = kernel.execute("counter")
    assert r.text == "5", r.describe()
    assert kernel.is_alive(), kernel.log_tail()
