"""Widgets in a real browser: JupyterLab (with jupyterlab_widgets, no extension of Morph's
own) renders a Morph slider and its label; moving the slider with the keyboard sends a
comm_msg to the kernel, which rewrites the label. `explore` renders its images and norm readout,
and moving its slider changes the decoded image's pixels and the readout. Screenshots are saved."""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

from browser import JupyterLab, chrome, open_and_run_all
from morphtest import KERNEL_NAME
from notebooks_small import REPO

ARTIFACTS = Path(os.environ.get("MORPH_TEST_ARTIFACTS", REPO / "out" / "test-artifacts"))

WIDGETS_JS = r"""
const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
const sliders = nb ? [...nb.querySelectorAll('.widget-slider')] : [];
const labels = nb ? [...nb.querySelectorAll('.widget-label')].map(e => e.textContent.trim()) : [];
const readouts = nb ? [...nb.querySelectorAll('.widget-readout')].map(e => e.textContent.trim()) : [];
const failed = nb ? [...nb.querySelectorAll('.jp-OutputArea-output')].map(e => e.textContent)
  .filter(t => /Error displaying widget|model not found|Failed to load/i.test(t)) : [];
return {sliders: sliders.length, labels, readouts, failed};
"""


def wait_for(driver, predicate, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = driver.execute_script(WIDGETS_JS)
        if predicate(state):
            return state
        if time.monotonic() > deadline:
            return state
        time.sleep(0.2)


def test_slider_renders_and_the_kernel_follows_the_keyboard(lab: JupyterLab) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Morph", "language": "morph"}
    nb.cells = [nbformat.v4.new_code_cell('let s = slider(min: 0, max: 10, value: 3, description: "steps")\ns')]
    nbformat.write(nb, lab.root / "widgets.ipynb")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver = chrome()
    try:
        run = open_and_run_all(driver, lab, "widgets.ipynb", timeout=120)
        assert run["errors"] == 0, run
        shown = wait_for(driver, lambda s: s["sliders"] == 1 and "value = 3" in s["labels"], 30)
        driver.save_screenshot(str(ARTIFACTS / "jupyterlab-slider-rendered.png"))
        assert shown["sliders"] == 1 and "value = 3" in shown["labels"], shown
        assert shown["readouts"] == ["3"] and not shown["failed"], shown

        handle = driver.find_element(By.CSS_SELECTOR, ".jp-Notebook .widget-slider .noUi-handle")
        handle.click()
        handle.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
        moved = wait_for(driver, lambda s: "value = 5" in s["labels"], 30)
        driver.save_screenshot(str(ARTIFACTS / "jupyterlab-slider-moved.png"))
        assert moved["readouts"] == ["5"], moved
        assert "value = 5" in moved["labels"], f"the kernel did not rewrite the label: {moved}"

        # Save, reload the page: the widget manager asks the running kernel for every widget's
        # state (the control comm's request_states) and the live slider comes back at 5.
        ActionChains(driver).send_keys(Keys.ESCAPE).key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL).perform()
        deadline = time.monotonic() + 20
        while driver.find_elements(By.CSS_SELECTOR, ".lm-TabBar-tab.jp-mod-dirty") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not driver.find_elements(By.CSS_SELECTOR, ".lm-TabBar-tab.jp-mod-dirty"), "the notebook was not saved"
        driver.refresh()
        back = wait_for(driver, lambda s: s["sliders"] == 1 and "value = 5" in s["labels"], 60)
        driver.save_screenshot(str(ARTIFACTS / "jupyterlab-slider-reloaded.png"))
        assert back["sliders"] == 1 and back["readouts"] == ["5"] and "value = 5" in back["labels"], back
        handle = driver.find_element(By.CSS_SELECTOR, ".jp-Notebook .widget-slider .noUi-handle")
        handle.click()
        handle.send_keys(Keys.ARROW_LEFT)
        again = wait_for(driver, lambda s: "value = 4" in s["labels"], 30)
        assert "value = 4" in again["labels"], f"after a reload the widget is not live: {again}"
    finally:
        driver.quit()


EXPLORE_JS = r"""
const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
const images = nb ? [...nb.querySelectorAll('img.widget-image')] : [];
const pixels = images.map(img => {
  if (!img.complete || !img.naturalWidth) return null;
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum = (sum * 31 + data[i]) % 1000000007;
  return {width: img.naturalWidth, height: img.naturalHeight, hash: sum};
});
const labels = nb ? [...nb.querySelectorAll('.widget-label')].map(e => e.textContent.trim()) : [];
const readout = labels.find(t => t.startsWith('t = ')) || null;
const sliders = nb ? nb.querySelectorAll('.widget-slider').length : 0;
return {images: pixels, readout, sliders};
"""


def test_explore_renders_and_the_image_follows_the_slider(lab: JupyterLab) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Morph", "language": "morph"}
    nb.cells = [
        nbformat.v4.new_code_cell('let data = dataset("fashion-mnist", classes: [0, 1], train: 512, test: 64)\n'
                                  "let conv = ConvAutoEncoder(latent: 16)\n"
                                  "train(conv, on: data, epochs: 1, batchSize: 64)"),
        nbformat.v4.new_code_cell("explore(conv, from: data.test[0], to: data.test[1])"),
    ]
    nbformat.write(nb, lab.root / "explore.ipynb")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver = chrome()

    def wait(predicate, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            state = driver.execute_script(EXPLORE_JS)
            if predicate(state) or time.monotonic() > deadline:
                return state
            time.sleep(0.2)

    def ready(s: dict) -> bool:
        return len(s["images"]) == 3 and all(s["images"]) and bool(s["readout"])

    try:
        run = open_and_run_all(driver, lab, "explore.ipynb", timeout=240)
        assert run["errors"] == 0, run
        shown = wait(ready, 60)
        driver.save_screenshot(str(ARTIFACTS / "jupyterlab-explore-rendered.png"))
        assert ready(shown) and shown["sliders"] == 1, shown
        decoded = shown["images"][1]
        assert (decoded["width"], decoded["height"]) == (224, 224), shown
        assert shown["readout"].startswith("t = 0.50 · ‖J‖_F = ") and "σ₁" in shown["readout"], shown

        handle = driver.find_element(By.CSS_SELECTOR, ".jp-Notebook .widget-slider .noUi-handle")
        handle.click()
        handle.send_keys(*([Keys.ARROW_RIGHT] * 10))
        moved = wait(lambda s: (s["readout"] or "").startswith("t = 0.60") and ready(s), 60)
        driver.save_screenshot(str(ARTIFACTS / "jupyterlab-explore-moved.png"))
        assert (moved["readout"] or "").startswith("t = 0.60 · ‖J‖_F = "), moved
        assert moved["readout"] != shown["readout"], "the norm readout did not change"
        assert moved["images"][1]["hash"] != decoded["hash"], f"the decoded image's pixels did not change: {moved}"
        assert moved["images"][0] == shown["images"][0] and moved["images"][2] == shown["images"][2]
    finally:
        driver.quit()
