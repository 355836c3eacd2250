"""Places: gazetteer names ("Sollum", "the Gaza Strip"), demonyms ("Libyan") and possessives
("Libya's"), disambiguated by the other places the report names (Rafah is in Egypt and in Gaza)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc

from armtrace.reference.places import Gazetteer, Place, load_gazetteer
from armtrace.reports.pipeline.analysis import analysis, first_words, word_key
from armtrace.reports.pipeline.mentions import Analysis, PlaceMention

STRAY_POPULATION = 250_000  # towns smaller than this must fit the report's countries
DOMINANT_TOWN = 10_000  # a town this big outweighs namesakes a tenth its size…
TOWN_WEIGHT = 2  # …by this many mentions of the other country in the report
STRAY_CONTEXT = 3  # mentions of the report's main country before strays are judged


@Language.factory("armtrace_places")
def make_places(nlp: Language, name: str) -> PlaceFinder:
    return PlaceFinder()


class PlaceFinder:
    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or load_gazetteer()
        self.max_words = min(self.gazetteer.max_words, 5)
        self.starts = first_words(self.gazetteer.names())

    def __call__(self, doc: Doc) -> Doc:
        found = analysis(doc)
        # tokens of named actors are theirs; "Libyan" in "Libyan army stores" is still a place
        taken = {
            i
            for a in found.actors
            for i in range(a.start, a.end)
            if a.actor_id is not None or a.kind != "state_force" or i > a.start
        }
        text = found.text
        mentions: list[PlaceMention] = []
        i, n = 0, len(text)
        while i < n:
            if i in taken or not text[i][:1].isupper() or not self._may_start(text[i]):
                i += 1
                continue
            if _compound_tail(found, i):
                i += 1  # "Mayo-Sava": part of a longer name the gazetteer does not know
                continue
            mention = self._match(found, i)
            if mention is None:
                i += 1
                continue
            if _article_follows(found, mention.end):
                i = mention.end  # "Bab al-Tabbaneh": the head of a longer name, not the town Bab
                continue
            mention.possessive = mention.end < n and text[mention.end] in {"'s", "’s"}
            mention.demonym = (
                mention.demonym
                or _abbreviation_as_adjective(found, mention)
                or _modifier_after_article(found, mention)
                or _qualifies_a_named_settlement(found, mention)
            )
            mentions.append(mention)
            i = mention.end
        self._disambiguate(mentions)
        found.places = _with_anaphora(found, mentions)
        return doc

    def _may_start(self, token: str) -> bool:
        return word_key(token) in self.starts or self.gazetteer.demonym(token) is not None

    def _match(self, found: Analysis, i: int) -> PlaceMention | None:
        source, idx, text = found.source, found.idx, found.text
        for size in range(min(self.max_words, len(text) - i), 0, -1):
            end = i + size
            if not text[end - 1].strip():
                continue  # a paragraph break is a token of its own: never the end of a name
            end_char = found.end_char(end)
            surface = source[idx[i] : end_char]
            candidates = self.gazetteer.lookup(surface)
            if not candidates and size > 1 and not surface.istitle():
                # "the Nafusa mountains", "Gao region": capitalised as the gazetteer writes it
                candidates = self.gazetteer.lookup(
                    " ".join(w[:1].upper() + w[1:] for w in surface.split())
                )
            if candidates:
                return PlaceMention(i, end, idx[i], end_char, surface, candidates)
            if size == 1:
                iso2 = self.gazetteer.demonym(surface)
                if iso2 is not None:
                    return PlaceMention(
                        i,
                        end,
                        idx[i],
                        end_char,
                        surface,
                        [self.gazetteer.country(iso2)],
                        demonym=True,
                    )
        return None

    @staticmethod
    def _drop_strays(mentions: list[PlaceMention]) -> None:
        """A small town in a country the report never names otherwise, in a report about another
        country, is more likely a namesake ("Sidi Bin Nur" near Tripoli matching a Tunisian one)."""
        countries = Counter(c.country for m in mentions for c in m.candidates[:1] if c.country)
        if not countries:
            return
        main, count = countries.most_common(1)[0]
        if count < STRAY_CONTEXT:
            return
        for mention in list(mentions):
            place = mention.candidates[0]
            alone = countries[place.country] == 1 and place.country != main
            if place.kind == "town" and place.population < STRAY_POPULATION and alone:
                mentions.remove(mention)

    @staticmethod
    def _disambiguate(mentions: list[PlaceMention]) -> None:
        PlaceFinder._drop_strays(mentions)
        votes = Counter(
            m.candidates[0].country for m in mentions if len({c.country for c in m.candidates}) == 1
        )
        for mention in mentions:
            if len({c.country for c in mention.candidates}) > 1:
                head = _dominant(mention.candidates)
                mention.candidates.sort(
                    key=lambda c: -votes.get(c.country, 0) - (TOWN_WEIGHT if c is head else 0)
                )
        _qualified_by_demonym(mentions)


def _qualified_by_demonym(mentions: list[PlaceMention]) -> None:
    """'in Egyptian Rafah': an adjective of nationality right before a name shared by towns of
    several countries says which one, whatever the rest of the report names."""
    for before, mention in zip(mentions, mentions[1:], strict=False):
        if before.demonym and before.end == mention.start:
            country = before.place.country
            if any(c.country == country for c in mention.candidates[1:]):
                mention.candidates.sort(key=lambda c: c.country != country)


def _dominant(candidates: list[Place]) -> Place | None:
    """The first candidate when it is a real town and its namesakes are hamlets ("Sinjar" the
    Iraqi town of 38,000, not the Syrian village): the report must say more to move it."""
    first, others = candidates[0], candidates[1:]
    biggest = max((c.population for c in others), default=0)
    if first.kind == "town" and first.population >= max(10 * biggest, DOMINANT_TOWN):
        return first
    return None


_ARTICLES = {"al", "el", "ad", "ag", "an", "ar", "as", "ash", "at", "az", "ed", "es", "et"}


def _article_follows(found: Analysis, end: int) -> bool:
    """An Arabic article hyphenated onto a capitalised word comes next ("… al-Tabbaneh")."""
    text, idx = found.text, found.idx
    return (
        end + 2 < len(text)
        and text[end].lower() in _ARTICLES
        and text[end + 1] == "-"
        and idx[end] + len(text[end]) == idx[end + 1]
        and text[end + 2][:1].isupper()
    )


def _compound_tail(found: Analysis, i: int) -> bool:
    """A capitalised word hyphenated onto another capitalised word, with no space."""
    text, idx = found.text, found.idx
    return (
        i >= 2
        and text[i - 1] == "-"
        and idx[i - 1] + 1 == idx[i]
        and idx[i - 2] + len(text[i - 2]) == idx[i - 1]
        and text[i - 2][:1].isupper()
    )


# words after "US", "UK", "UAE" that leave it a noun ("from the US to Libya", "the US said")
_NOT_MODIFIED = {
    "and", "or", "to", "in", "on", "at", "for", "from", "by", "with", "of", "as", "but", "is",
    "was", "were", "are", "has", "had", "have", "said", "says", "which", "who", "that",
    "will", "would", "could", "did", "does", "also", "itself", "government's",
}


def _abbreviation_as_adjective(found: Analysis, mention: PlaceMention) -> bool:
    """'US planes', 'UAE aircraft', 'the UK government': an abbreviated country before a noun
    modifies it, as 'American' would; it says whose, not where."""
    name = mention.text.removeprefix("the ").removeprefix("The ").replace(".", "")
    if mention.place.kind != "country" or not name.isupper() or len(name) > 3:
        return False
    if mention.end >= len(found.text):
        return False
    following = found.text[mention.end]
    return following.isalpha() and following.lower() not in _NOT_MODIFIED


def _modifier_after_article(found: Analysis, mention: PlaceMention) -> bool:
    """'at a Doha think tank', 'a Gaza trader', 'a Tunis court': a name between "a" and a noun
    modifies the noun, as 'Qatari' would; it says whose, not where anything happened."""
    if mention.start == 0 or mention.end >= len(found.text):
        return False
    following = found.text[mention.end]
    return found.lower[mention.start - 1] in {"a", "an"} and following.isalpha() and (
        following.islower()
    )


def _qualifies_a_named_settlement(found: Analysis, mention: PlaceMention) -> bool:
    """'off the Red Sea port of Mokha': a name before "port of", "town of"… says which coast or
    country the settlement lies in; the settlement's own name says where."""
    following = found.lower[mention.end : mention.end + 2]
    return len(following) == 2 and following[0] in _SETTLEMENTS and following[1] == "of"


