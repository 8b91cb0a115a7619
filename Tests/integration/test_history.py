"""History across sessions: a restarted kernel reads the previous session's cells from the
store under the Jupyter data directory; a corrupt store never stops the kernel."""

from __future__ import annotations

from pathlib import Path

from morphtest import Kernel


def history(k: Kernel, **content) -> list:
    msg_id = k.kc.history(**content)
    reply = k.shell_reply(msg_id)["content"]
    assert reply["status"] == "ok", reply
    return [tuple(row) if not isinstance(row[2], list) else (row[0], row[1], tuple(row[2])) for row in reply["history"]]


def test_a_restarted_kernel_reads_the_previous_session(tmp_path: Path) -> None:
    env = {"JUPYTER_DATA_DIR": str(tmp_path / "data")}
    first = Kernel(tmp_path / "first.log", env=env)
    try:
        assert first.execute("let yesterday = 40").status == "ok"
        assert first.execute("yesterday + 2").status == "ok"
        first.execute("this is an error")
        first.execute("1", store_history=False)
        own = history(first, hist_access_type="tail", n=10, output=False, raw=True)
        assert [row[2] for row in own] == ["let yesterday = 40", "yesterday + 2", "this is an error"]
        session = own[0][0]
    finally:
        first.shutdown()
    assert (tmp_path / "data" / "morph" / "history.jsonl").is_file()

    second = Kernel(tmp_path / "second.log", env=env)
    try:
        assert second.execute("let today = 1").status == "ok"
        tail = history(second, hist_access_type="tail", n=4, output=False, raw=True)
        assert tail == [
            (session, 1, "let yesterday = 40"), (session, 2, "yesterday + 2"),
            (session, 3, "this is an error"), (session + 1, 1, "let today = 1"),
        ]
        previous = history(second, hist_access_type="range", session=-1, start=2, stop=3, output=True, raw=True)
        assert previous == [(session, 2, ("yesterday + 2", "42"))]
        found = history(second, hist_access_type="search", pattern="*yesterday*", n=10, output=False, raw=True)
        assert [row[2] for row in found] == ["let yesterday = 40", "yesterday + 2"]
        # The console's up-arrow asks for the tail; JupyterLab's for a search with unique.
        unique = history(second, hist_access_type="search", pattern="*", unique=True, n=2, output=False, raw=True)
        assert [row[2] for row in unique] == ["this is an error", "let today = 1"]
    finally:
        second.shutdown()


def test_a_corrupt_store_does_not_stop_the_kernel(tmp_path: Path) -> None:
    store = tmp_path / "data" / "morph" / "history.jsonl"
    store.parent.mkdir(parents=True)
    store.write_bytes(b'\x00\xff not json\n{"session": 1, "line": 1, "input": "kept", "output": null}\n{"sess')
    k = Kernel(tmp_path / "kernel.log", env={"JUPYTER_DATA_DIR": str(tmp_path / "data")})
    try:
        assert k.execute("let x = 1").status == "ok"
        tail = history(k, hist_access_type="tail", n=10, output=False, raw=True)
        assert [row[2] for row in tail] == ["kept", "let x = 1"]
        history(k, hist_access_type="tail", n=10, output=False, raw=True)
        assert k.execute("x + 1").text == "2"
    finally:
        k.shutdown()
    log = (tmp_path / "kernel.log").read_text()
    assert log.count("unreadable line") == 1, log


def test_an_unusable_store_keeps_history_in_memory(tmp_path: Path) -> None:
    (tmp_path / "data" / "morph" / "history.jsonl").mkdir(parents=True)  # a directory, not a file
    k = Kernel(tmp_path / "kernel.log", env={"JUPYTER_DATA_DIR": str(tmp_path / "data")})
    try:
        assert k.execute("let y = 5").status == "ok"
        assert k.execute("y").text == "5"
        tail = history(k, hist_access_type="tail", n=10, output=False, raw=True)
        assert [row[2] for row in tail] == ["let y = 5", "y"]
    finally:
        k.shutdown()
    log = (tmp_path / "kernel.log").read_text()
    assert log.count("history is kept in memory only") == 1, log
