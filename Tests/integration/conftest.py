"""Fixtures for Morph's integration tests: every kernel they start is shut down, and a
failing test shows the kernel's log."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from browser import JupyterLab, browser_problem
from morphtest import Kernel, Wire, kernelspec_problem


def pytest_sessionstart(session: pytest.Session) -> None:
    # Kernels keep history under the Jupyter data directory: the tests' kernels use their own.
    os.environ["JUPYTER_DATA_DIR"] = tempfile.mkdtemp(prefix="morph-test-data-")
    problem = kernelspec_problem()
    if problem:
        pytest.exit(f"Morph integration tests cannot run: {problem}", returncode=3)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    report = yield
    if report.when == "call" and report.failed:
        kernel = getattr(item, "_morph_kernel", None)
        if kernel is not None:
            report.sections.append(("Morph kernel log", kernel.log_tail()))
    return report


@pytest.fixture
def kernel(request: pytest.FixtureRequest, tmp_path) -> Iterator[Kernel]:
    """A fresh Morph kernel (from the installed kernelspec) and a connected client."""
    k = Kernel(tmp_path / "kernel.log", cwd=str(tmp_path))
    request.node._morph_kernel = k
    try:
        yield k
    finally:
        k.shutdown()


@pytest.fixture(scope="session")
def builtin_known(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """known(name): whether this build's kernel completes `name` to itself (a builtin)."""
    k = Kernel(tmp_path_factory.mktemp("probe") / "kernel.log")
    cache: dict[str, bool] = {}

    def known(name: str) -> bool:
        if name not in cache:
            msg_id = k.kc.complete(name, cursor_pos=len(name))
            cache[name] = name in k.shell_reply(msg_id)["content"].get("matches", [])
        return cache[name]

    try:
        yield known
    finally:
        k.shutdown()


@pytest.fixture
def wire(kernel: Kernel) -> Iterator[Wire]:
    """Raw ZeroMQ sockets to the `kernel` fixture's kernel, signing done by the test."""
    w = Wire(kernel.km.get_connection_info())
    try:
        yield w
    finally:
        w.close()


@pytest.fixture
def lab(tmp_path) -> Iterator[JupyterLab]:
    """A JupyterLab server from the test venv on a fresh root folder (for the browser tests)."""
    problem = browser_problem()
    if problem:
        pytest.fail(problem)
    root = tmp_path / "lab"
    root.mkdir()
    server = JupyterLab(root, tmp_path / "jupyterlab.log")
    try:
        yield server
    finally:
        server.stop()
