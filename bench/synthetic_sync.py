"""Deterministic synthetic /sync responses (first and incremental) for an account of N rooms."""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OWN_SERVER = "velotech.fr"
OWN_USER = "@camille.laurent:velotech.fr"
PARTNER_SERVERS = ("rouelibre-distribution.fr", "cyclopieces.de", "matrix.org")
NOW_MS = 1_763_900_000_000  # the server's clock at the first sync (Nov 2025)
MEGOLM = "m.megolm.v1.aes-sha2"


def words(text: str) -> list[str]:
    return text.split()


FIRST = words("""camille julien léa hugo chloé lucas manon nathan emma louis inès théo sarah paul
    jade arthur zoé gabriel lina raphaël anna tom alice mathis élise noah juliette yanis
    clara ethan margot sacha pierre amélie olivier nadia karim sophie marc isabelle""")
LAST = words("""martin bernard dubois thomas robert richard petit durand leroy moreau simon laurent
    lefèvre michel garcia david bertrand roux vincent fournier morel girard andré mercier
    blanc guérin boyer garnier chevalier françois legrand gauthier perrin robin clément""")
FR = words("""réunion projet équipe budget prévisionnel client contrat livraison délai planning
    sprint revue déploiement serveur sécurité chiffrement clé salle espace compétence
    formation recrutement partenaire fournisseur facture paiement commande stock événement
    conférence présentation rapport analyse données tableau indicateur objectif café
    déjeuner vacances congés télétravail bureau parking badge accès imprimante vélo cadre
    roue pédalier dérailleur guidon selle catalogue salon atelier garantie retour""")
EN = words("""meeting project team forecast customer contract delivery deadline review deploy server
    security encryption key room release roadmap design feedback charter idea training
    hiring partner supplier invoice payment order stock event conference slides report
    analysis dashboard target lunch holiday office badge printer bike frame wheel crank
    derailleur handlebar saddle catalogue fair workshop warranty return shipment""")
FR_TEMPLATES = (
    "Bonjour à tous, la {a} sur le {b} est décalée à {h}h.",
    "Est-ce que quelqu'un a reçu la {a} du {b} ?",
    "Je vous partage le {a} mis à jour pour le {b}, merci de relire avant {d}.",
    "Merci {n} pour la {a}, c'est top 👍",
    "Petit rappel : {a} demain à {h}h, salle {r}.",
    "On a un souci avec la {a} {b}, je regarde ça avec {n}.",
    "Le {a} est validé côté {b}, on peut lancer la {c}.",
    "Quelqu'un peut m'envoyer le {a} de la {b} ?",
    "ok",
    "Super, merci !",
    "Je suis en {a} jusqu'à {d}, {n} prend le relais.",
    "Voici les chiffres du {a} : {h} {b} livrés, {r} en attente.",
)
EN_TEMPLATES = (
    "Hi all, the {a} about the {b} moved to {h}:00.",
    "Did anyone get the {a} from the {b} team?",
    "Sharing the updated {a} for the {b}, please review by {d}.",
    "Thanks {n} for the {a}, great work!",
    "Reminder: {a} tomorrow at {h}:00 in room {r}.",
    "We have an issue with the {a} {b}, looking into it with {n}.",
    "The {a} is signed off on the {b} side, we can start the {c}.",
    "Could someone send me the {a} for the {b}?",
    "sounds good",
    "Thanks!",
    "I'm on {a} until {d}, {n} is covering.",
    "Numbers for the {a}: {h} {b} shipped, {r} pending.",
)
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "Monday", "Friday")
REACTIONS = ("👍", "🎉", "❤️", "😂", "👀", "✅")
# Malformations nio 0.26 survives (it turns them into BadEvent/UnknownBadEvent): default data.
TOLERATED_MALFORMATIONS = (
    "body_not_string",
    "no_sender",
    "content_is_list",
    "member_without_membership",
    "name_is_list",
    "encrypted_without_sender_key",
    "power_levels_string_level",
    "huge_body",
)
# Malformations that make nio's SyncResponse.from_dict raise (the whole batch lost): opt-in.
HOSTILE_MALFORMATIONS = ("ts_is_string", "content_missing", "event_is_string")


