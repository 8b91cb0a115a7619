"""input() through the stdin channel, and a clear error when the front end allows none."""

from __future__ import annotations

import json
import time
from queue import Empty

from morphtest import Kernel


def test_input_round_trip(kernel: Kernel) -> None:
    code = 'let name = input("Name? ")'
    msg_id = kernel.kc.execute(code, allow_stdin=True)
    request = kernel.kc.get_stdin_msg(timeout=10)
    assert request["msg_type"] == "input_request", request
    assert request["parent_header"]["msg_id"] == msg_id
    assert request["content"]["prompt"] == "Name? "
    assert request["content"]["password"] is False
    kernel.kc.input("Ada Lovelace")
    result = kernel.collect(msg_id, code)
    assert result.status == "ok", result.describe()

    shown = kernel.execute("print(name)")
    assert shown.stream() == "Ada Lovelace\n", shown.describe()


def test_password_input_reaches_the_client_with_the_password_flag(kernel: Kernel) -> None:
    code = 'let secret = input("Passphrase: ", password: true)\nsecret.count'
    msg_id = kernel.kc.execute(code, allow_stdin=True)
    request = kernel.kc.get_stdin_msg(timeout=30)
    assert request["msg_type"] == "input_request", request
    assert request["parent_header"]["msg_id"] == msg_id
    assert request["content"]["prompt"] == "Passphrase: "
    assert request["content"]["password"] is True, request["content"]
    kernel.kc.input("hunter22")
    result = kernel.collect(msg_id, code)
    assert result.status == "ok", result.describe()
    assert result.text == "8", result.describe()
    assert "hunter22" not in json.dumps(result.iopub, default=str), "the kernel echoed the password on iopub"


def test_input_with_non_ascii_answer(kernel: Kernel) -> None:
    r = kernel.execute('let city = input("City? ")\nprint(city)', allow_stdin=True, stdin_answers=["Zürich ✓"])
    assert r.status == "ok", r.describe()
    assert r.stream() == "Zürich ✓\n", r.describe()


def test_input_without_stdin_is_a_clear_error(kernel: Kernel) -> None:
    r = kernel.execute('let name = input("Name? ")', allow_stdin=False)
    assert r.status == "error", r.describe()
    message = (r.content["ename"] + " " + r.content["evalue"]).lower()
    assert "stdin" in message or "input" in message, f"unclear error: {r.content}"
    try:
        stray = kernel.kc.get_stdin_msg(timeout=0.2)
    except Empty:
        stray = None
    assert stray is None, f"the kernel asked for input although allow_stdin was false: {stray}"
    # the failed statement bound nothing; the kernel carries on
    after = kernel.execute("name")
    assert after.status == "error" and after.content["ename"] == "NameError", after.describe()


def test_interrupt_while_waiting_for_input(kernel: Kernel) -> None:
    code = 'let answer = input("Waiting: ")'
    msg_id = kernel.kc.execute(code, allow_stdin=True)
    kernel.kc.get_stdin_msg(timeout=10)
    time.sleep(0.2)
    kernel.km.interrupt_kernel()
    result = kernel.collect(msg_id, code, timeout=30)
    assert result.status == "error", result.describe()
    assert result.content["ename"] == "Interrupted", result.describe()
    ok = kernel.execute("1 + 1")
    assert ok.text == "2", ok.describe()
