"""Actors: named organisations from the reference list ("AQIM", "Ansar Dine"), state forces named by
demonym ("Egyptian border guards", "the Malian army") and unnamed ones ("smugglers", "Tuareg rebels")."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from armtrace.reference.actors import ActorIndex, load_actors
from armtrace.reference.places import load_gazetteer
from armtrace.reports.pipeline.analysis import analysis, first_words, word_key
from armtrace.reports.pipeline.mentions import ActorMention, Analysis


@Language.factory("armtrace_actors")
def make_actors(nlp: Language, name: str) -> ActorFinder:
    return ActorFinder()


class ActorFinder:
    def __init__(self, actors: ActorIndex | None = None) -> None:
        self.actors = actors or load_actors()
        self.gazetteer = load_gazetteer()
        self.max_words = min(self.actors.max_words, 8)
        self.starts = first_words(self.actors.names())

    def __call__(self, doc: Doc) -> Doc:
        found = analysis(doc)
        text, idx = found.text, found.idx
        forces = {start: (end, label) for start, end, label in self._force_cues(found.cues)}
        generic = {start: end for start, end, _ in found.cues.get("generic_actors", [])}
        mentions: list[ActorMention] = []
        i, n = 0, len(text)
        while i < n:
            named = text[i][:1].isupper() and word_key(text[i]) in self.starts
            mention = self._named(found, i) if named else None
            if mention is None:
                mention = self._state_force(found, i, forces)
            if mention is None and i in generic:
                end = generic[i]
                end_char = found.end_char(end)
                mention = ActorMention(
                    i,
                    end,
                    idx[i],
                    end_char,
                    found.source[idx[i] : end_char],
                    None,
                    "armed_group",
                    None,
                )
            if mention is None:
                i += 1
                continue
            mentions.append(mention)
            i = mention.end
        found.actors = mentions
        return doc

    @staticmethod
    def _force_cues(cues: dict) -> list[tuple[int, int, str]]:
        return [c for label, items in cues.items() if label.startswith("force:") for c in items]

    def _named(self, found: Analysis, i: int) -> ActorMention | None:
        source, idx, text = found.source, found.idx, found.text
        for size in range(min(self.max_words, len(text) - i), 0, -1):
            end = i + size
            if not text[end - 1].strip():
                continue  # a paragraph break is a token of its own: never the end of a name
            end_char = found.end_char(end)
            actor = self.actors.lookup(source[idx[i] : end_char])
            if actor is not None:
                return ActorMention(
                    i, end, idx[i], end_char, actor.name, actor.id, actor.kind, actor.country
                )
        return None

    def _state_force(
        self, found: Analysis, i: int, forces: dict[int, tuple[int, str]]
    ) -> ActorMention | None:
        """'Egyptian border guards': a demonym (or a country's name) followed by a force noun."""
        source, idx, text = found.source, found.idx, found.text
        if not text[i][:1].isupper():
            return None
        iso2 = self.gazetteer.demonym(text[i])
        nxt = i + 1
        for size in (3, 2, 1) if iso2 is None else ():
            # "South Sudan's army", "Central African troops": the longest country name first
            places = self.gazetteer.lookup(" ".join(text[i : i + size]))
            if places and places[0].kind == "country":
                iso2, nxt = places[0].country, i + size
                if nxt < len(text) and text[nxt] in {"'s", "’s"}:
                    nxt += 1
                break
        if iso2 is None or nxt not in forces:
            return None
        end, label = forces[nxt]
        end_char = found.end_char(end)
        return ActorMention(
            i,
            end,
            idx[i],
            end_char,
            source[idx[i] : end_char],
            None,
            "state_force",
            iso2,
            role_hint=label.split(":", 1)[1],
        )