def b64(rng: random.Random, nbytes: int) -> str:
    return base64.b64encode(rng.randbytes(nbytes)).decode().rstrip("=")


def urlsafe(rng: random.Random, nbytes: int) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(nbytes)).decode().rstrip("=")


@dataclass
class Room:
    room_id: str
    kind: str  # "space", "dm", "group"
    name: str | None
    encrypted: bool
    members: list[str]
    created_ts: int
    last_ts: int = 0
    event_ids: list[str] = field(default_factory=list)
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    activity: float = 1.0


class SyntheticAccount:
    """One account's rooms; `first_sync()` then `incremental()` calls, all from one seed."""

    def __init__(
        self,
        rooms: int = 1000,
        *,
        seed: int = 1,
        hostile: bool = False,
        malformed: int = len(TOLERATED_MALFORMATIONS),
    ) -> None:
        self.rng = random.Random(seed)
        self.hostile = hostile
        self.batch = 1000 + seed
        self.now = NOW_MS
        rng = self.rng
        self.colleagues = self._people(420, OWN_SERVER)
        self.partners = [u for s in PARTNER_SERVERS for u in self._people(40, s)]
        self.invite_count = max(1, rooms // 200)
        joined = rooms - self.invite_count
        spaces = max(1, joined // 60)
        dms = joined * 15 // 100
        self.rooms: list[Room] = []
        for i in range(joined):
            kind = "space" if i < spaces else "dm" if i < spaces + dms else "group"
            self.rooms.append(self._room(kind, i))
        for room in self.rooms:  # ~45 % of group rooms sit in a space; a few spaces nest
            space_rooms = self.rooms[:spaces]
            if room.kind == "group" and rng.random() < 0.45:
                parent = rng.choice(space_rooms)
            elif room.kind == "space" and room is not space_rooms[0] and rng.random() < 0.3:
                parent = space_rooms[0]
            else:
                continue
            room.parent = parent.room_id
            parent.children.append(room.room_id)
        self.by_id = {r.room_id: r for r in self.rooms}
        self.invites = [self._room("group", joined + i) for i in range(self.invite_count)]
        # Where the deliberately malformed events go: (room index, malformation).
        kinds = list(TOLERATED_MALFORMATIONS[:malformed])
        if hostile:
            kinds += HOSTILE_MALFORMATIONS
        self.malformed = {rng.randrange(spaces, joined): k for k in kinds}

    # -- building blocks ---------------------------------------------------------------------

    def _people(self, count: int, server: str) -> list[str]:
        names: set[str] = set()
        while len(names) < count:
            names.add(f"{self.rng.choice(FIRST)}.{self.rng.choice(LAST)}")
        return [f"@{n}:{server}" for n in sorted(names)]

    def _room(self, kind: str, i: int) -> Room:
        rng = self.rng
        room_id = "!" + "".join(
            rng.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", k=18)
        )
        room_id += f":{OWN_SERVER if rng.random() < 0.85 else rng.choice(PARTNER_SERVERS)}"
        if kind == "dm":
            other = rng.choice(self.colleagues if rng.random() < 0.7 else self.partners)
            members, name, encrypted = [OWN_USER, other], None, rng.random() < 0.8
        else:
            size = min(int(rng.paretovariate(1.2) * 4), 300)
            pool = self.colleagues if rng.random() < 0.7 else self.colleagues + self.partners
            members = [OWN_USER, *rng.sample(pool, max(2, size))]
            word = rng.choice(FR + EN)
            suffix = rng.choice(("équipe", "projet", "team", "news", "ops", "2026"))
            name = f"{word.capitalize()} {suffix}"
            if kind == "space":
                name = f"Communauté {word.capitalize()}"
            encrypted = kind == "group" and rng.random() < 0.3
        created = self.now - rng.randint(2, 500) * 86_400_000
        return Room(
            room_id, kind, name, encrypted, members, created, activity=rng.paretovariate(1.0)
        )

    def _event(self, room: Room, type_: str, sender: str, ts: int, content: Any, **extra) -> dict:
        event = {
            "type": type_,
            "sender": sender,
            "content": content,
            "origin_server_ts": ts,
            "unsigned": {"age": max(0, self.now - ts)},
            "event_id": "$" + urlsafe(self.rng, 32),
        }
        event.update(extra)
        if sender == OWN_USER and "state_key" not in extra and self.rng.random() < 0.5:
            event["unsigned"]["transaction_id"] = f"m{ts}.{self.rng.randint(0, 99)}"
        room.event_ids.append(event["event_id"])
        return event

    def _state(self, room: Room, type_: str, key: str, content: dict, sender: str | None = None):
        ts = room.created_ts + self.rng.randint(0, 60_000)
        return self._event(room, type_, sender or room.members[0], ts, content, state_key=key)

    def _member(self, room: Room, user: str) -> dict:
        local = user[1:].split(":")[0]
        first, _, last = local.partition(".")
        content = {"membership": "join", "displayname": f"{first.capitalize()} {last.capitalize()}"}
        if self.rng.random() < 0.6:
            content["avatar_url"] = f"mxc://{user.split(':')[1]}/{urlsafe(self.rng, 18)}"
        return self._state(room, "m.room.member", user, content, sender=user)

    def _text(self) -> str:
        rng = self.rng
        templates = FR_TEMPLATES if rng.random() < 0.65 else EN_TEMPLATES
        words = FR if templates is FR_TEMPLATES else EN
        return rng.choice(templates).format(
            a=rng.choice(words),
            b=rng.choice(words),
            c=rng.choice(words),
            n=rng.choice(FIRST).capitalize(),
            h=rng.randint(8, 18),
            r=rng.randint(1, 40),
            d=rng.choice(DAYS),
        )

    def _message_content(self, room: Room) -> dict:
        rng = self.rng
        roll = rng.random()
        body = self._text()
        if roll < 0.05:
            return {
                "msgtype": "m.image",
                "body": f"IMG_{rng.randint(1000, 9999)}.jpg",
                "url": f"mxc://{OWN_SERVER}/{urlsafe(rng, 18)}",
                "info": {
                    "mimetype": "image/jpeg",
                    "size": rng.randint(40_000, 4_000_000),
                    "w": 1600,
                    "h": 1200,
                },
            }
        content: dict[str, Any] = {"msgtype": "m.notice" if roll < 0.1 else "m.text", "body": body}
        if roll > 0.82:
            content["format"] = "org.matrix.custom.html"
            content["formatted_body"] = body.replace(", ", ", <strong>", 1) + "</strong>"
        if room.event_ids and 0.7 < roll < 0.8:
            target = rng.choice(room.event_ids[-5:])
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": target}}
        elif room.event_ids and 0.8 <= roll < 0.83:
            target = rng.choice(room.event_ids[-5:])
            content = {
                "msgtype": "m.text",
                "body": f"* {body}",
                "m.new_content": {"msgtype": "m.text", "body": body},
                "m.relates_to": {"rel_type": "m.replace", "event_id": target},
            }
        if rng.random() < 0.2:
            content["m.mentions"] = {"user_ids": [rng.choice(room.members)]}
        return content

    def _encrypt(self, room: Room, content: dict, sender: str) -> dict:
        """Looks like Megolm to nio (no key will ever decrypt it): an undecryptable event."""
        size = len(json.dumps(content)) + 90
        return {
            "algorithm": MEGOLM,
            "ciphertext": b64(self.rng, size),
            "device_id": sender.split(":")[0][1:5].upper() + "DEVICE",
            "sender_key": b64(self.rng, 32),
            "session_id": b64(self.rng, 32),
        }

    def _timeline(self, room: Room, count: int, since: int) -> list[dict]:
        rng = self.rng
        speakers = rng.sample(room.members, min(len(room.members), rng.randint(1, 3)))
        if room.kind == "dm":
            speakers = room.members
        ts = max(since, room.last_ts)
        events = []
        for _ in range(count):
            ts += int(rng.expovariate(1 / 3_600_000)) + 1000
            ts = min(ts, self.now - 1000)
            sender = rng.choice(speakers)
            if room.event_ids and rng.random() < 0.06:
                type_, content = (
                    "m.reaction",
                    {
                        "m.relates_to": {
                            "rel_type": "m.annotation",
                            "key": rng.choice(REACTIONS),
                            "event_id": rng.choice(room.event_ids[-5:]),
                        }
                    },
                )
            else:
                type_, content = "m.room.message", self._message_content(room)
            if room.encrypted:
                type_, content = "m.room.encrypted", self._encrypt(room, content, sender)
            events.append(self._event(room, type_, sender, ts, content))
        room.last_ts = ts
        return events

    # -- the responses -----------------------------------------------------------------------

    def _next_batch(self) -> str:
        self.batch += self.rng.randint(1, 40)
        return (
            f"s{self.batch}_{self.batch * 7 % 99991}_0_{self.batch // 3}_12_4_88_{self.batch}_0_1"
        )

    def _room_state(self, room: Room, timeline: list[dict]) -> list[dict]:
        rng = self.rng
        creator = room.members[0]
        create = {"room_version": "10"}
        if room.kind == "space":
            create["type"] = "m.space"
        state = [
            self._state(room, "m.room.create", "", create, creator),
            self._state(
                room,
                "m.room.power_levels",
                "",
                {
                    "users": {creator: 100, **{m: 50 for m in room.members[1:3]}},
                    "users_default": 0,
                    "events_default": 0,
                    "state_default": 50,
                    "ban": 50,
                    "kick": 50,
                    "redact": 50,
                    "invite": 0,
                    "historical": 100,
                    "events": {
                        "m.room.name": 50,
                        "m.room.power_levels": 100,
                        "m.room.history_visibility": 100,
                        "m.room.encryption": 100,
                    },
                },
            ),
            self._state(
                room,
                "m.room.join_rules",
                "",
                {
                    "join_rule": "invite"
                    if room.kind == "dm"
                    else "restricted"
                    if room.parent
                    else rng.choice(("invite", "public"))
                },
            ),
            self._state(room, "m.room.history_visibility", "", {"history_visibility": "shared"}),
        ]
        if room.name:
            state.append(self._state(room, "m.room.name", "", {"name": room.name}))
        if room.kind != "dm" and rng.random() < 0.5:
            state.append(self._state(room, "m.room.topic", "", {"topic": self._text()}))
        if room.kind != "dm" and rng.random() < 0.12:
            alias = (
                f"#{(room.name or 'room').split()[0].lower()}-{rng.randint(1, 999)}:{OWN_SERVER}"
            )
            state.append(self._state(room, "m.room.canonical_alias", "", {"alias": alias}))
        if room.encrypted:
            state.append(
                self._state(
                    room,
                    "m.room.encryption",
                    "",
                    {
                        "algorithm": MEGOLM,
                        "rotation_period_ms": 604800000,
                        "rotation_period_msgs": 100,
                    },
                )
            )
        if room.parent:
            state.append(
                self._state(
                    room, "m.space.parent", room.parent, {"via": [OWN_SERVER], "canonical": True}
                )
            )
        for child in room.children:
            state.append(
                self._state(
                    room,
                    "m.space.child",
                    child,
                    {"via": [OWN_SERVER], "suggested": rng.random() < 0.2},
                )
            )
        # Lazy-loaded members: the timeline's senders and ourselves.
        senders = {e["sender"] for e in timeline} | {OWN_USER}
        state.extend(self._member(room, u) for u in sorted(senders) if u in room.members)
        return state

    def _join_block(self, room: Room, state: list[dict], timeline: list[dict], limited: bool):
        rng = self.rng
        ephemeral = []
        real = [e for e in timeline if isinstance(e, dict) and "event_id" in e]
        if real:
            last = real[-1]["event_id"]
            readers = rng.sample(room.members, min(2, len(room.members)))
            ephemeral.append(
                {
                    "type": "m.receipt",
                    "content": {
                        last: {
                            "m.read": {
                                u: {"ts": self.now - rng.randint(0, 86_400_000)} for u in readers
                            }
                        }
                    },
                }
            )
        unread = rng.choice((0, 0, 0, 1, 2, 5, 12))
        return {
            "summary": {
                "m.heroes": [m for m in room.members if m != OWN_USER][:5],
                "m.joined_member_count": len(room.members),
                "m.invited_member_count": 0,
            },
            "state": {"events": state},
            "timeline": {
                "events": timeline,
                "limited": limited,
                "prev_batch": f"t{rng.randint(10, 99999)}-{self.batch}_0_0_0_0_0_0_0_0",
            },
            "ephemeral": {"events": ephemeral},
            "account_data": {
                "events": [
                    {
                        "type": "m.fully_read",
                        "content": {"event_id": (real or state)[0]["event_id"]},
                    }
                ]
            },
            "unread_notifications": {
                "notification_count": unread,
                "highlight_count": int(unread > 4),
            },
            "unread_thread_notifications": {},
        }

    def _break(self, events: list[dict], kind: str) -> None:
        """Spoils one event of `events` (or appends one) the way `kind` says."""
        target = next((e for e in reversed(events) if e.get("type") == "m.room.message"), None)
        if kind == "body_not_string" and target:
            target["content"]["body"] = 42
        elif kind == "no_sender" and target:
            del target["sender"]
        elif kind == "content_is_list" and target:
            target["content"] = ["not", "an", "object"]
        elif kind == "huge_body" and target:
            target["content"] = {"msgtype": "m.text", "body": "Lorem ipsum " * 5000}
        elif kind == "ts_is_string" and events:
            events[-1]["origin_server_ts"] = "yesterday"
        elif kind == "content_missing" and events:
            del events[-1]["content"]
        elif kind == "event_is_string":
            events.append("this is not an event")  # type: ignore[arg-type]
        else:
            sample = {
                "member_without_membership": ("m.room.member", "@ghost:velotech.fr", {}),
                "name_is_list": ("m.room.name", "", {"name": ["Pas", "un", "nom"]}),
                "power_levels_string_level": (
                    "m.room.power_levels",
                    "",
                    {"users": {OWN_USER: "max"}},
                ),
                "encrypted_without_sender_key": (
                    "m.room.encrypted",
                    None,
                    {"algorithm": MEGOLM, "ciphertext": "AwgA"},
                ),
            }.get(kind)
            if sample:
                type_, key, content = sample
                extra = {} if key is None else {"state_key": key}
                ts = self.now - 60_000
                room = Room("", "group", None, False, [OWN_USER], ts)
                events.append(self._event(room, type_, OWN_USER, ts, content, **extra))

    def first_sync(self) -> dict:
        """The answer to the first /sync (lazy-loaded members, timeline limit 20)."""
        rng = self.rng
        join = {}
        for i, room in enumerate(self.rooms):
            count = 0 if room.kind == "space" else min(20, max(1, int(rng.gauss(10, 4))))
            start = max(
                room.created_ts,
                self.now - rng.randint(1, 60) * 86_400_000 // int(1 + room.activity),
            )
            timeline = self._timeline(room, count, start)
            state = self._room_state(room, timeline)
            if i in self.malformed:
                self._break(timeline, self.malformed[i])
            join[room.room_id] = self._join_block(room, state, timeline, limited=count >= 8)
        invite = {}
        for room in self.invites:
            inviter = room.members[1]
            stripped = [
                {
                    "type": "m.room.create",
                    "state_key": "",
                    "sender": inviter,
                    "content": {"room_version": "10"},
                },
                {
                    "type": "m.room.name",
                    "state_key": "",
                    "sender": inviter,
                    "content": {"name": room.name},
                },
                {
                    "type": "m.room.join_rules",
                    "state_key": "",
                    "sender": inviter,
                    "content": {"join_rule": "invite"},
                },
                {
                    "type": "m.room.member",
                    "state_key": inviter,
                    "sender": inviter,
                    "content": {"membership": "join"},
                },
                self._event(
                    room,
                    "m.room.member",
                    inviter,
                    self.now - 3_600_000,
                    {"membership": "invite", "displayname": "Camille Laurent"},
                    state_key=OWN_USER,
                ),
            ]
            invite[room.room_id] = {"invite_state": {"events": stripped}}
        dms: dict[str, list[str]] = {}
        for room in self.rooms:
            if room.kind == "dm":
                dms.setdefault(room.members[1], []).append(room.room_id)
        return {
            "next_batch": self._next_batch(),
            "account_data": {
                "events": [
                    {"type": "m.direct", "content": dms},
                    {"type": "m.push_rules", "content": push_rules()},
                    {"type": "org.cercle.settings", "content": {"language": "fr", "theme": "auto"}},
                ]
            },
            "presence": {"events": []},
            "to_device": {"events": []},
            "device_lists": {"changed": rng.sample(self.colleagues, 12), "left": []},
            "device_one_time_keys_count": {"signed_curve25519": 50},
            "org.matrix.msc2732.device_unused_fallback_key_types": ["signed_curve25519"],
            "rooms": {"join": join, "invite": invite, "leave": {}, "knock": {}},
        }

    def incremental(self, rooms: int | None = None, per_room: int | None = None) -> dict:
        """A later /sync: a few busy rooms get 1–3 events (live traffic), or `rooms` rooms get
        `per_room` each (catching up after a while offline)."""
        rng = self.rng
        self.now += rng.randint(500, 30_000) if rooms is None else 3 * 3_600_000
        live = [r for r in self.rooms if r.kind != "space"]
        count = rooms if rooms is not None else rng.choice((1, 1, 1, 2, 2, 3, 5))
        if rooms is None:  # live traffic: the busy rooms talk most
            picks = rng.choices(live, weights=[r.activity for r in live], k=count * 2)
            chosen = list(dict.fromkeys(r.room_id for r in picks))[:count]
        else:
            chosen = [r.room_id for r in rng.sample(live, min(rooms, len(live)))]
        join = {}
        for room_id in chosen:
            room = self.by_id[room_id]
            n = per_room if per_room is not None else rng.choice((1, 1, 1, 2, 3))
            timeline = self._timeline(room, n, self.now - 60_000 * n)
            if room.event_ids and rng.random() < 0.05:  # a redaction
                timeline.append(
                    self._event(
                        room,
                        "m.room.redaction",
                        room.members[0],
                        room.last_ts + 1,
                        {"redacts": rng.choice(room.event_ids[-8:])},
                        redacts=rng.choice(room.event_ids[-8:]),
                    )
                )
            known = {e["sender"] for e in timeline}
            state = [self._member(room, u) for u in sorted(known) if rng.random() < 0.1]
            block = self._join_block(room, state, timeline, limited=n > 20)
            block["ephemeral"]["events"].append(
                {"type": "m.typing", "content": {"user_ids": rng.sample(room.members, 1)}}
            )
            join[room_id] = block
        return {
            "next_batch": self._next_batch(),
            "account_data": {"events": []},
            "presence": {"events": []},
            "to_device": {"events": []},
            "device_lists": {"changed": [], "left": []},
            "device_one_time_keys_count": {"signed_curve25519": 50},
            "rooms": {"join": join, "invite": {}, "leave": {}, "knock": {}},
        }


def push_rules() -> dict:
    """A trimmed copy of Synapse's default push rules (a real first sync carries ~6 KB)."""

    def rule(rule_id, conditions, actions, kind="override"):
        return {
            "rule_id": rule_id,
            "default": True,
            "enabled": True,
            "conditions": conditions,
            "actions": actions,
            "_kind": kind,
        }

    notify = ["notify", {"set_tweak": "sound", "value": "default"}, {"set_tweak": "highlight"}]
    override = [
        rule(".m.rule.master", [], []),
        rule(
            ".m.rule.suppress_notices",
            [{"kind": "event_match", "key": "content.msgtype", "pattern": "m.notice"}],
            [],
        ),
        rule(
            ".m.rule.invite_for_me",
            [{"kind": "event_match", "key": "type", "pattern": "m.room.member"}],
            notify,
        ),
        rule(
            ".m.rule.is_user_mention",
            [
                {
                    "kind": "event_property_contains",
                    "key": "content.m\\.mentions.user_ids",
                    "value": OWN_USER,
                }
            ],
            notify,
        ),
        rule(
            ".m.rule.reaction",
            [{"kind": "event_match", "key": "type", "pattern": "m.reaction"}],
            [],
        ),
    ]
    underride = [
        rule(".m.rule.room_one_to_one", [{"kind": "room_member_count", "is": "2"}], notify),
        rule(
            ".m.rule.encrypted",
            [{"kind": "event_match", "key": "type", "pattern": "m.room.encrypted"}],
            ["notify"],
        ),
        rule(
            ".m.rule.message",
            [{"kind": "event_match", "key": "type", "pattern": "m.room.message"}],
            ["notify"],
        ),
    ]
    for r in override + underride:
        r.pop("_kind")
    return {
        "global": {
            "override": override,
            "underride": underride,
            "content": [],
            "room": [],
            "sender": [],
        }
    }


def count_events(body: dict) -> dict[str, int]:
    """State + timeline events (joined rooms) and invite-state events of a /sync body."""
    rooms = body.get("rooms", {})
    state = sum(len(r["state"]["events"]) for r in rooms.get("join", {}).values())
    timeline = sum(len(r["timeline"]["events"]) for r in rooms.get("join", {}).values())
    invite = sum(len(r["invite_state"]["events"]) for r in rooms.get("invite", {}).values())
    return {
        "state": state,
        "timeline": timeline,
        "invite_state": invite,
        "total": state + timeline + invite,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--incremental", type=int, default=0, help="also write N later syncs")
    parser.add_argument("--hostile", action="store_true", help="add events that make nio raise")
    parser.add_argument("--out", type=Path, help="a folder for first.json, inc-0001.json, …")
    args = parser.parse_args(argv)
    account = SyntheticAccount(args.rooms, seed=args.seed, hostile=args.hostile)
    bodies = [("first", account.first_sync())]
    bodies += [(f"inc-{i + 1:04d}", account.incremental()) for i in range(args.incremental)]
    for name, body in bodies:
        data = json.dumps(body, ensure_ascii=False).encode()
        counts = count_events(body)
        if name == "first" or args.incremental <= 5:
            print(
                f"{name}: {len(body['rooms']['join'])} joined rooms, "
                f"{len(body['rooms']['invite'])} invites, {counts['state']} state + "
                f"{counts['timeline']} timeline = {counts['state'] + counts['timeline']} events "
                f"({counts['invite_state']} invite-state), {len(data) / 1e6:.2f} MB"
            )
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{name}.json").write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
