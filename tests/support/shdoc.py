"""The shell commands of a Markdown page (docs/deploy.md): its ```sh lines, their programs and comments."""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Line:
    """One command of a ```sh block, continuations joined, its comment apart."""
    section: str
    command: str
    comment: str

    @property
    def programs(self) -> list[str]:
        return programs(self.command)

    @property
    def quoted(self) -> list[str]:
        """The output its comment promises: each "..." in it."""
        return re.findall(r'"([^"]+)"', self.comment)


def split_comment(line: str) -> tuple[str, str]:
    """The command and its `# comment` (a # that starts a word outside quotes)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def programs(command: str) -> list[str]:
    """The program of each simple command in a line (pipes, &&, $(...)), sudo and its -u USER dropped."""
    found = []
    for part in [re.sub(r"\$\([^()]*\)", "X", command), *re.findall(r"\$\(([^()]*)\)", command)]:
        lexer = shlex.shlex(part, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        segment: list[str] = []
        for word in [*lexer, ";"]:
            if word not in ("|", "&&", "||", ";"):
                segment.append(word)
                continue
            if segment and segment[0] == "sudo":
                segment = segment[3:] if segment[1:2] == ["-u"] else segment[1:]
            if segment:
                found.append(Path(segment[0]).name)
            segment = []
    return found


def blocks(doc: Path, kind: str) -> list[tuple[str, str]]:
    """(the heading above it, its text) for every ```kind block of a Markdown file."""
    found, section = [], ""
    for m in re.finditer(r"^(#{1,3} [^\n]+)$|^```(\w+)\n(.*?)^```$", doc.read_text(encoding="utf-8"), re.M | re.S):
        if m.group(1):
            section = m.group(1).lstrip("# ")
        elif m.group(2) == kind:
            found.append((section, m.group(3)))
    return found


def sh_lines(doc: Path) -> list[Line]:
    """Every command of the ```sh blocks, in page order, with the heading it is under."""
    lines = []
    for section, text in blocks(doc, "sh"):
        for raw in text.replace("\\\n", " ").splitlines():
            if raw.strip():
                lines.append(Line(section, *split_comment(raw.strip())))
    return lines


def unsudo(command: str) -> str:
    """The line as its user would run it without sudo: `sudo` and `sudo -u USER` dropped."""
    return re.sub(r"(^|[|;&]\s*)sudo\s+(-u\s+\S+\s+)?", r"\1", command)
