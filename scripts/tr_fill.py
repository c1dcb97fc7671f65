"""Lists or fills the unfinished French strings of resources/translations/cercle_fr.ts."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parents[1] / "resources" / "translations" / "cercle_fr.ts"


def _unfinished(root: ET.Element):
    for message in root.iter("message"):
        translation = message.find("translation")
        if translation is not None and translation.get("type") == "unfinished":
            yield message, translation


def todo() -> None:
    """Prints {source: ""} for every string still to translate (a plural wants a list)."""
    root = ET.parse(TS).getroot()
    out: dict[str, object] = {}
    for message, _ in _unfinished(root):
        plural = message.get("numerus") == "yes"
        out[message.findtext("source") or ""] = ["", ""] if plural else ""
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()


def fill(path: str) -> None:
    """Takes {source: translation} (JSON file, or - for stdin) and fills the matching strings."""
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    wanted: dict[str, object] = json.loads(text)
    tree = ET.parse(TS)
    filled = 0
    for message, translation in _unfinished(tree.getroot()):
        value = wanted.get(message.findtext("source") or "")
        if not value:
            continue
        if isinstance(value, list):
            for child in list(translation):
                translation.remove(child)
            for form in value:
                ET.SubElement(translation, "numerusform").text = form
        else:
            translation.text = str(value)
        del translation.attrib["type"]
        filled += 1
    body = ET.tostring(tree.getroot(), encoding="unicode")
    TS.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", "utf-8")
    print(f"translations: {filled} string(s) filled", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:2] == ["todo"]:
        todo()
    elif sys.argv[1:2] == ["fill"] and len(sys.argv) == 3:
        fill(sys.argv[2])
    else:
        sys.exit("usage: tr_fill.py todo | fill FILE.json|-")
