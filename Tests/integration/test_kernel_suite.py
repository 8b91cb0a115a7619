"""The official Jupyter kernel test suite (jupyter_kernel_test), every sample filled in
with real MorphScript. Each message is validated against the protocol schema by the suite.

Not filled in: `code_page_something`. Morph has no pager payload (`help(name)` and
inspect_request show documentation as ordinary outputs), and the pager payload is
deprecated in favour of display_data, so there is nothing to page.
"""

from __future__ import annotations

import jupyter_kernel_test

from morphtest import KERNEL_NAME


class MorphKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME

    language_name = "morph"
    file_extension = ".morph"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'eprint("oops")'

    completion_samples = [
        {"text": "pri", "matches": {"print"}},
        {"text": "epri", "matches": {"eprint"}},
    ]

    complete_code_samples = ["1 + 2", 'print("hi")', "let x = [1, 2]", "for i in 0..<3 { print(i) }"]
    incomplete_code_samples = ["print(1,", "let x = [1, 2", "for i in 0..<3 {", '"unterminated', "1 +"]
    invalid_code_samples = [")", "let x = ]", "}"]

    code_generate_error = "undefinedName + 1"

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "1 + 2", "result": "3"},
        {"code": '"ab" + "cd"', "mime": "text/plain"},
        # an image value as the cell's result: a PNG (synthetic data needs no files)
        {"code": 'dataset("synthetic", train: 1, test: 2).test[1]', "mime": "image/png"},
    ]

    code_display_data = [
        {"code": 'show("hi")', "mime": "text/plain"},
        {"code": 'show(dataset("synthetic", train: 1, test: 4).test[0..<4])', "mime": "image/png"},
        {"code": "help(print)", "mime": "text/markdown"},
    ]

    # Glob-style; matches "6 * 7" only among the code_execute_result samples.
    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "print"

    code_clear_output = "clear()"


class MorphIopubWelcomeTests(jupyter_kernel_test.IopubWelcomeTests):
    kernel_name = KERNEL_NAME
    support_iopub_welcome = True
