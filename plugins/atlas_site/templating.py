"""The templates' Jinja environment: what the atlas changes in Jinja for speed, with the same pages.

A build of 2,000 places renders some 23,000 pages; py-spy showed Jinja's own machinery (contexts, escaping,
gettext calls) as a large share of their time. Each change here keeps the output byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import Environment, nodes
from jinja2.compiler import CodeGenerator
from jinja2.idtracking import VAR_LOAD_RESOLVE
from markupsafe import escape

try:
    from markupsafe import _escape_inner  # MarkupSafe 3: escapes a str into a str
except ImportError:  # pragma: no cover - another MarkupSafe: the same text through its public escape

    def _escape_inner(text: str) -> str:
        return str(escape(text))


def escape_output(value) -> str:
    """What `{{ value }}` writes into an autoescaped page: Jinja's escape() without wrapping the text in a new
    Markup, whose __new__ is Python (about 5% of a large build's time). A page's output is joined into a plain
    str anyway; macros and blocks still return Markup, as Jinja makes them."""
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))


def constant_message(node: nodes.Call, symbols) -> str | None:
    """The message of `_("...")`, `gettext("...")` or a `{% trans %}` without variables, when that name is the
    context's (the globals' gettext), not a variable of the template (symbols: the frame's); else None."""
    if (
        isinstance(node.node, nodes.Name)
        and node.node.name in ("_", "gettext")
        and len(node.args) == 1
        and isinstance(node.args[0], nodes.Const)
        and isinstance(node.args[0].value, str)
        and not node.kwargs
        and node.dyn_args is None
        and node.dyn_kwargs is None
    ):
        ref = symbols.find_ref(node.node.name)
        if ref is not None and (symbols.find_load(ref) or ("",))[0] == VAR_LOAD_RESOLVE:
            return node.args[0].value
    return None


class AtlasCodeGenerator(CodeGenerator):
    """Jinja's code generator, with `{{ ... }}` in autoescaped templates written through escape_output, and
    messages without variables looked up straight in the language's catalogue (AtlasEnvironment.message)."""

    def visit_Call(self, node, frame, forward_caller: bool = False) -> None:
        message = constant_message(node, frame.symbols)
        if message is None or forward_caller:
            super().visit_Call(node, frame, forward_caller=forward_caller)
        else:
            # Not through context.call, which costs about a microsecond: a page has some forty of these.
            self.write(f"environment.message({message!r})")

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escape_output(")
            if finalize.src is not None:
                self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


class AtlasEnvironment(Environment):
    """The templates' Jinja environment, made faster where a large build showed Jinja's own cost."""

    code_generator_class = AtlasCodeGenerator
    escape_output = staticmethod(escape_output)
    # The gettext of the language being rendered (AtlasSite.activate): the same as the templates' `_`.
    message: Callable[[str], str]

    def getattr(self, obj, attribute):
        """Jinja looks `a.b` up as an attribute first, then as a key: on the views' dicts, that costs a failed
        attribute lookup per use (about a sixth of the template time of a large build). Keys first on plain
        dicts: the templates call no dict method, so nothing they read changes."""
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def make_globals(self, d):
        """A template's globals: the environment's own dict when the template brings none. Jinja's ChainMap,
        iterated in Python each time a page, an include or a macro import makes its context, took some 4% of
        a large build; the same dict still shows the gettext each language installs."""
        return self.globals if not d else super().make_globals(d)
