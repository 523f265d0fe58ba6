"""Make a voice pack from a centre's own recordings, one file per clip name.

    python -m display.voicepack.import_recordings ~/ghi-am --name quangninh-nu
    python -m display.voicepack.import_recordings ~/ghi-am --name quangninh-nu --config config.yaml

Each recording is named after its clip (mot.wav, den_quay_so.wav, …; WAV, FLAC, MP3 or
Ogg Vorbis). They are trimmed, normalised and encoded like the default pack, into
display/static/voice/<name>/ with a manifest.json. Lists what is missing and exits 1 then.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from voice.clips import CHIME, vocabulary
from display.voicepack import audio
from display.voicepack.build_espeak import DEFAULT_OUT, add_template_args, templates_from
from display.voicepack.manifest_doc import load

SOURCE_TYPES = (".wav", ".flac", ".mp3", ".ogg")
VOICE_ROOT = DEFAULT_OUT.parent


def find(source: Path, name: str) -> Path | None:
    """The recording for a clip name, in any of the accepted formats."""
    for suffix in SOURCE_TYPES:
        path = source / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def import_pack(
    source: Path, out: Path, langs: set[str], templates: list[tuple[str, str]]
) -> tuple[dict[str, dict], list[str]]:
    """Convert the recordings into `out`; returns the manifest entries and the missing names."""
    audio.need("sox", "soxi", "opusenc")
    wanted = [c for c in vocabulary(templates).values() if c.kind == "chime" or c.lang in langs]
    out.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict] = {}
    missing: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp, "clip.wav")
        for clip in wanted:
            target = out / f"{clip.name}.ogg"
            src = find(source, clip.name)
            if src is None and clip.name == CHIME:
                # Most centres keep the default chime; it is not a voice.
                shutil.copyfile(DEFAULT_OUT / f"{CHIME}.ogg", target)
                entries[CHIME] = {**load(DEFAULT_OUT)["clips"][CHIME], "bytes": target.stat().st_size}
                continue
            if src is None:
                missing.append(clip.name)
                continue
            seconds = audio.clean(src, wav, clip.kind)
            audio.encode(wav, target)
            entries[clip.name] = {
                "text": clip.text, "lang": clip.lang, "kind": clip.kind,
                "duration_s": seconds, "bytes": target.stat().st_size,
            }
    known = {c.name for c in wanted}
    strays = sorted(p.name for p in source.iterdir() if p.suffix in SOURCE_TYPES and p.stem not in known)
    if strays:
        print(f"not a clip name, skipped: {', '.join(strays)}", file=sys.stderr)
    audio.prune(out, set(entries))
    return entries, missing


def main(argv: list[str] | None = None) -> int:
    """Command line: import a folder of recordings as a named voice pack."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder of recordings named by clip")
    parser.add_argument("--name", required=True, help="the pack's name, which voice.pack selects")
    parser.add_argument("--out", type=Path, help="the pack folder (default: display/static/voice/NAME)")
    parser.add_argument("--lang", action="append", choices=["vi", "en"],
                        help="languages recorded (default: vi; repeat for both)")
    add_template_args(parser)
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        parser.error(f"{args.source} is not a folder")
    out = args.out or VOICE_ROOT / args.name
    try:
        langs = set(args.lang or ["vi"])
        entries, missing = import_pack(args.source, out, langs, templates_from(parser, args))
    except (audio.PackError, ValueError) as exc:
        print(f"import_recordings: {exc}", file=sys.stderr)
        return 1
    audio.write_manifest(out, args.name, f"Recorded voice, imported from {args.source.name}", entries)
    print(f"{len(entries)} clips, {sum(e['bytes'] for e in entries.values()) / 1024:.0f} KiB, in {out}")
    if missing:
        print(f"missing {len(missing)} recordings: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
