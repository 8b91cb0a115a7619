"""Papermill support for Morph: writes injected parameters as MorphScript.

Importing this module registers :class:`MorphTranslator` for the kernel and
language named ``morph``. Papermill imports it through the ``papermill.engine``
entry point, so nothing has to be imported by hand.
"""
import math

from papermill.engines import NBClientEngine
from papermill.exceptions import PapermillException
from papermill.translators import Translator, papermill_translators


class MorphTranslator(Translator):
    """Translates Python parameter values into MorphScript literals."""

    @classmethod
    def translate_escaped_str(cls, str_val):
        if isinstance(str_val, str):
            str_val = (
                str_val.replace("\\", "\\\\")
                .replace('"', '\\"')
                .replace("\n", "\\n")
                .replace("\r", "\\r")
                .replace("\t", "\\t")
            )
        return f'"{str_val}"'

    @classmethod
    def translate_none(cls, val):
        raise PapermillException(
            "MorphScript has no null value: give the parameter a number, string, Boolean or list"
        )

    @classmethod
    def translate_float(cls, val):
        if not math.isfinite(val):
            raise PapermillException(f"MorphScript has no literal for {val!r}: pass a finite number")
        return repr(float(val))

    @classmethod
    def translate_dict(cls, val):
        raise PapermillException(
            "MorphScript has no dictionary literal: pass each entry as its own parameter"
        )

    @classmethod
    def translate_list(cls, val):
        return "[" + ", ".join(cls.translate(v) for v in val) + "]"

    @classmethod
    def comment(cls, cmt_str):
        return f"// {cmt_str}".strip()

    @classmethod
    def assign(cls, name, str_val):
        return f"let {name} = {str_val}"


class MorphEngine(NBClientEngine):
    """Papermill's standard nbclient engine, registered under the name ``morph``."""


papermill_translators.register("morph", MorphTranslator)
