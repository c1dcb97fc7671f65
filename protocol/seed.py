"""The demo: a local company + partner network seeded with people, communities and conversations."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nio
import platformdirs

from cercle.protocol.client import CryptoStore, MatrixClient
from cercle.protocol.community import schema
from cercle.protocol.community.roles import room_power_levels
from cercle.protocol.localnet import LocalNetwork
from cercle.protocol.profiles import ProfileLocation
from cercle.storage.profile import remove_profile

log = logging.getLogger(__name__)

MANIFEST = "demo.json"
DEMO_PROFILE = "profile"
SEED_VERSION = 4  # bump when the seed below changes: an older demo is then re-created

# Fictional people. The first is the employee the demo app signs in as.
PEOPLE = {
    "camille": ("company", "Camille Laurent"),
    "julien": ("company", "Julien Moreau"),
    "sophie": ("company", "Sophie Bernard"),
    "karim": ("company", "Karim Haddad"),
    "lea": ("company", "Léa Dubois"),
    "elodie": ("partner", "Élodie Martin"),
    "thomas": ("partner", "Thomas Petit"),
}
DEMO_USER = "camille"
COMPANY_STAFF = ("camille", "julien", "sophie", "karim", "lea")
PARTNERS = ("elodie", "thomas")

# Communities (spaces) and their rooms; Julien, the community manager, creates them all.
# (key, name, topic, members, encrypted)
COMMUNITIES = [
    (
        "velotech",
        "Vélotech",
        "Toute l'entreprise : annonces, vie interne et idées",
        COMPANY_STAFF,
        [
            ("general", "Général", "Le fil de toute l'entreprise", False),
            (
                "annonces",
                "Annonces",
                "Les nouvelles officielles — seuls les managers publient",
                False,
            ),
            ("idees", "Idées & innovation", "Proposez, votez, faites avancer", False),
        ],
    ),
    (
        "qualite",
        "Communauté Qualité",
        "Pratiques qualité, retours terrain et entraide",
        ("julien", "sophie", "karim", "camille"),
        [
            ("qualite-discussions", "Discussions qualité", "Questions et retours terrain", False),
            ("bonnes-pratiques", "Bonnes pratiques", "Les guides validés par la communauté", False),
        ],
    ),
    (
        "revendeurs",
        "Réseau revendeurs",
        "Vélotech et ses revendeurs partenaires",
        (*COMPANY_STAFF[:3], *PARTNERS),
        [
            ("revendeurs-general", "Revendeurs — général", "Échanges avec nos partenaires", False),
            ("gamme-2027", "Lancement gamme 2027", "Confidentiel : chiffré de bout en bout", True),
        ],
    ),
]

# Governance (org.cercle.*, see protocol/community/schema.py): kind, purpose, charter, editorial.
GOVERNANCE = {
    "velotech": (
        "internal",
        "Toute l'entreprise : annonces, vie interne et idées",
        "# Charte Vélotech\n\n1. Bienveillance et respect.\n2. Pas d'informations clients ici.",
        ("Convivial et direct", ["text", "question", "idea", "announcement"], "fr"),
    ),
    "qualite": (
        "internal",
        "Pratiques qualité, retours terrain et entraide",
        "# Charte Qualité\n\n1. Des faits, des lots, des photos.\n2. Les guides sont validés.",
        ("Factuel et précis", ["text", "question", "document"], "fr"),
    ),
    "revendeurs": (
        "partner",
        "Vélotech et ses revendeurs partenaires",
        "# Charte du réseau revendeurs\n\n1. Courtoisie : vous parlez au nom de votre"
        " entreprise.\n2. Les conditions commerciales se discutent en message direct.\n"
        "3. Les informations du salon chiffré restent confidentielles jusqu'à l'embargo.",
        ("Courtois et professionnel", ["text", "question", "announcement", "document"], "fr"),
    ),
}

# (room key, author, text) in order; the demo shows these as history.
CONVERSATIONS = [
    (
        "general",
        "julien",
        "Bonjour à toutes et à tous ! Bienvenue sur Cercle, notre nouveau réseau.",
    ),
    (
        "general",
        "sophie",
        "Super ! On pourra enfin retrouver les échanges sans fouiller nos mails 😄",
    ),
    ("general", "karim", "Le salon du cycle de Lyon confirme notre stand, allée B. Qui vient ?"),
    ("general", "camille", "Je serai là jeudi et vendredi, je m'occupe des démonstrations."),
    ("general", "lea", "Première semaine pour moi au service client, ravie de vous rejoindre !"),
    ("general", "julien", "Bienvenue Léa 👋 N'hésite pas à poser tes questions ici."),
    (
        "annonces",
        "julien",
        "**Inventaire annuel** le 12 décembre : l'atelier sera fermé l'après-midi.",
    ),
    ("annonces", "julien", "La charte de Cercle est en ligne dans la communauté Vélotech."),
    ("idees", "sophie", "Idée : un atelier réparation ouvert aux clients le samedi matin ?"),
    ("idees", "karim", "+1, ça fidéliserait nos clients urbains. On pourrait tester à Lyon."),
    ("idees", "camille", "Et proposer un diagnostic gratuit la première fois ?"),
    (
        "qualite-discussions",
        "sophie",
        "Retour terrain : trois jeux de direction grippés ce mois-ci.",
    ),
    ("qualite-discussions", "julien", "Même lot de roulements ? Je regarde la traçabilité."),
    ("qualite-discussions", "karim", "Oui, lot R-2291. Le fournisseur a été prévenu."),
    (
        "bonnes-pratiques",
        "julien",
        "Guide : couple de serrage des potences carbone, 5 N·m maximum.",
    ),
    ("bonnes-pratiques", "sophie", "Ajout : toujours utiliser la pâte de montage carbone."),
    ("revendeurs-general", "julien", "Bienvenue à Roue Libre Distribution dans notre réseau !"),
    (
        "revendeurs-general",
        "elodie",
        "Merci ! Ravie de pouvoir échanger directement avec vos équipes.",
    ),
    (
        "revendeurs-general",
        "thomas",
        "Question : les délais de livraison des VAE sont-ils confirmés ?",
    ),
    ("revendeurs-general", "sophie", "Oui, 3 semaines pour les modèles City, 5 pour les Trek."),
]

# Each start of the demo app posts the next round (then it starts over), so a newcomer sees
# conversation arrive live, including end-to-end encrypted messages from the partner's server.
LIVE_ROUNDS = [
    [
        (
            "gamme-2027",
            "julien",
            "Les fiches techniques de la gamme 2027 sont prêtes, je les partage ici.",
        ),
        (
            "gamme-2027",
            "elodie",
            "Parfait, nos vendeurs attendent les prix de lancement avec impatience.",
        ),
        (
            "revendeurs-general",
            "thomas",
            "Nous confirmons la commande de 40 vélos City pour janvier.",
        ),
    ],
    [
        ("gamme-2027", "elodie", "Pouvez-vous nous confirmer la date d'embargo pour la presse ?"),
        (
            "gamme-2027",
            "julien",
            "Le 15 janvier à 9 h. D'ici là, tout reste dans ce salon chiffré.",
        ),
        ("idees", "lea", "Idée : une FAQ partagée avec les revendeurs pour le service client ?"),
    ],
    [
        (
            "revendeurs-general",
            "elodie",
            "Merci pour la formation d'hier, nos équipes sont ravies !",
        ),
        ("gamme-2027", "thomas", "Les photos du catalogue sont validées de notre côté."),
        ("general", "karim", "Record de visites sur le stand de Lyon ce week-end 🎉"),
    ],
]


@dataclass(frozen=True)
class Demo:
    """A running demo network and who to sign in as."""

    root: Path
    network: LocalNetwork
    homeserver: str
    user_id: str
    password: str
    manifest: dict

    def room_id(self, key: str) -> str:
        return self.manifest["rooms"][key]


def default_root() -> Path:
    return Path(platformdirs.user_data_dir("Cercle", appauthor=False)) / "demo"


def profile_location(root: Path | None = None) -> ProfileLocation:
    """The demo's own Cercle profile, kept inside the demo folder (apart from real profiles)."""
    return ProfileLocation(Path(root or default_root()), DEMO_PROFILE)


