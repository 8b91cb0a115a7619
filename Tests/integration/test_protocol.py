"""Protocol details end to end, beyond jupyter_kernel_test: message order and headers,
silent and store_history, user_expressions, stop_on_error, completion with non-ASCII text,
inspection of variables, comms, kernel_info on control, history search."""

from __future__ import annotations

import re
import time

from morphtest import Kernel

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def test_message_order_and_headers(kernel: Kernel) -> None:
    r = kernel.execute('print("out")\n6 * 7')
    kinds = [m["msg_type"] for m in r.iopub]
    assert kinds[0] == "status" and r.iopub[0]["content"]["execution_state"] == "busy", kinds
    assert kinds[1] == "execute_input", kinds
    assert kinds[-1] == "status" and r.iopub[-1]["content"]["execution_state"] == "idle", kinds
    assert set(kinds[2:-1]) == {"stream", "execute_result"}, kinds
    sessions = set()
    for m in [r.reply, *r.iopub]:
        h = m["header"]
        assert h["version"] == "5.5", h
        assert ISO.match(str(h["date"]) if isinstance(h["date"], str) else h["date"].isoformat().replace("+00:00", "Z")), h
        assert m["parent_header"]["msg_id"] == r.msg_id
        sessions.add(h["session"])
    assert len(sessions) == 1, f"the kernel should use one session id, saw {sessions}"
    assert r.iopub[1]["content"]["execution_count"] == r.content["execution_count"]
    result = r.of_type("execute_result")[0]["content"]
    assert result["execution_count"] == r.content["execution_count"]


def test_execution_count_and_store_history(kernel: Kernel) -> None:
    a = kernel.execute("1")
    b = kernel.execute("2", store_history=False)
    c = kernel.execute("3")
    assert c.content["execution_count"] == a.content["execution_count"] + 1, (a.content, b.content, c.content)


def test_silent_execution_publishes_nothing(kernel: Kernel) -> None:
    before = kernel.execute("var hidden = 1")
    r = kernel.execute('hidden = 2\nprint("should not show")\nhidden', silent=True)
    assert r.status == "ok", r.describe()
    kinds = [m["msg_type"] for m in r.iopub]
    assert "execute_input" not in kinds and "stream" not in kinds and "execute_result" not in kinds, kinds
    after = kernel.execute("hidden")
    assert after.text == "2", after.describe()
    assert after.content["execution_count"] == before.content["execution_count"] + 1


def test_user_expressions(kernel: Kernel) -> None:
    r = kernel.execute("let base = 20", user_expressions={"double": "base * 2", "bad": "nope + 1"})
    assert r.status == "ok", r.describe()
    ue = r.content["user_expressions"]
    assert ue["double"]["status"] == "ok", ue
    assert ue["double"]["data"]["text/plain"] == "40", ue
    assert ue["bad"]["status"] == "error", ue
    assert ue["bad"]["ename"] == "NameError", ue


def test_stop_on_error_aborts_queued_cells(kernel: Kernel) -> None:
    assert kernel.execute("var ran = 0").status == "ok"
    first = kernel.kc.execute("undefinedName")
    second = kernel.kc.execute("ran = 1")
    r1 = kernel.collect(first)
    r2 = kernel.collect(second)
    assert r1.status == "error", r1.describe()
    assert r2.status == "aborted", r2.describe()
    assert kernel.execute("ran").text == "0"


def test_stop_on_error_false_keeps_going(kernel: Kernel) -> None:
    assert kernel.execute("var ran = 0").status == "ok"
    first = kernel.kc.execute("undefinedName", stop_on_error=False)
    second = kernel.kc.execute("ran = 1")
    assert kernel.collect(first).status == "error"
    assert kernel.collect(second).status == "ok"
    assert kernel.execute("ran").text == "1"


def test_error_reply_fields(kernel: Kernel) -> None:
    r = kernel.execute("let a = 1\nlet b = a +* 2")
    assert r.status == "error", r.describe()
    assert r.content["ename"] == "SyntaxError", r.describe()
    assert isinstance(r.content["traceback"], list) and r.content["traceback"], r.describe()
    err = r.error
    assert err is not None and err["ename"] == "SyntaxError"
    joined = "\n".join(err["traceback"])
    assert "^" in joined and "line 2" in joined.lower(), joined


def test_failed_cell_keeps_earlier_bindings(kernel: Kernel) -> None:
    assert kernel.execute("let keep = 7").status == "ok"
    assert kernel.execute("let lost = keep + missing").status == "error"
    assert kernel.execute("keep").text == "7"
    gone = kernel.execute("lost")
    assert gone.content.get("ename") == "NameError", gone.describe()


def test_did_you_mean(kernel: Kernel) -> None:
    assert kernel.execute("let learningRate = 1").status == "ok"
    r = kernel.execute("learningRat + 1")
    assert r.content.get("ename") == "NameError", r.describe()
    assert "learningRate" in r.content["evalue"], r.describe()


def complete(kernel: Kernel, code: str, cursor: int | None = None) -> dict:
    msg_id = kernel.kc.complete(code, cursor_pos=len(code) if cursor is None else cursor)
    return kernel.shell_reply(msg_id)["content"]


def test_completion_of_session_variables(kernel: Kernel) -> None:
    assert kernel.execute("let zebraCount = 1").status == "ok"
    c = complete(kernel, "zebra")
    assert c["status"] == "ok"
    assert "zebraCount" in c["matches"], c
    assert (c["cursor_start"], c["cursor_end"]) == (0, 5), c
    types = c["metadata"].get("_jupyter_types_experimental")
    assert types, f"no _jupyter_types_experimental in {c['metadata']}"


