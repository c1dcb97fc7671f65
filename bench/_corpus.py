"""Synthetic chat messages for the store benchmarks: French and English words, Zipf-distributed."""

from __future__ import annotations

import random
from itertools import accumulate

from cercle.storage.store import RoomBatch
from cercle.storage.timeline import NewEvent


def _words(text: str) -> list[str]:
    return text.split()


COMMON = _words(
    """
    le la les un une des et à de du en pour sur avec dans par pas plus que qui ne se est sont
    été être avoir fait faire nous vous ils elles je tu il elle on ce cette ces mais ou donc
    the a an and of to in for on with at by from is are was be have has do not this that it
    we you they he she me my our your their will can just so if about what when all there
    """
)
DOMAIN = _words(
    """
    réunion projet équipe école budget prévisionnel client contrat livraison délai planning
    sprint revue code déploiement serveur sécurité chiffrement clé matrix salle espace
    meeting project team school forecast customer contract delivery deadline review deploy
    server security encryption key room space release roadmap design feedback charte idée
    compétence formation recrutement partenaire fournisseur facture paiement commande stock
    événement conférence présentation rapport analyse données tableau indicateur objectif
    café déjeuner vacances congés télétravail bureau parking badge accès wifi imprimante
    """
)
SYLLABLES = _words(
    """
    ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga gi lo lu ma me mi mo
    na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi vo za ze zi zo
    """
)


def vocabulary(size: int = 20_000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words = list(dict.fromkeys(COMMON + DOMAIN))
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


class MessageMaker:
    """Deterministic message bodies; Zipf over the vocabulary like real chat text."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary()
        self.cum_weights = list(accumulate(1 / (rank + 1) for rank in range(len(self.words))))

    def body(self) -> str:
        n = self.rng.randint(4, 28)
        return " ".join(
            self.rng.choices(self.words, cum_weights=self.cum_weights, k=n)
        ).capitalize()

    def batches(self, total: int, per_batch: int, rooms: int, start: int = 0):
        """RoomBatches of `per_batch` events spread over `rooms` rooms, as a sync would bring."""
        n = start
        while n < start + total:
            count = min(per_batch, start + total - n)
            by_room: dict[str, list[NewEvent]] = {}
            for i in range(n, n + count):
                room = f"!room{self.rng.randrange(rooms)}:bench.example"
                by_room.setdefault(room, []).append(
                    NewEvent(
                        f"$ev{i}:bench.example",
                        f"@user{i % 97}:bench.example",
                        "m.room.message",
                        1_700_000_000_000 + i * 1000,
                        {"msgtype": "m.text", "body": self.body()},
                        encrypted=True,
                    )
                )
            n += count
            yield [RoomBatch(room, timeline=events) for room, events in by_room.items()]
