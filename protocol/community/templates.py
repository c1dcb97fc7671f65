"""Community templates: which rooms a new community gets, its kind, charter and editorial line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RoomSpec:
    key: str  # stable id within the community: general, questions, ideas, documents, announcements
    name: str
    topic: str
    announcements: bool = False  # only managers post
    encrypted: bool = False


@dataclass(frozen=True)
class Template:
    key: str
    label: str
    kind: str  # schema.KINDS
    rooms: tuple[RoomSpec, ...]
    tone: str
    allowed_post_types: tuple[str, ...]
    charter: str


GENERAL = RoomSpec("general", "General", "Everyday conversation")
QUESTIONS = RoomSpec("questions", "Q&A", "Ask, answer, learn from each other")
IDEAS = RoomSpec("ideas", "Ideas", "Propose, discuss and vote on ideas")
DOCUMENTS = RoomSpec("documents", "Documents", "Reference documents and guides")
ANNOUNCEMENTS = RoomSpec(
    "announcements", "Announcements", "Official news: only managers post", announcements=True
)

_BASE_CHARTER = (
    "# Charter\n\n"
    "1. Be respectful and constructive.\n"
    "2. Share what helps others; cite your sources.\n"
    "3. Keep confidential information out of rooms shared with people who should not see it.\n"
    "4. Moderators may remove messages that break these rules.\n"
)

TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "project",
            "Project team",
            "internal",
            (GENERAL, DOCUMENTS, ANNOUNCEMENTS),
            "Direct and factual",
            ("text", "question", "announcement", "document"),
            _BASE_CHARTER,
        ),
        Template(
            "practice",
            "Trade / practice community",
            "internal",
            (GENERAL, QUESTIONS, IDEAS, DOCUMENTS),
            "Helpful, practical, welcoming to beginners",
            ("text", "question", "idea", "document"),
            _BASE_CHARTER,
        ),
        Template(
            "partners",
            "Partner & reseller network",
            "partner",
            (GENERAL, QUESTIONS, DOCUMENTS, ANNOUNCEMENTS),
            "Courteous and professional: you speak for your company",
            ("text", "question", "announcement", "document"),
            _BASE_CHARTER
            + "5. Partners' commercial terms are never discussed here; use a direct chat.\n",
        ),
        Template(
            "announcements",
            "Announcements",
            "internal",
            (ANNOUNCEMENTS,),
            "Clear and concise",
            ("announcement", "document"),
            _BASE_CHARTER,
        ),
    )
}


def template(key: str) -> Template:
    try:
        return TEMPLATES[key]
    except KeyError:
        raise ValueError(
            f"unknown community template {key!r}: choose one of {', '.join(TEMPLATES)}"
        ) from None
