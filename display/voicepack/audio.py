"""Turning raw speech into pack clips with sox and opusenc, and writing the pack's manifest."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

RATE = 24000           # plenty for speech; Opus keeps it in the header, Chromium resamples
BITRATE_KBPS = 24      # mono speech stays clear at this rate and a clip weighs 1–3 kB
# Clips are played back to back with no gap, so the pauses of speech live in the files:
# a short one after every word, a longer one before a phrase (after the ticket number).
LEAD_S = 0.01
PHRASE_LEAD_S = 0.12
TAIL_S = 0.05
CHIME_TAIL_S = 0.25
# Peak level and the silence threshold that trims lead-in and trailing breath.
NORM_DB = -3
SILENCE = ["1", "0.02", "1%"]
# sox -R seeds its dither the same way every run, so a rebuild gives byte-identical clips.

MANIFEST = "manifest.json"


class PackError(Exception):
    """A voice pack could not be built: a tool is missing or a recording is unusable."""


def need(*tools: str) -> None:
    """Stop with a clear message when a command-line tool the build uses is missing."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        raise PackError(
            f"missing {', '.join(missing)}: apt-get install -y espeak-ng sox libsox-fmt-all opus-tools"
        )


def run(*cmd: str) -> str:
    """Run a tool, returning its stdout; raise PackError with its stderr when it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise PackError(f"{cmd[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def duration_s(wav: Path) -> float:
    """The length of a WAV file in seconds, as sox measures it."""
    return round(float(run("soxi", "-D", str(wav)).strip()), 3)


def clean(src: Path, dst_wav: Path, kind: str) -> float:
    """Mono, resampled, silence trimmed at both ends, peak-normalised, fixed pauses around."""
    lead = PHRASE_LEAD_S if kind == "phrase" else LEAD_S
    run(
        "sox", "-R", str(src), "-c", "1", "-r", str(RATE), "-b", "16", str(dst_wav),
        "silence", *SILENCE, "reverse", "silence", *SILENCE, "reverse",
        "norm", str(NORM_DB), "pad", str(lead), str(TAIL_S),
    )
    seconds = duration_s(dst_wav)
    if seconds <= lead + TAIL_S + 0.03:
        raise PackError(f"{src.name} is silent after trimming; record it louder")
    return seconds


def encode(wav: Path, dst: Path, bitrate: int = BITRATE_KBPS) -> None:
    """Ogg Opus; the fixed serial makes a rebuild give byte-identical files."""
    run("opusenc", "--quiet", "--bitrate", str(bitrate), "--serial", "1", str(wav), str(dst))


def synth_chime(dst_wav: Path) -> float:
    """A soft two-tone 'ding-dong' (E5 then C5, each with a quiet fifth above)."""
    with tempfile.TemporaryDirectory() as tmp:
        ding, dong = Path(tmp, "ding.wav"), Path(tmp, "dong.wav")
        for path, freq, length, start in ((ding, 659.25, 0.9, 0.0), (dong, 523.25, 1.3, 0.42)):
            run(
                "sox", "-R", "-n", "-r", str(RATE), "-c", "2", "-b", "16", str(path),
                "synth", str(length), "sine", str(freq), "sine", str(freq * 3),
                "remix", "1v0.8,2v0.12",
                # A quarter-sine attack avoids a click; a linear fade-out lets the ding
                # ring on under the dong.
                "fade", "q", "0.02", "fade", "t", "0", str(length), str(length * 0.95),
                "pad", str(start), "0",
            )
        run("sox", "-R", "-m", str(ding), str(dong), "-c", "1", str(dst_wav),
            "norm", "-4", "pad", "0", str(CHIME_TAIL_S))
    return duration_s(dst_wav)


def write_manifest(folder: Path, name: str, description: str, entries: dict[str, dict]) -> Path:
    """manifest.json: the pack's name, format, and each clip's text and duration."""
    manifest = {
        "name": name,
        "description": description,
        "format": f"Ogg Opus, mono, {RATE} Hz, {BITRATE_KBPS} kbit/s",
        "extension": "ogg",
        "total_bytes": sum(e["bytes"] for e in entries.values()),
        "clips": entries,
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def prune(folder: Path, keep: set[str]) -> list[str]:
    """Remove clip files no longer in the vocabulary, so a rebuild leaves no stale clips."""
    gone = sorted(p.name for p in folder.glob("*.ogg") if p.stem not in keep)
    for file_name in gone:
        (folder / file_name).unlink()
    return gone
