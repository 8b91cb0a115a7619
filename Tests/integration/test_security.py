"""Signatures: a request with a bad or missing signature, or a replay of one already
seen, is dropped unexecuted; the kernel stays alive and answers kernel_info."""

from __future__ import annotations

import pytest

from morphtest import Kernel, Wire

QUIET_SECONDS = 1.0  # how long we watch for a (wrong) execution after a rejected request


def increment_request(wire: Wire) -> tuple[str, list[bytes]]:
    return wire.frames(
        "execute_request",
        {
            "code": "counter = counter + 1",
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
    )


def counter(kernel: Kernel) -> str | None:
    r = kernel.execute("counter")
    assert r.status == "ok", r.describe()
    return r.text


def assert_not_executed(kernel: Kernel, wire: Wire, msg_id: str) -> None:
    """No reply on shell and nothing on iopub for `msg_id`; kernel alive; counter unchanged."""
    reply = wire.reply(wire.shell, msg_id, timeout=QUIET_SECONDS)
    assert reply is None, f"the kernel answered a request it should have dropped: {reply}"
    seen = [m for m in wire.drain_iopub(0.2) if m["parent_header"].get("msg_id") == msg_id]
    assert not seen, f"iopub shows activity for a dropped request: {[m['msg_type'] for m in seen]}"
    assert kernel.is_alive(), kernel.log_tail()
    assert wire.kernel_info() is not None, "no kernel_info_reply after the rejected request"
    assert counter(kernel) == "0"


@pytest.fixture
def armed(kernel: Kernel, wire: Wire) -> tuple[Kernel, Wire]:
    key = kernel.km.session.key
    assert key, "the test expects a signing key in the connection file"
    r = kernel.execute("var counter = 0")
    assert r.status == "ok", r.describe()
    return kernel, wire


def test_signed_request_is_executed(armed: tuple[Kernel, Wire]) -> None:
    """Control case: the same request correctly signed runs (so the others test signing)."""
    kernel, wire = armed
    msg_id, parts = increment_request(wire)
    wire.send_raw(wire.shell, wire.signed(parts))
    reply = wire.reply(wire.shell, msg_id, timeout=10)
    assert reply is not None and reply["content"]["status"] == "ok", reply
    assert counter(kernel) == "1"


def test_bad_signature_is_dropped(armed: tuple[Kernel, Wire]) -> None:
    kernel, wire = armed
    msg_id, parts = increment_request(wire)
    good = wire.sign(parts)
    bad = (b"0" if good[:1] != b"0" else b"1") + good[1:]
    wire.send_raw(wire.shell, [b"<IDS|MSG>", bad, *parts])
    assert_not_executed(kernel, wire, msg_id)


def test_signature_from_another_key_is_dropped(armed: tuple[Kernel, Wire]) -> None:
    kernel, wire = armed
    msg_id, parts = increment_request(wire)
    real_key = wire.key
    wire.key = b"not-the-key"
    forged = wire.sign(parts)
    wire.key = real_key
    wire.send_raw(wire.shell, [b"<IDS|MSG>", forged, *parts])
    assert_not_executed(kernel, wire, msg_id)


def test_empty_signature_is_dropped(armed: tuple[Kernel, Wire]) -> None:
    kernel, wire = armed
    msg_id, parts = increment_request(wire)
    wire.send_raw(wire.shell, [b"<IDS|MSG>", b"", *parts])
    assert_not_executed(kernel, wire, msg_id)


def test_missing_signature_frame_is_dropped(armed: tuple[Kernel, Wire]) -> None:
    kernel, wire = armed
    msg_id, parts = increment_request(wire)
    wire.send_raw(wire.shell, [b"<IDS|MSG>", *parts])
    assert_not_executed(kernel, wire, msg_id)


def test_signature_over_other_content_is_dropped(armed: tuple[Kernel, Wire]) -> None:
    """A valid signature of one message attached to a different content."""
    kernel, wire = armed
    msg_id, parts = increment_request(wire)
    signature = wire.sign(parts)
    tampered = parts[:3] + [parts[3].replace(b"counter + 1", b"counter + 5")]
    wire.send_raw(wire.shell, [b"<IDS|MSG>", signature, *tampered])
    assert_not_executed(kernel, wire, msg_id)


def test_bad_signature_on_control_is_dropped(armed: tuple[Kernel, Wire]) -> None:
    kernel, wire = armed
    msg_id, parts = wire.frames("shutdown_request", {"restart": False})
    wire.send_raw(wire.control, [b"<IDS|MSG>", b"f" * 64, *parts])
    reply = wire.reply(wire.control, msg_id, timeout=QUIET_SECONDS)
    assert reply is None, f"the kernel obeyed an unsigned shutdown: {reply}"
    assert kernel.is_alive(), kernel.log_tail()
    assert wire.kernel_info() is not None


def test_replayed_message_runs_once(armed: tuple[Kernel, Wire]) -> None:
    kernel, wire = armed
    msg_id, parts = increment_request(wire)
    frames = wire.signed(parts)
    wire.send_raw(wire.shell, frames)
    first = wire.reply(wire.shell, msg_id, timeout=10)
    assert first is not None and first["content"]["status"] == "ok", first
    wire.drain_iopub(0.3)

    wire.send_raw(wire.shell, frames)  # byte-for-byte the same, signature included
    assert_replay_dropped(kernel, wire, msg_id)
    assert counter(kernel) == "1"


def test_replay_from_another_connection_runs_once(armed: tuple[Kernel, Wire]) -> None:
    """An eavesdropper resending captured frames from its own socket is refused too."""
    kernel, wire = armed
    msg_id, parts = increment_request(wire)
    frames = wire.signed(parts)
    wire.send_raw(wire.shell, frames)
    assert wire.reply(wire.shell, msg_id, timeout=10) is not None
    other = Wire(kernel.km.get_connection_info())
    try:
        other.send_raw(other.shell, frames)
        assert other.reply(other.shell, msg_id, timeout=QUIET_SECONDS) is None
    finally:
        other.close()
    assert kernel.is_alive(), kernel.log_tail()
    assert counter(kernel) == "1"


def assert_replay_dropped(kernel: Kernel, wire: Wire, msg_id: str) -> None:
    reply = wire.reply(wire.shell, msg_id, timeout=QUIET_SECONDS)
    assert reply is None, f"the kernel answered a replayed request: {reply}"
    seen = [
        m["msg_type"] for m in wire.drain_iopub(0.2)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input"
    ]
    assert not seen, "iopub shows execute_input for the replayed request"
    assert kernel.is_alive(), kernel.log_tail()
    assert wire.kernel_info() is not None


def test_key_never_appears_in_the_log(tmp_path) -> None:
    """Debug logging, rejected messages and a normal cell: the signing key is never logged."""
    from morphtest import Kernel

    k = Kernel(tmp_path / "kernel.log", cwd=str(tmp_path), env={"MORPH_LOG_LEVEL": "trace"})
    try:
        wire = Wire(k.km.get_connection_info())
        try:
            _, parts = wire.frames("execute_request", {"code": "1", "silent": False})
            wire.send_raw(wire.shell, [b"<IDS|MSG>", b"0" * 64, *parts])
            wire.send_raw(wire.shell, [b"<IDS|MSG>", *parts])
            assert wire.kernel_info() is not None
        finally:
            wire.close()
        assert k.execute('print("ok")').stream() == "ok\n"
        key = k.km.session.key.decode()
        log = k.log_tail(10**7)
    finally:
        k.shutdown()
    assert key and key not in log, "the signing key appears in the kernel's log"