def test_completion_cursor_counts_code_points(kernel: Kernel) -> None:
    assert kernel.execute("let zebraCount = 1").status == "ok"
    code = 'let s = "héllo 🦓 wörld"; zebr'
    c = complete(kernel, code)
    assert "zebraCount" in c["matches"], c
    n = len(code)  # Python counts code points, as protocol 5.2+ does
    assert (c["cursor_start"], c["cursor_end"]) == (n - 4, n), c


def test_completion_mid_line(kernel: Kernel) -> None:
    code = "pri(1)"
    c = complete(kernel, code, cursor=3)
    assert "print" in c["matches"], c
    assert c["cursor_start"] == 0 and c["cursor_end"] == 3, c


def test_inspect_variable_and_builtin(kernel: Kernel) -> None:
    assert kernel.execute("let answer = 42").status == "ok"
    msg_id = kernel.kc.inspect("answer", cursor_pos=3)
    r = kernel.shell_reply(msg_id)["content"]
    assert r["status"] == "ok" and r["found"], r
    assert "text/plain" in r["data"], r
    msg_id = kernel.kc.inspect("print(1)", cursor_pos=2)
    r = kernel.shell_reply(msg_id)["content"]
    assert r["found"] and "print" in r["data"]["text/plain"], r
    assert "text/markdown" in r["data"], r
    msg_id = kernel.kc.inspect("   ", cursor_pos=1)
    r = kernel.shell_reply(msg_id)["content"]
    assert r["status"] == "ok" and r["found"] is False, r


def test_is_complete_indent(kernel: Kernel) -> None:
    msg_id = kernel.kc.is_complete("for i in 0..<3 {")
    r = kernel.shell_reply(msg_id)["content"]
    assert r["status"] == "incomplete", r
    assert isinstance(r.get("indent"), str), r


def test_comms(kernel: Kernel) -> None:
    msg = kernel.kc.session.msg("comm_info_request", {})
    kernel.kc.shell_channel.send(msg)
    r = kernel.shell_reply(msg["header"]["msg_id"])["content"]
    assert r["status"] == "ok" and r["comms"] == {}, r

    comm_id = "c0ffee"
    msg = kernel.kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "no.such.target", "data": {}})
    kernel.kc.shell_channel.send(msg)
    deadline = time.monotonic() + 10
    closes = []
    while time.monotonic() < deadline and not closes:
        closes = [m for m in kernel.drain_iopub(0.5) if m["msg_type"] == "comm_close"]
    assert closes and closes[0]["content"]["comm_id"] == comm_id, "no comm_close for an unknown target"
    assert kernel.kernel_info()["status"] == "ok"


def test_kernel_info_on_control_and_shell(kernel: Kernel) -> None:
    shell = kernel.kernel_info()
    control = kernel.control_request("kernel_info_request", {})["content"]
    for info in (shell, control):
        assert info["protocol_version"] == "5.5", info
        assert info["implementation"], info
        li = info["language_info"]
        assert li["name"] == "morph" and li["file_extension"] == ".morph", li
        assert li["mimetype"] == "text/x-morph", li
        assert li["pygments_lexer"] == "swift" and li["codemirror_mode"] == "swift", li
        assert info.get("supported_features") == [], info


def test_kernel_info_on_control_while_busy(kernel: Kernel) -> None:
    """Control is answered while a cell runs: the cell never ends by itself, so its reply can
    only come after the interrupt that follows the control reply. The waits are generous bounds
    against hangs; how fast control answers is a benchmark's business."""
    assert kernel.execute("var s = 0").status == "ok"
    code = "for i in 0..<100000000000 { s = s + i }"
    msg_id = kernel.kc.execute(code)
    busy = kernel.collect_until(msg_id, "execute_input", timeout=30)
    assert busy, "the cell never started"
    info = kernel.control_request("kernel_info_request", {}, timeout=30)["content"]
    assert info["status"] == "ok"
    kernel.km.interrupt_kernel()
    result = kernel.collect(msg_id, code, timeout=60)
    assert result.content.get("ename") == "Interrupted", result.describe()


def test_history_search_unique(kernel: Kernel) -> None:
    for _ in range(3):
        assert kernel.execute("let marker = 1").status == "ok"
    msg_id = kernel.kc.history(hist_access_type="search", pattern="let marker*", unique=True, raw=True, output=False)
    h = kernel.shell_reply(msg_id)["content"]["history"]
    assert len(h) == 1, h
    msg_id = kernel.kc.history(hist_access_type="search", pattern="let marker*", raw=True, output=False)
    h = kernel.shell_reply(msg_id)["content"]["history"]
    assert len(h) == 3, h


def test_clear_output_and_display(kernel: Kernel) -> None:
    r = kernel.execute('print("gone")\nclear()\nprint("kept")')
    kinds = [m["msg_type"] for m in r.iopub]
    assert "clear_output" in kinds, kinds
    assert kinds.index("clear_output") < max(i for i, k in enumerate(kinds) if k == "stream"), kinds
    d = kernel.execute('show("hi")')
    shown = d.of_type("display_data")
    assert shown and "text/plain" in shown[0]["content"]["data"], d.describe()
    assert "metadata" in shown[0]["content"], shown[0]["content"]