def open_demo(
    root: Path | None = None,
    *,
    reset: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> Demo:
    """Starts the demo network, seeding it on first use (blocking: call it off the UI thread)."""
    root = Path(root or default_root())
    manifest_path = root / MANIFEST
    stale = manifest_path.exists() and _manifest(root).get("version") != SEED_VERSION
    if reset or stale:
        progress("Resetting the demo network…")
        remove_profile(DEMO_PROFILE, base=root)  # its keyring entry too, not just its files
        shutil.rmtree(root, ignore_errors=True)
    network = LocalNetwork(root / "network", ("company", "partner"))
    progress("Starting the company and partner homeservers…")
    network.start()
    try:
        if not manifest_path.exists():
            progress("Seeding the demo communities…")
            manifest = asyncio.run(seed(network))
            _write_manifest(root, manifest)
        manifest = _manifest(root)
    except BaseException:
        network.stop()
        raise
    me = manifest["people"][DEMO_USER]
    return Demo(
        root, network, network["company"].client_url, me["user_id"], me["password"], manifest
    )


async def seed(network: LocalNetwork) -> dict:
    """Creates the demo's people, communities, rooms and history through Cercle's own client."""
    people = {}
    for key, (label, display_name) in PEOPLE.items():
        account = network[label].register(key, secrets.token_urlsafe(12))
        people[key] = {
            "user_id": account.user_id,
            "password": account.password,
            "homeserver": account.homeserver,
            "display_name": display_name,
        }
    clients = {k: await _login(v) for k, v in people.items()}
    try:
        await asyncio.gather(*(clients[k].set_display_name(v[1]) for k, v in PEOPLE.items()))
        rooms = await _create_communities(clients, people)
        guides: dict[str, list[str]] = {}
        for i, (room_key, author, text) in enumerate(CONVERSATIONS):
            event_id = await clients[author].send_text(rooms[room_key], text)
            if text.startswith("Guide"):  # pinned: the community shows them as its guides
                guides.setdefault(rooms[room_key], []).append(event_id)
            following = next((c for c in CONVERSATIONS[i + 1 :] if c[0] == room_key), None)
            if following and PEOPLE[following[1]][0] != PEOPLE[author][0]:
                # The next speaker is on the other server: let federation deliver this first,
                # or the two servers would order the exchange differently.
                await _wait_visible(clients[following[1]], rooms[room_key], event_id)
        for room_id, pinned in guides.items():
            await clients["julien"].put_state(room_id, "m.room.pinned_events", {"pinned": pinned})
    finally:
        await asyncio.gather(*(c.close() for c in clients.values()))
    return {"version": SEED_VERSION, "people": people, "rooms": rooms}


async def _create_communities(clients: dict[str, MatrixClient], people: dict) -> dict[str, str]:
    manager = clients["julien"]
    rooms: dict[str, str] = {}
    for key, name, topic, members, children in COMMUNITIES:
        invitees = [people[m]["user_id"] for m in members if m != "julien"]
        space_id = await manager.create_room(name, topic=topic, space=True, invite=invitees)
        rooms[key] = space_id
        for child_key, child_name, child_topic, encrypted in children:
            room_id = await manager.create_room(
                child_name, topic=child_topic, encrypted=encrypted, invite=invitees
            )
            await manager.add_to_space(space_id, room_id, suggested=True)
            rooms[child_key] = room_id
            if child_key == "annonces":  # an announcements room: only managers post
                levels = await room_power_levels(manager, room_id)
                levels["events_default"] = 100
                await manager.put_state(room_id, "m.room.power_levels", levels)
        await _govern(manager, space_id, key)
        joined = [r for r in (space_id, *(rooms[c[0]] for c in children))]
        for member in members:
            if member != "julien":
                for room_id in joined:
                    await clients[member].join(room_id)
    return rooms


async def _govern(manager: MatrixClient, space_id: str, key: str) -> None:
    kind, purpose, charter, (tone, post_types, language) = GOVERNANCE[key]
    await asyncio.gather(
        manager.put_state(space_id, schema.COMMUNITY, schema.community_content(kind, purpose)),
        manager.put_state(space_id, schema.CHARTER, schema.charter_content(1, charter)),
        manager.put_state(
            space_id, schema.EDITORIAL, schema.editorial_content(tone, post_types, language)
        ),
    )
    levels = await room_power_levels(manager, space_id)  # members record their own acceptance
    levels.setdefault("events", {})[schema.ACCEPTANCE] = 0
    await manager.put_state(space_id, "m.room.power_levels", levels)


async def liven(demo: Demo) -> None:
    """Posts the next live round as its authors (throw-away devices, for the encrypted room)."""
    people = demo.manifest["people"]
    manifest = dict(demo.manifest)
    round_no = manifest.get("live_round", 0)
    live = LIVE_ROUNDS[round_no % len(LIVE_ROUNDS)]
    manifest["live_round"] = round_no + 1
    _write_manifest(demo.root, manifest)
    scratch = Path(tempfile.mkdtemp(prefix="cercle-demo-bots-"))
    clients: dict[str, MatrixClient] = {}
    try:
        for _, author, _ in live:
            if author not in clients:
                crypto = CryptoStore(nio.store.SqliteStore, scratch / author, secrets.token_hex(16))
                clients[author] = await _login(people[author], crypto=crypto)
        for room_key, author, text in live:
            client = clients[author]
            await client.sync_once()
            await client.send_text(demo.room_id(room_key), text)
    finally:
        for client in clients.values():
            await client.nio.logout()  # no trail of bot devices in the room's device lists
            await client.close()
        shutil.rmtree(scratch, ignore_errors=True)


async def _wait_visible(client: MatrixClient, room_id: str, event_id: str) -> None:
    async with asyncio.timeout(30):
        while True:  # polling the other server: it has nothing to wait on locally
            if not isinstance(
                await client.nio.room_get_event(room_id, event_id), nio.ErrorResponse
            ):
                return
            await asyncio.sleep(0.05)


async def _login(person: dict, crypto: CryptoStore | None = None) -> MatrixClient:
    return await MatrixClient.login(
        person["homeserver"],
        person["user_id"],
        person["password"],
        device_name="Cercle demo seed",
        crypto=crypto,
    )


def _manifest(root: Path) -> dict:
    return json.loads((root / MANIFEST).read_text(encoding="utf-8"))


def _write_manifest(root: Path, manifest: dict) -> None:
    # Fictional accounts on a loopback-only demo network: their passwords are not user secrets.
    tmp = root / (MANIFEST + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(root / MANIFEST)
