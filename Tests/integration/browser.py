"""A JupyterLab server from the test venv and a headless Chromium (Debian's chromium and
chromium-driver, driven by selenium), for tests that open a notebook in a real browser."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get("MORPH_CHROMIUM", "/usr/lib/chromium/chromium")
CHROMEDRIVER = os.environ.get("MORPH_CHROMEDRIVER", "/usr/bin/chromedriver")


def browser_problem() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(path):
            return f"{path} is missing: run scripts/install-deps.sh (apt packages chromium, chromium-driver)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """`jupyter lab` serving `root`, with cell windowing off so every cell is in the DOM."""

    def __init__(self, root: Path, log_path: Path):
        self.root = root
        self.token = secrets.token_hex(16)
        self.port = free_port()
        settings = root.parent / f"lab-settings-{self.port}"
        self._write_settings(settings)
        env = dict(os.environ)
        env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
        env["JUPYTERLAB_WORKSPACES_DIR"] = str(settings / "workspaces")
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
                f"--ServerApp.port={self.port}", "--ServerApp.ip=127.0.0.1",
                "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}",
                f"--IdentityProvider.token={self.token}",
            ],
            cwd=root, env=env, stdout=self.log, stderr=self.log, start_new_session=True,
        )
        self._wait_ready()

    @staticmethod
    def _write_settings(settings: Path) -> None:
        files = {
            "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
            "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
                "fetchNews": "false", "checkForUpdates": False,
            },
        }
        for rel, content in files.items():
            path = settings / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(content))

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"jupyter lab not ready within {timeout} s:\n{self.log_tail()}")

    def url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?token={self.token}&reset"

    def log_tail(self, limit: int = 4000) -> str:
        self.log.flush()
        try:
            return Path(self.log.name).read_bytes()[-limit:].decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def chrome(width: int = 1400, height: int = 2000):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


RUN_ALL = "runmenu:run-all"


def open_and_run_all(driver, lab: JupyterLab, notebook: str, timeout: float = 300) -> dict:
    """Opens `notebook` in JupyterLab, runs every cell through the Run menu, waits until the
    kernel is idle and every code cell has run; returns what the page shows."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(lab.url(notebook))
    wait = WebDriverWait(driver, 60)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")))
    wait_kernel_idle(driver, 60)

    menu = wait.until(EC.element_to_be_clickable(
        (By.XPATH, "//li[contains(@class,'lm-MenuBar-item')][.//div[normalize-space(text())='Run']]")))
    menu.click()
    item = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f"li[data-command='{RUN_ALL}']")))
    item.click()

    deadline = time.monotonic() + timeout
    time.sleep(0.5)
    while True:
        accept_kernel_dialog(driver)
        state = page_state(driver)
        if state["kernel"] == "idle" and state["code_cells"] > 0 and state["pending"] == 0 and state["unrun"] == 0:
            return state
        if time.monotonic() > deadline:
            raise TimeoutError(f"cells still running after {timeout} s: {state}")
        time.sleep(0.5)


def accept_kernel_dialog(driver) -> bool:
    """Clicks Select in a "Select Kernel" dialog (shown when a kernel is not yet attached)."""
    return bool(driver.execute_script(r"""
      const d = [...document.querySelectorAll('.jp-Dialog')].find(e => /Select Kernel/.test(e.textContent));
      const b = d && d.querySelector('.jp-Dialog-button.jp-mod-accept');
      if (b) { b.click(); return true; }
      return false;
    """))


def wait_kernel_idle(driver, timeout: float) -> None:
    """Waits until the notebook's kernel is started and idle (status bar "NAME | Idle")."""
    deadline = time.monotonic() + timeout
    while True:
        accept_kernel_dialog(driver)
        state = page_state(driver)
        if state["kernel"] == "idle" and "| Idle" in state["statusbar"]:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"kernel not idle within {timeout} s: {state}")
        time.sleep(0.3)


PAGE_STATE_JS = r"""
const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook') || document.querySelector('.jp-Notebook');
const indicator = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
const status = indicator ? (indicator.getAttribute('data-status') || '') : '';
const cells = nb ? [...nb.querySelectorAll('.jp-CodeCell')] : [];
const prompts = cells.map(c => (c.querySelector('.jp-InputArea-prompt') || {}).textContent || '');
const q = s => nb ? nb.querySelectorAll(s).length : 0;
return {
  kernel: status,
  statusbar: (document.querySelector('.jp-StatusBar-Widget') ? [...document.querySelectorAll('.jp-StatusBar-Widget')].map(e => e.textContent).join(' ; ') : ''),
  code_cells: cells.length,
  prompts: prompts,
  pending: prompts.filter(p => p.includes('*')).length,
  unrun: prompts.filter(p => !/\[\d+\]/.test(p)).length,
  png: q('.jp-OutputArea-output img[src^="data:image/png"]'),
  svg: q('.jp-RenderedSVG svg, .jp-RenderedImage svg, .jp-OutputArea-output svg'),
  vega: q('.jp-RenderedVegaCommon5, .vega-embed'),
  tables: q('.jp-OutputArea-output table'),
  markdown: q('.jp-OutputArea-output.jp-RenderedMarkdown, .jp-OutputArea-output .jp-RenderedMarkdown'),
  errors: q('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'),
  error_text: [...(nb ? nb.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]') : [])].map(e => e.textContent.slice(0, 300)),
  text: [...(nb ? nb.querySelectorAll('.jp-OutputArea-output[data-mime-type="text/plain"], .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]') : [])].map(e => e.textContent.slice(0, 200)),
};
"""


def page_state(driver) -> dict:
    return driver.execute_script(PAGE_STATE_JS)
