"""Everything the `voicebot` commands print goes through here.

The same output is read by people on a terminal and by scripts, pipes and logs everywhere
else. Off a terminal nothing is styled and nothing is wrapped, whatever COLUMNS says: one
message is one line (or the lines it was written with), so a script can match it and a log
keeps it whole. On a terminal, messages are styled and wrapped between words to the screen
width, but a word, a file path or a `file:line:column` reference is never cut: one longer
than the screen stands alone on its line and the terminal folds it without a line break.

`out` and `err` print to standard output and standard error. `print` takes Rich markup for
people (escape text that is not yours); `plain` writes exact text for programs (JSON
documents, result lines) and is never wrapped or styled anywhere.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from bot_engine.script import ScriptIssue

# Off a terminal, tables and progress lines take the width they need (Rich would squeeze
# them to COLUMNS or 80); no message line comes near this.
UNBOUNDED_WIDTH = 1 << 14
_WORD = re.compile(r"\S+")


class Printer:
    """One output stream of the CLI; the Rich console behind it follows the stream, so a
    test runner that swaps `sys.stdout` gets plain text like any other pipe."""

    def __init__(self, *, stderr: bool) -> None:
        self.stderr = stderr
        self._stream: IO[str] | None = None
        self._console: Console | None = None

    @property
    def stream(self) -> IO[str]:
        return sys.stderr if self.stderr else sys.stdout

    @property
    def console(self) -> Console:
        """The Rich console for this stream (for progress bars and prompts)."""
        stream = self.stream
        if self._console is None or self._stream is not stream:
            self._stream, self._console = stream, _console_for(stream)
        return self._console

    @property
    def wrap_width(self) -> int | None:
        """The width messages wrap to: the screen's on a terminal, none elsewhere."""
        return self.console.width if _isatty(self.stream) else None

    def print(self, message: str | Text = "", *, style: str | None = None,
              keep: Iterable[object] = ()) -> None:
        """A message for people: Rich markup, or a `Text`. `keep` lists substrings (paths,
        usually) that wrapping must not cut even where they contain spaces."""
        text = Text.from_markup(message) if isinstance(message, str) else message.copy()
        if style:
            text.stylize_before(style)
        width = self.wrap_width
        if width is not None:
            text = wrap(text, width, [str(item) for item in keep])
        self.console.print(text, soft_wrap=True)

    def plain(self, text: str) -> None:
        """Exact text for programs (JSON, result lines): never wrapped, never styled."""
        stream = self.stream
        stream.write(text + "\n")
        stream.flush()

    def json(self, document: str) -> None:
        """A JSON document: highlighted on a terminal, as indented plain text elsewhere."""
        if self.console.is_terminal:
            self.console.print_json(document)
        else:
            import json

            self.plain(json.dumps(json.loads(document), ensure_ascii=False, indent=2))

    def table(self, table: Table) -> None:
        self.console.print(table)

    def error(self, message: str, *, keep: Iterable[object] = ()) -> None:
        """`error: <message>` (the message is plain text, not markup)."""
        self.print(f"[red]error:[/red] {escape(message)}", keep=keep)

    def issues(self, issues: Iterable[ScriptIssue]) -> None:
        """Script issues, one per line, each starting with its `file:line:column`."""
        for issue in issues:
            self.print(escape(str(issue)), style="red" if issue.severity == "error" else "yellow",
                       keep=[f"{issue.file}:{issue.line}:{issue.column}", issue.file])

    def ask(self, prompt: str) -> str:
        """A line typed by the user after a (markup) prompt."""
        return self.console.input(prompt)


out = Printer(stderr=False)
err = Printer(stderr=True)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


def _console_for(stream: IO[str]) -> Console:
    # Rich's own rules decide whether the stream takes styles (a TTY; FORCE_COLOR,
    # NO_COLOR and TTY_COMPATIBLE override); lines are wrapped here, never by Rich.
    common: dict[str, Any] = {"file": stream, "highlight": False, "emoji": False,
                              "soft_wrap": True}
    console = Console(**common)
    if console.is_terminal:
        return console
    return Console(**common, color_system=None, width=UNBOUNDED_WIDTH)


def wrap(text: Text, width: int, keep: Iterable[str] = ()) -> Text:
    """`text` with line breaks between words so lines fit `width` cells where they can.

    Never breaks inside a word (a run without spaces: a path, a `file:line:column`, a URL)
    nor inside any occurrence of a `keep` string; one too long for the width stands alone
    on its line. Continuation lines keep the indentation of the line they continue.
    """
    keep = [item for item in keep if item]
    lines: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        lines.extend(_wrap_line(line, max(width, 1), keep))
    return Text("\n").join(lines)


def _wrap_line(line: Text, width: int, keep: list[str]) -> list[Text]:
    plain = line.plain
    indent = plain[: len(plain) - len(plain.lstrip(" "))]
    breaks: list[int] = []
    start = 0
    for unit_start, unit_end in _units(plain, keep):
        lead = indent if breaks else ""
        if unit_start > start and cell_len(lead + plain[start:unit_end]) > width:
            breaks.append(unit_start)
            start = unit_start
    if not breaks:
        return [line]
    pieces = list(line.divide(breaks))
    for piece in pieces[1:]:
        piece.pad_left(len(indent))
    for piece in pieces:
        piece.rstrip()
    return pieces


def _units(plain: str, keep: list[str]) -> list[tuple[int, int]]:
    """The (start, end) spans that must stay on one line: words, merged with every keep
    string occurrence they overlap."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(plain)]
    for item in keep:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(item), plain)]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class PlainErrorsGroup(TyperGroup):
    """Usage errors (bad options, `typer.BadParameter`) as one unboxed line, `Error: ...`,
    after the usage: Typer's Rich panel would wrap them to the width even into a pipe."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        run = functools.partial(super().main, args, prog_name, complete_var,
                                standalone_mode=False, windows_expand_args=windows_expand_args,
                                **extra)
        if not standalone_mode:
            return run()
        try:
            code = run()
        except typer.TyperException as exc:  # click's errors (Typer vendors click)
            show = getattr(exc, "show", None)
            if type(exc).__name__ == "NoArgsIsHelpError":
                pass  # the help went out already, as in Typer
            elif show is not None:
                show()
            else:
                err.plain(f"Error: {exc.format_message()}")
            sys.exit(exc.exit_code)
        except typer.Abort:
            err.plain("Aborted!")
            sys.exit(1)
        # commands end with typer.Exit(code); a plain return is success, as in click
        sys.exit(code if isinstance(code, int) else 0)
