"""Build the default voice pack with espeak-ng: one small Ogg Opus clip per word and phrase.

    python -m display.voicepack.build_espeak            # regenerates display/static/voice/vi-espeak
    python -m display.voicepack.build_espeak --config config.yaml   # adds phrases of your wording

Needs espeak-ng, sox and opusenc (apt-get install -y espeak-ng sox libsox-fmt-all opus-tools).
Running it twice gives byte-identical files, so a rebuild only shows real changes in git.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

from voice.clips import DEFAULT_TEMPLATES, vocabulary
from display.voicepack import audio
from display.voicepack.manifest_doc import load, update_doc

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "display" / "static" / "voice" / "vi-espeak"
DEFAULT_DOC = ROOT / "docs" / "voice-pack.md"
VOICES = {"vi": "vi", "en": "en"}  # espeak-ng voices; "vi" is the northern accent
# espeak-ng reads the letter name "gi" as a bare consonant; "di" gives the /zi/ a caller says.
ESPEAK_SPELLING = {"gi": "di"}
SPEED_WPM = 130  # a little slower than espeak's 175, for a large echoing hall


def config_templates(path: Path) -> list[tuple[str, str]]:
    """The (lang, template) pairs under voice.template in a hall config file."""
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    templates = (config.get("voice") or {}).get("template") or {}
    return [(lang, text) for lang, text in templates.items() if lang in DEFAULT_TEMPLATES]


def add_template_args(parser: argparse.ArgumentParser) -> None:
    """--config and --template: wordings beyond the defaults whose phrases the pack must say."""
    parser.add_argument("--config", type=Path, help="a hall config whose voice.template needs phrases")
    parser.add_argument("--template", action="append", default=[], metavar="LANG:TEXT",
                        help='an extra wording, e.g. "vi:Xin mời số {number} tới quầy {counter}"')


def templates_from(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[tuple[str, str]]:
    """The (lang, template) pairs named by --config and --template."""
    templates = config_templates(args.config) if args.config else []
    for item in args.template:
        lang, sep, text = item.partition(":")
        if not sep or lang not in DEFAULT_TEMPLATES:
            parser.error(f"--template wants LANG:TEXT with LANG in {sorted(DEFAULT_TEMPLATES)}")
        templates.append((lang, text))
    return templates


def build(out: Path, templates: list[tuple[str, str]], speed: int = SPEED_WPM) -> dict[str, dict]:
    """Synthesise every clip of the vocabulary into `out`; returns the manifest's clip entries."""
    audio.need("espeak-ng", "sox", "soxi", "opusenc")
    out.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        raw, wav = Path(tmp, "raw.wav"), Path(tmp, "clip.wav")
        for clip in vocabulary(templates).values():
            if clip.kind == "chime":
                seconds = audio.synth_chime(wav)
            else:
                audio.run("espeak-ng", "-v", VOICES[clip.lang], "-s", str(speed), "-w", str(raw),
                          ESPEAK_SPELLING.get(clip.text, clip.text))
                seconds = audio.clean(raw, wav, clip.kind)
            target = out / f"{clip.name}.ogg"
            audio.encode(wav, target, bitrate=32 if clip.kind == "chime" else audio.BITRATE_KBPS)
            entries[clip.name] = {
                "text": clip.text, "lang": clip.lang, "kind": clip.kind,
                "duration_s": seconds, "bytes": target.stat().st_size,
            }
    audio.prune(out, set(entries))
    return entries


def main(argv: list[str] | None = None) -> int:
    """Command line: build the pack, write manifest.json, refresh the table in the docs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the pack folder")
    add_template_args(parser)
    parser.add_argument("--speed", type=int, default=SPEED_WPM, help="espeak-ng words per minute")
    parser.add_argument("--doc", type=Path, default=DEFAULT_DOC, help="doc whose clip table to refresh")
    args = parser.parse_args(argv)

    try:
        entries = build(args.out, templates_from(parser, args), args.speed)
    except (audio.PackError, ValueError) as exc:
        print(f"build_espeak: {exc}", file=sys.stderr)
        return 1
    description = "Default hallq voice, synthesised with espeak-ng (vi and en voices)."
    audio.write_manifest(args.out, args.out.name, description, entries)
    total = sum(e["bytes"] for e in entries.values())
    print(f"{len(entries)} clips, {total / 1024:.0f} KiB, in {args.out}")
    if args.doc.exists() and not update_doc(args.doc, load(args.out)):
        print(f"note: no clip-table markers in {args.doc}; table not written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