# "in the town", "near the town": the story's town, when no name follows ("the town of Gao")
_SETTLEMENTS = {"town", "city", "village", "oasis", "port"}


def _with_anaphora(found: Analysis, mentions: list[PlaceMention]) -> list[PlaceMention]:
    """News calls its main town "the town" (or "the same port") after naming it: the town named
    most often so far, the first named on a tie ("outside Marsa Matrouh … loaded in Sirte … near
    the town"), unless the same sentence has just named one; and a place named with a common
    noun by that noun ("seized the Hamdan airfield … overran the airfield")."""
    lower, out = found.lower, []
    towns: Counter[str] = Counter()
    first: dict[str, PlaceMention] = {}
    heads: dict[str, PlaceMention] = {}  # "airfield" -> the last place named "… airfield"
    last: PlaceMention | None = None  # the last town named
    at = {m.start: m for m in mentions}
    inside = 0  # tokens before this index belong to a name already taken
    for i, word in enumerate(lower):
        if i in at:
            mention = at[i]
            out.append(mention)
            inside = mention.end
            if mention.place.kind == "town":
                towns[mention.place.cite] += 1
                first.setdefault(mention.place.cite, mention)
                last = mention
            if mention.end - mention.start > 1 and found.text[mention.end - 1].islower():
                heads[lower[mention.end - 1]] = mention
            if mention.place.kind == "town" and _named_as_port(lower, mention):
                # the story's port is the first named: "docked at Tripoli's port … had left the
                # port of Mersin … shelled the same port"
                heads.setdefault("port", mention)
            continue
        if i < inside or (word not in heads and word not in _SETTLEMENTS):
            continue  # the common case, kept cheap: most tokens are no such noun
        the = _definite(lower, i)
        if the is None or (i + 1 < len(lower) and lower[i + 1] in {"of", "'s", "’s"}):
            continue
        if word in heads:
            named = heads[word]
        elif last is not None and word in _SETTLEMENTS:
            # "retook eastern Aleppo … abandoned in the city": the town the sentence just named
            same = bisect_right(found.sent_starts, last.start) == bisect_right(found.sent_starts, i)
            named = last if same else first[max(towns, key=lambda c: (towns[c], -first[c].start))]
        else:
            continue
        start, end = found.idx[the], found.end_char(i + 1)  # the span says "the town"
        out.append(PlaceMention(the, i + 1, start, end, named.text, named.candidates))
    return out


def _definite(lower: list[str], i: int) -> int | None:
    """Where "the" stands before token i ("the town", "the same port"), if it does."""
    if i > 0 and lower[i - 1] == "the":
        return i - 1
    if i > 1 and lower[i - 1] == "same" and lower[i - 2] == "the":
        return i - 2
    return None


def _named_as_port(lower: list[str], mention: PlaceMention) -> bool:
    """'Tripoli's port', 'Tripoli port', 'the port of Heraklion'."""
    after = lower[mention.end : mention.end + 2]
    return after[:1] == ["port"] or after in (["'s", "port"], ["’s", "port"]) or (
        lower[max(mention.start - 2, 0) : mention.start] == ["port", "of"]
    )
