"""Who says something in a sentence: the speaker of a statement, for every extractor that needs one.

:func:`speaker` answers for a cue (the words that make a sentence a statement) with an
:class:`Attribution`: the speakers (none for the article's own voice), the words that attribute it,
the rule that found it and how sure it is. When the sentence attributes the cue to someone the
drafter cannot name, it answers :data:`UNRESOLVED`, and callers draft nothing: a speaker is never
guessed, and the article's own voice is used only when nothing in the sentence attributes the cue.

Two kinds of cue are told apart by the caller:

- an **act** cue is itself the speech act ("X *accused* Y", "X *denied* any involvement", "X *vowed
  revenge*"): its grammatical subject speaks;
- a **content** cue is something said ("ISIS-K *could be involved*", "two *suicide bombers*"): the
  frame around it says who says it, and with no frame at all the article says it.

Rules, each with the general pattern it covers:

- **according-to**: "according to X, ...", "as per X", "citing X": X speaks for the whole sentence.
- **reporting-verb**: "X said/stated/told/announced/added/warned/emphasized/pointed out/believes/
  speculated/described ... (that) <cue>": the subject of the nearest reporting verb before the cue; a
  participle ("..., saying, ...") takes the subject of the verb before it, or the noun phrase right
  before it ("with X stating that"). "Are said to", "is believed to" are hedges, not frames;
  "as was thought", "it is believed that" attribute to someone unnamed (unresolved).
- **closing-attribution**: "..., X said." / "..., said X.": the speaker named after the cue.
- **passive-agent**: "put forward by X", "suggested by X", "was condemned by X": X.
- **subject** (act cues): the noun phrase before the verb, skipping auxiliaries and adverbs ("has
  categorically denied"), control verbs ("was quick to point", "expressed its determination to seek
  revenge"), appositions and relative clauses ("X, the Deputy Head of ..., expressed"; "X, who is in
  charge of ..., stated"; "<title>, X, stated"); "X and Y said" gives both; "Some experts, such as X,
  believe" gives both; a verb joined by "and" to an earlier one shares its subject ("X denied ... and
  stated that ...").
- **noun phrases** as speakers:

  - a name, with its titles and possessors ("President Ebrahim Raisi", "The International Crisis
    Group's Ali Vaez", "ISIS spokesman Abu Hutaifa al-Ansari"): the last name in it;
  - **name completion**: a name is read whole, with the name words next to it that the linker left out
    (not across a possessive, a title or a date): "Revolutionary Guards Corps" for a link to "Revolutionary
    Guards", "State TV" for "TV", "Abu Hutaifa al-Ansari" for "Abu Hutaifa", "ISIS-Khorasan" for "ISIS"
    (a longer name is not the shorter one: a branch is never widened to its group); the registry's entity
    when one of its names is that or close to it in spelling, else a new name;
  - **titled-name**: a title of office before a name the registry does not know ("Supreme Leader Ayatollah
    Khamenei", "President Macron"): a new person, named as written after the office (an honorific such as
    "Ayatollah" or "Sheikh" stays);
  - **declared alias**: "ISIS, also known as Daesh, ...": "Daesh" names the same agent wherever it recurs;
  - **statement-of**: "X's statement", "the X statement", "X's claim", "an X statement released on
    ...": X, the statement's author;
  - **media-wing**: "X's Al-Furqan media wing", "the X media wing, Al-Furqan": X speaks, the outlet is
    the channel;
  - **role-description**: "Israel's military", "Iran's interior minister", "the country's interior
    minister": the registry entity of that name (its demonym form "Israeli military" included),
    otherwise a new article-local entity; "a spokesman for X": a new Person "spokesman for X" unless
    the registry has one; "the X spokesman": the person the article earlier named with that title;
  - **unnamed-source**: "an unnamed source cited by IRNA" (a new Person, IRNA the channel), "analysts",
    "certain analysts", "some experts", "his advisers", "a U.S. official", "another state media outlet",
    "the Iranian government" (a capitalised modifier makes a description, not an anaphor): the registry's
    entity of that name, else a new article-local Person, Group (a plural) or MediaOutlet;
  - **metonymy**: a city as speaker stands for the state it lies in (the registry's ``located_in``):
    "Tehran accused" is Iran;
  - **pronoun** and **description**: "he"/"she" is the nearest person named before in the paragraph,
    "it" the nearest organisation, "the group" the nearest armed group or group, "the country" the
    nearest state, "the ministry", "the military"... alike; "the former"/"the latter" the first/second
    of the last "X and Y". Only within the paragraph: otherwise unresolved.

- **article-voice**: no frame and nothing in the sentence attributes anything (no reporting verb, no
  "according to", no quotation of three words or more, no agentless attribution such as "have been
  attributed to"), and the sentence before it in the paragraph is not itself attributed (reported
  speech often runs on into the next sentence: such a sentence is not credited to the article).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import Final

from kg.drafting.analysis import LINK_CONFIDENCE, PERSON_TITLES, Analysis, Mention, Sentence, guess_type, slug
from kg.drafting.context import AGENT_CLASSES, memo, quotations

# ------------------------------------------------------------------ classes

AGENT_TYPES: Final = AGENT_CLASSES  # the ontology's agent classes, listed once in kg.drafting.context
ORGANISATION_TYPES: Final = AGENT_TYPES - {"Agent", "Person"}
CHANNEL_TYPES: Final = frozenset({"Channel", "MediaOutlet"})

#: what a definite description or pronoun may refer back to
ANAPHORS: Final[dict[str, frozenset[str]]] = {
    "he": frozenset({"Person"}),
    "she": frozenset({"Person"}),
    "it": ORGANISATION_TYPES,
    "group": frozenset({"ArmedGroup", "Group"}),
    "militants": frozenset({"ArmedGroup", "Group"}),
    "organisation": frozenset({"ArmedGroup", "Group", "Organisation", "InternationalBody"}),
    "organization": frozenset({"ArmedGroup", "Group", "Organisation", "InternationalBody"}),
    "movement": frozenset({"ArmedGroup", "Group"}),
    "network": frozenset({"ArmedGroup", "Group"}),
    "country": frozenset({"State"}),
    "nation": frozenset({"State"}),
    "government": frozenset({"Government"}),
    "regime": frozenset({"Government", "State"}),
    "administration": frozenset({"Government"}),
    "military": frozenset({"MilitaryUnit"}),
    "army": frozenset({"MilitaryUnit"}),
    "ministry": frozenset({"GovernmentBody"}),
    "council": frozenset({"InternationalBody", "GovernmentBody"}),
    "outlet": frozenset({"MediaOutlet"}),
    "broadcaster": frozenset({"MediaOutlet"}),
    "newspaper": frozenset({"MediaOutlet"}),
    "agency": frozenset({"MediaOutlet", "GovernmentBody"}),
    "minister": frozenset({"Person"}),
    "president": frozenset({"Person"}),
    "spokesman": frozenset({"Person"}),
    "spokeswoman": frozenset({"Person"}),
    "spokesperson": frozenset({"Person"}),
    "commander": frozenset({"Person"}),
    "leader": frozenset({"Person"}),
}

#: head nouns of a description that names a speaker the text does not name, and the class of a new one
SOURCE_NOUNS: Final[dict[str, str]] = {
    **{
        w: "Person"
        for w in """source official spokesman spokeswoman spokesperson analyst expert observer diplomat witness
        commander minister officer researcher specialist professor lawmaker aide adviser advisor envoy
        ambassador president leader chief head director governor mayor""".split()
    },
    **{
        w: "Group"
        for w in """sources officials analysts experts observers diplomats witnesses commanders ministers officers
        researchers specialists authorities critics lawmakers commentators scholars residents survivors
        investigators militants leaders""".split()
    },
    **{
        w: "MediaOutlet"
        for w in "outlet agency newspaper broadcaster daily website network channel television tv".split()
    },
    "military": "MilitaryUnit",
    "army": "MilitaryUnit",
    "forces": "MilitaryUnit",
    "government": "Government",
    "ministry": "GovernmentBody",
    "media": "Group",
}
#: nouns for what a speaker issued: "X's statement" is said by X
STATEMENT_NOUNS: Final = frozenset(
    "statement statements claim claims note message communique communiqué text video announcement post letter "
    "audio recording declaration".split()
)
#: nouns for a speaker's own outlet: "X's media wing" speaks for X
WING_NOUNS: Final = frozenset(
    {"media wing", "media arm", "propaganda arm", "news agency", "mouthpiece", "media outlet"}
)
#: analysts' nouns: their judgements are assessments, not accusations
ANALYST_NOUNS: Final = frozenset(
    """analyst analysts expert experts observer observers researcher researchers specialist specialists
    scholar scholars commentator commentators professor academic academics""".split()
)


def source_kind(noun: str) -> str | None:
    """The class of a new entity a description headed by ``noun`` names: a person, or for a plural a group."""
    noun = noun.lower()
    if noun in SOURCE_NOUNS:
        return SOURCE_NOUNS[noun]
    for singular in (noun[:-1], noun[:-2], noun[:-3] + "man" if noun.endswith("men") else ""):
        if singular in SOURCE_NOUNS:
            return "Group"  # "advisers", "spokesmen", "outlets": several of them
    return None


_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you"})

# ------------------------------------------------------------------ patterns

_REPORTING_WORDS = (
    r"said|says|stated|told|tells|announced|announces|added|adds|warned|warns|emphasi[sz]ed|emphasi[sz]es|"
    r"stressed|stresses|mentioned|noted|pointed\s+out|points\s+out|argued|argues|believes?|believed|"
    r"suggested|suggests|speculated|reported|insisted|insists|asserted|asserts|alleged|alleges|described|"
    r"describes|characteri[sz]ed|characteri[sz]es|wrote|writes|explained|explains|declared|declares|"
    r"confirmed|confirms|considers|considered|estimated|cautioned|maintained|maintains|contended|indicated|"
    r"revealed|acknowledged|thinks|proposed|identified|identifies|read|"
    r"claim(?:ed|s)?(?=\s+(?:that|it|its|they|their)\b)"
)
_PARTICIPLE_WORDS = (
    r"saying|stating|adding|claiming|warning|suggesting|proposing|noting|arguing|alleging|insisting|"
    r"explaining|reporting|describing|announcing|asserting|emphasi[sz]ing|declaring|confirming|writing"
)
REPORTING: Final = re.compile(
    rf"\b(?:{_REPORTING_WORDS}|{_PARTICIPLE_WORDS})\b(?!\s+(?:full\s+|sole\s+)?(?:responsibility|credit)\b)",
    re.IGNORECASE,
)
#: a reporting word used as an adjective ("the reported death toll", "an alleged plot") frames nothing
_ADJECTIVAL: Final = re.compile(r"\b(?:the|a|an|its|their|his|her|this|these|those)\s+$", re.IGNORECASE)
_PARTICIPLE: Final = re.compile(rf"(?:{_PARTICIPLE_WORDS})", re.IGNORECASE)
ACCORDING: Final = re.compile(r"\b(?:according\s+to|as\s+per|citing)\s+", re.IGNORECASE)
#: "put forward by X": a participle of speech with its agent
_BY_AGENT: Final = re.compile(
    r"\b(?:put\s+forward|suggested|proposed|advanced|voiced|raised|floated|reported|claimed|stated|made|"
    r"cited|quoted|given|expressed|issued|released|published|posted|aired|broadcast|shown)\s+by\s+",
    re.IGNORECASE,
)
#: an attribution to someone unnamed: "as was thought", "it is believed", "have been attributed to"
AGENTLESS: Final = re.compile(
    r"\b(?:is|are|was|were|been|being)\s+(?:widely\s+|also\s+|generally\s+)?"
    r"(?:thought|believed|suspected|reported|rumou?red|alleged|attributed|linked|blamed|claimed|understood|"
    r"said|considered|expected|feared)\b(?!\s+(?:to\b|by\b))",
    re.IGNORECASE,
)
_HEDGE_PASSIVE: Final = re.compile(r"\b(?:is|are|was|were|been|being|be)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
#: words the subject search skips between a subject and its verb
_SKIP: Final = re.compile(
    r"(?:\b(?:has|have|had|was|were|is|are|been|being|be|will|would|shall|should|can|could|may|might|must|did|"
    r"does|do|also|then|now|already|still|again|later|earlier|first|once|not|never|soon|since|just|even|"
    r"often|always|long|too|yet|in\s+turn|\w+ly)|n[’']t)\s*$",
    re.IGNORECASE,
)
_CONTROL: Final = re.compile(
    r"(?:\b(?:quick|swift|expected|determined|ready|set|keen|eager|due|able|unable|first|prepared|willing)\s+to"
    r"|\b(?:expressed|expresses|expressing|reaffirmed|reaffirms|stated|declared|announced|signalled|signaled)\s+"
    r"(?:its|his|her|their)\s+(?:determination|intention|resolve|readiness|commitment|desire|will)\s+to"
    r"|\b(?:vowed|vows|promised|promises|pledged|pledges|threatened|threatens|decided|decides|wants|wanted|"
    r"intends|intended|plans|planned|sought|seeks|tried|tries|continued|continues|moved|hastened|rushed|"
    r"appeared|appears|seemed|seems|went\s+on|refused|declined)\s+to)\s*$",
    re.IGNORECASE,
)
#: verbs that may head an earlier coordinated clause: "X denied ... and stated"
VERBS: Final = re.compile(
    rf"\b(?:{_REPORTING_WORDS}|{_PARTICIPLE_WORDS}|"
    r"claimed|asserted|accepted|took|takes|accused|accuses|blamed|blames|held|holds|denied|denies|rejected|"
    r"rejects|dismissed|condemned|condemns|denounced|denounces|deplored|vowed|vows|swore|pledged|promised|"
    r"threatened|issued|issues|expressed|expresses|attributed|attributes|extended|offered|called|calls|urged|"
    r"urges|declined|refused|aired|broadcast|released|published|posted|designated|cancelled|canceled|"
    r"declared|launched|retaliated|ordered|sent|gave|made)\b",
    re.IGNORECASE,
)
#: where a subject's clause starts (quotations are blanked to \x01 before this is applied)
_CLAUSE_START: Final = re.compile(
    r"[;:()\x01—–]|,\s+and\b|,\s+but\b"
    r"|\b(?:that|which|who|whom|whose|while|whereas|because|although|though|if|when|where|what|whether|"
    r"so|once|unless|until)\b"
    r"|(?<!such\s)(?<!known\s)(?<!also\s)\bas\b(?!\s+per\b)",
    re.IGNORECASE,
)
#: words that end a noun phrase's head and start what follows it ("commander | in Kerman")
_POSTMOD: Final = re.compile(
    r"\s(?:in|at|of|for|from|on|with|within|inside|near|cited|quoted|based|close|familiar|who|which|that|"
    r"released|published|issued|posted|carried|aired|broadcast|seen|obtained)\b",
    re.IGNORECASE,
)
_LEADING: Final = re.compile(
    r"^(?:(?:and|but|or|with|by|as|so|then|also|yet|however|meanwhile|moreover|furthermore|additionally|"
    r"initially|later|earlier|now|instead|still|thus)\b[\s,]*)+",
    re.IGNORECASE,
)
_WORD: Final = re.compile(r"[\w’'.\-]+")
#: "X, also known as Y": the text's own alias for a name
_ALSO_KNOWN: Final = re.compile(
    r",?\s*(?:also\s+known\s+as|a\.k\.a\.?|better\s+known\s+as|also\s+called|known\s+locally\s+as)\s+"
    r"(?:the\s+)?(?P<alias>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})"
)
_POSSESSIVE_END: Final = re.compile(r"[’']s?$")
#: the rest of a hyphenated name after a linked part ("-Khorasan" of "ISIS-Khorasan")
_HYPHENATED: Final = re.compile(r"(?:-[A-Z][\w’']*)+")
_CALENDAR: Final = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december""".split()
)
#: honorifics belong to a name as written ("Ayatollah Khamenei"); offices do not ("Supreme Leader", "President")
HONORIFICS: Final = frozenset(
    "ayatollah sheikh shaikh imam mullah hojatoleslam sayyed sayyid rabbi mr mr. mrs mrs. ms ms. dr dr.".split()
)
#: a word that may continue a name: capitalised, or a particle ("al-Ansari", "bin", "ibn")
_NAME_TOKEN: Final = re.compile(r"(?:[A-Z][\w’'.-]*|(?:al|el|bin|ibn|abu|de|van|von)(?:-[A-Z][\w’'-]*)?)$")
_POSSESSIVE: Final = re.compile(r"^(?:[’']s?)(?=\s|$)")
#: a quotation long enough to be someone's words (not a scare-quoted term)
_SPEECH_WORDS = 3

UNRESOLVED_RULE: Final = "unresolved"


# ------------------------------------------------------------------ result


@dataclass(frozen=True)
class Attribution:
    """Who says something, as the sentence attributes it.

    Attributes:
        speakers: The mentions of the speakers, registry or new (article-local) ones; empty for the
            article's own voice.
        words: The words that attribute it ("according to an ISIS statement", "Raisi ... said"), as
            written; empty for the article's own voice.
        start: Where ``words`` start in the article (-1 when there are none).
        rule: The rule that found the speaker (``article-voice`` for the article's own voice,
            ``unresolved`` when the sentence attributes it to someone the drafter cannot name).
        confidence: How sure the attribution is, from 0 to 1 (a factor for the fact's confidence).
        channel: An outlet or channel the attribution names ("cited by IRNA", "X's Al-Furqan media wing").
    """

    speakers: tuple[Mention, ...] = ()
    words: str = ""
    start: int = -1
    rule: str = "article-voice"
    confidence: float = 0.85
    channel: Mention | None = None

    @property
    def resolved(self) -> bool:
        """False for :data:`UNRESOLVED`: draft nothing that needs this speaker."""
        return self.rule != UNRESOLVED_RULE

    @property
    def publisher(self) -> bool:
        """The article's own voice."""
        return self.resolved and not self.speakers

    @property
    def mention(self) -> Mention | None:
        """The (first) speaker, or None for the article's own voice."""
        return self.speakers[0] if self.speakers else None

    @property
    def end(self) -> int:
        """Where ``words`` end in the article (-1 when there are none)."""
        return self.start + len(self.words) if self.start >= 0 else -1

    def pair(self) -> tuple[Mention | None, str]:
        """The speaker (None: the article) and the attributing words, for callers that need no more."""
        return self.mention, self.words


#: the sentinel for an attribution the drafter cannot resolve
UNRESOLVED: Final = Attribution(rule=UNRESOLVED_RULE, confidence=0.0)
#: the article's own voice
ARTICLE_VOICE: Final = Attribution()


# ------------------------------------------------------------------ entry points


def speaker(
    analysis: Analysis,
    sentence: Sentence,
    cue_start: int,
    cue_end: int,
    *,
    act: bool = False,
    publisher: bool = True,
) -> Attribution:
    """Who says what the cue at [cue_start, cue_end) of a sentence says.

    Args:
        analysis: The article.
        sentence: The sentence holding the cue.
        cue_start: Where the cue starts in the article; for an act cue, where its verb starts.
        cue_end: Where it ends.
        act: The cue is the speech act itself ("accused"): its subject speaks (or the agent of a
            passive: "was condemned by X").
        publisher: The article's own voice may say it (an assessment may be the article's; a denial
            or a claim never is).

    Returns:
        The attribution, :data:`ARTICLE_VOICE`, or :data:`UNRESOLVED`.
    """
    reader = Reader.of(analysis)
    if act:
        return reader.subject(sentence, cue_start)
    found = reader.frame(sentence, cue_start, cue_end)
    if found is not None:
        return found
    if not publisher:
        return UNRESOLVED
    if reader.attributed(sentence, cue_start, cue_end) or reader.carried_over(sentence):
        return UNRESOLVED
    return ARTICLE_VOICE


def agent_after(analysis: Analysis, sentence: Sentence, start: int, end: int | None = None) -> Attribution:
    """The speaker named by the noun phrase starting at ``start`` ("by President Raisi"), up to the clause's end."""
    reader = Reader.of(analysis)
    return reader.phrase_after(sentence, start, end)


def is_analyst(analysis: Analysis, mention: Mention) -> bool:
    """Whether a speaker judges as an analyst: a research body, an outlet, analysts, experts, a professor...

    A Person counts when a word such as "analyst", "specialist" or "professor" stands in the few words
    around the name.
    """
    if any(t in ("ResearchInstitution", "MediaOutlet") for t in mention.types):
        return True
    words = {w.lower() for w in _WORD.findall(mention.text)}
    if words & ANALYST_NOUNS:
        return True
    if "Person" in mention.types:
        around = analysis.text[max(0, mention.start - 80) : mention.end + 60].lower()
        return bool(set(re.findall(r"[a-z]+", around)) & ANALYST_NOUNS)
    return False


# ------------------------------------------------------------------ the reader


class Reader:
    """An article read for speakers: the text with quotations blanked, and the registry's names."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.text = analysis.text
        chars = list(analysis.text)
        self.quotes = quotations(analysis)
        for lo, hi in self.quotes:
            for i in range(lo, hi):
                if chars[i] != "\n":
                    chars[i] = "\x01"
        #: the text with every quotation (marks included) blanked to \x01, offsets kept
        self.plain = "".join(chars)
        self.index = _name_index(analysis)
        self.mentions = _distinct(analysis.mentions + self._declared_aliases(_distinct(analysis.mentions)))

    def _declared_aliases(self, mentions: list[Mention]) -> list[Mention]:
        """Names the text declares for a named agent ("ISIS, also known as Daesh, ..."), found where they recur."""
        found: list[Mention] = []
        for mention in mentions:
            if not (mention.known and _is_agent(mention)):
                continue
            declared = _ALSO_KNOWN.match(self.text, mention.end)
            if declared is None:
                continue
            alias = declared.group("alias")
            for hit in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", self.text):
                found.append(
                    replace(mention, start=hit.start(), end=hit.end(), text=alias, how="variant", confidence=0.8)
                )
        return found

    @classmethod
    def of(cls, analysis: Analysis) -> Reader:
        """The reader of an analysis, made once."""
        return memo(analysis, "speakers.reader", lambda: cls(analysis))

    # ------------------------------------------------------------- helpers

    def quoted(self, start: int, end: int) -> bool:
        """Whether [start, end) lies inside a quotation."""
        return any(lo <= start and end <= hi for lo, hi in self.quotes)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """Mentions inside [start, end) and outside quotations, in text order."""
        return [m for m in self.mentions if start <= m.start and m.end <= end and not self.quoted(m.start, m.end)]

    def paragraph_start(self, offset: int) -> int:
        """Where the paragraph (the line) that holds an offset starts."""
        return self.text.rfind("\n", 0, offset) + 1

    def previous_sentence(self, sentence: Sentence) -> Sentence | None:
        """The sentence before this one in the same paragraph, if any."""
        sentences = self.analysis.sentences
        for i, other in enumerate(sentences):
            if other.start == sentence.start:
                if i == 0:
                    return None
                before = sentences[i - 1]
                return before if before.start >= self.paragraph_start(sentence.start) else None
        return None

    # ------------------------------------------------------------- frames

    def frame(self, sentence: Sentence, cue_start: int, cue_end: int) -> Attribution | None:
        """The frame that attributes a content cue, :data:`UNRESOLVED`, or None when there is none."""
        s0 = sentence.start
        plain = self.plain[s0 : sentence.end]
        c = cue_start - s0
        for match in ACCORDING.finditer(plain):
            end = _phrase_end(plain, match.end())
            found = self.phrase(sentence, s0 + match.end(), s0 + end)
            return self._framed(found, s0 + match.start(), s0 + end, "according-to")
        for match in reversed(list(REPORTING.finditer(plain, 0, max(c, 0)))):
            if match.end() > c:
                continue
            before = plain[: match.start()]
            if _ADJECTIVAL.search(before):
                continue
            after = plain[match.end() :]
            if _HEDGE_PASSIVE.search(before):
                if re.match(r"\s+to\b", after):
                    continue  # "are said to have": a hedge
                by = re.match(r"\s+by\s+", after)
                if by:
                    return self._by(sentence, match.start(), match.end() + by.end())
                return UNRESOLVED  # "as was thought", "it is believed"
            by = re.match(r"\s+by\s+", after)
            if by:
                return self._by(sentence, match.start(), match.end() + by.end())
            if _PARTICIPLE.fullmatch(match.group()):
                found = self._participle(sentence, s0 + match.start())
            else:
                found = self.subject(sentence, s0 + match.start())
            return self._framed(found, s0 + match.start(), s0 + match.end(), "reporting-verb")
        closing = self._closing(sentence, cue_end)
        if closing is not None:
            return closing
        for match in _BY_AGENT.finditer(plain):
            return self._by(sentence, match.start(), match.end())
        return None

    def _framed(self, found: Attribution, start: int, end: int, rule: str) -> Attribution:
        """An attribution widened to the frame's words [start, end), its rule prefixed with the frame's."""
        if not found.resolved:
            return UNRESOLVED
        lo = min(start, found.start) if found.start >= 0 else start
        hi = max(end, found.end)
        return replace(found, words=self.text[lo:hi], start=lo, rule=f"{rule}/{found.rule}")

    def _by(self, sentence: Sentence, verb: int, agent: int) -> Attribution:
        """The agent after "by": up to the end of the first name in it ("by State TV showed ..." is State TV),
        or of its description ("by a spokesman for the Foreign Ministry")."""
        s0 = sentence.start
        plain = self.plain[s0 : sentence.end]
        end = _phrase_end(plain, agent, stop_that=True)
        names = self.mentions_in(s0 + agent, s0 + end)
        if names and not _POSSESSIVE.match(self.text[names[0].end : s0 + end]):
            end = names[0].end - s0
        found = self.phrase(sentence, s0 + agent, s0 + end)
        return self._framed(found, s0 + verb, s0 + end, "passive-agent")

    def _participle(self, sentence: Sentence, verb_at: int) -> Attribution:
        """The subject of "saying"/"stating": the phrase right before it, or the subject of the verb before."""
        s0 = sentence.start
        before = self.plain[s0:verb_at].rstrip()
        if before.endswith(",") or before.endswith("\x01") or not before:
            previous = _last(VERBS, self.plain[s0 : s0 + len(before)], exclude_participles=True)
            if previous is None:
                return UNRESOLVED
            return self.subject(sentence, s0 + previous)
        return self.subject(sentence, verb_at)

    def _closing(self, sentence: Sentence, cue_end: int) -> Attribution | None:
        """ "..., X said." or "..., said X." after the cue."""
        tail = self.plain[cue_end : sentence.end]
        match = re.search(
            r"[,\x01]\s*(?P<np>[^,;\x01]{1,80}?)\s+(?P<v>said|says|added|wrote|stated|told\s+\w+|reported|"
            r"confirmed)\s*[.;!]?\s*$",
            tail,
        )
        if match:
            a, b = cue_end + match.start("np"), cue_end + match.end("np")
            found = self.phrase(sentence, a, b)
            return self._framed(found, a, cue_end + match.end("v"), "closing-attribution")
        match = re.search(
            r"[,\x01]\s*(?P<v>said|says|added|wrote|reported)\s+(?P<np>[^,;\x01]{1,80}?)\s*[.;!]?\s*$", tail
        )
        if match:
            a, b = cue_end + match.start("np"), cue_end + match.end("np")
            found = self.phrase(sentence, a, b)
            return self._framed(found, cue_end + match.start("v"), b, "closing-attribution")
        return None

    def attributed(self, sentence: Sentence, cue_start: int = -1, cue_end: int = -1) -> bool:
        """Whether anything in the sentence (outside the cue) attributes something to someone."""
        plain = self.plain[sentence.start : sentence.end]
        if cue_start >= 0:
            a, b = cue_start - sentence.start, cue_end - sentence.start
            plain = plain[:a] + " " * (b - a) + plain[b:]
        if ACCORDING.search(plain) or _BY_AGENT.search(plain) or AGENTLESS.search(plain):
            return True
        for match in REPORTING.finditer(plain):
            after = plain[match.end() :]
            if _ADJECTIVAL.search(plain[: match.start()]):
                continue
            if _HEDGE_PASSIVE.search(plain[: match.start()]) and re.match(r"\s+to\b", after):
                continue  # "are said to have" is a hedge
            return True
        for lo, hi in self.quotes:
            if sentence.start <= lo < sentence.end and len(_WORD.findall(self.text[lo:hi])) >= _SPEECH_WORDS:
                return True
        return False

    def carried_over(self, sentence: Sentence) -> bool:
        """Whether the sentence before it in the paragraph is attributed (its speech may run on into this one)."""
        before = self.previous_sentence(sentence)
        return before is not None and self.attributed(before)

    # ------------------------------------------------------------- subjects

    def subject(self, sentence: Sentence, verb_at: int, depth: int = 0) -> Attribution:
        """The speaker of the verb at ``verb_at``: its subject, or the agent of a passive."""
        s0 = sentence.start
        plain = self.plain[s0 : sentence.end]
        i = verb_at - s0
        before = plain[:i]
        if re.search(r"\b(?:is|are|was|were|been|being)\s+(?:\w+ly\s+)?$", before, re.IGNORECASE):
            by = re.search(r"\bby\s+", plain[i : i + 120])
            if by is None or re.search(r"[;\x01]", plain[i : i + by.start()]):
                return UNRESOLVED  # a passive without its agent
            return self._by(sentence, i, i + by.end())
        i = _skip_back(plain, i)
        before = plain[:i]
        if re.search(r"(?:,\s*)?\b(?:and|but|or)\s*$", before, re.IGNORECASE):
            start = re.search(r"(?:,\s*)?\b(?:and|but|or)\s*$", before, re.IGNORECASE)
            assert start is not None
            previous = _last(VERBS, plain[: start.start()])
            if previous is None or depth > 2:
                return UNRESOLVED
            found = self.subject(sentence, s0 + previous, depth + 1)
            if not found.resolved:
                return UNRESOLVED
            return replace(found, rule=f"shared-subject/{found.rule}", confidence=found.confidence * 0.9)
        return self._before(sentence, i)

    def _before(self, sentence: Sentence, i: int) -> Attribution:
        """The noun phrase that ends at sentence offset ``i``, past its appositions and relative clauses."""
        s0 = sentence.start
        plain = self.plain[s0 : sentence.end]
        left = plain[:i]
        titled = re.search(r",\s*(?:titled|entitled|dubbed|called|named|headlined|known\s+as)\s*\x01+[\s,]*$", left)
        if titled:
            left = left[: titled.start() + 1]  # 'X, titled "...",' is an apposition like any other
        strong = [m.end() for m in re.finditer(r"[;:()—–]|\x01+", left)]
        lo = strong[-1] if strong else 0
        cuts = [lo] + [lo + m.end() for m in re.finditer(r",", left[lo:])]
        segments = [(cuts[k], (cuts[k + 1] - 1) if k + 1 < len(cuts) else len(left)) for k in range(len(cuts))]
        segments = [(a, b) for a, b in segments if plain[a:b].strip()]
        if not segments:
            return UNRESOLVED
        k = len(segments) - 1
        skipped: list[tuple[int, int]] = []
        if re.search(r",\s*$", left):
            # an apposition or a relative clause stands between the subject and its verb
            while k > 0 and self._description(sentence, *segments[k]):
                skipped.append(segments[k])
                k -= 1
        a, b = self._clause_tail(plain, *segments[k])
        seg = plain[a:b].strip()
        if re.match(r"such\s+as\b", seg, re.IGNORECASE) and k > 0:
            members = self.phrase(sentence, s0 + a + plain[a:b].lower().index("as") + 2, s0 + b)
            ga, gb = self._clause_tail(plain, *segments[k - 1])
            group = self.phrase(sentence, s0 + ga, s0 + gb)
            return self._combine([group, members], "such-as")
        found = self.phrase(sentence, s0 + a, s0 + b)
        if not found.resolved:
            return UNRESOLVED
        outlet = found.mention
        if outlet is not None and "MediaOutlet" in outlet.types:
            # "the ISIS media wing, Al-Furqan," / "Al-Furqan, the ISIS media wing,": the owner speaks
            neighbours = [segments[k - 1]] if k > 0 else []
            neighbours += skipped
            for na, nb in neighbours:
                owner = self._wing_owner(sentence, s0 + na, s0 + nb)
                if owner is not None:
                    return Attribution((owner,), self.text[s0 + a : s0 + b].strip(), s0 + a, "media-wing", 0.9, outlet)
        return found

    @staticmethod
    def _clause_tail(plain: str, a: int, b: int) -> tuple[int, int]:
        """The part of [a, b) after the last clause opener in it ("that", "while", "as", ", and"...)."""
        starts = [m.end() for m in _CLAUSE_START.finditer(plain, a, b)]
        return (starts[-1] if starts else a), b

    def _description(self, sentence: Sentence, a: int, b: int) -> bool:
        """Whether a comma-delimited segment describes the noun phrase before it (an apposition, a relative clause)."""
        s0 = sentence.start
        seg = self.plain[s0 + a : s0 + b].strip()
        if not seg:
            return True
        first = seg.split()[0]
        if first[0].islower():
            return not first.lower().startswith("such")
        words = [w.lower() for w in _WORD.findall(seg)]
        names = [m for m in self.mentions_in(s0 + a, s0 + b) if "Person" in m.types]
        if names:
            return False
        return bool(words) and (bool(source_kind(words[-1])) or words[-1] in _TITLE_WORDS)

    def _wing_owner(self, sentence: Sentence, a: int, b: int) -> Mention | None:
        """The X of "the X media wing" / "X's media arm" in [a, b)."""
        seg = self.plain[a:b]
        low = " ".join(w.lower() for w in _WORD.findall(seg))
        if not any(low.endswith(w) for w in WING_NOUNS):
            return None
        agents = [m for m in self.mentions_in(a, b) if _is_agent(m) and "MediaOutlet" not in m.types]
        return agents[-1] if agents else None

    # ------------------------------------------------------------- noun phrases

    def _combine(self, parts: list[Attribution], rule: str) -> Attribution:
        """Several speakers of one statement ("X and Y said"); unresolved if any of them is."""
        if not parts or any(not p.resolved or p.publisher for p in parts):
            return UNRESOLVED
        speakers: list[Mention] = []
        for part in parts:
            for mention in part.speakers:
                if all(mention.entity != s.entity for s in speakers):
                    speakers.append(mention)
        start = min(p.start for p in parts)
        end = max(p.end for p in parts)
        channel = next((p.channel for p in parts if p.channel is not None), None)
        confidence = min(p.confidence for p in parts)
        return Attribution(tuple(speakers), self.text[start:end], start, rule, confidence, channel)

    def phrase_after(self, sentence: Sentence, start: int, end: int | None = None) -> Attribution:
        """The speaker the noun phrase starting at ``start`` names, up to ``end`` or the end of its clause."""
        s0 = sentence.start
        plain = self.plain[s0 : sentence.end]
        stop = _phrase_end(plain, start - s0, stop_that=True) if end is None else end - s0
        return self.phrase(sentence, start, s0 + stop)

    def phrase(self, sentence: Sentence, start: int, end: int) -> Attribution:
        """The speaker a noun phrase at [start, end) names (see the module docstring), or :data:`UNRESOLVED`."""
        raw = self.plain[start:end]
        lead = _LEADING.match(raw.lstrip())
        start += len(raw) - len(raw.lstrip()) + (lead.end() if lead else 0)
        while end > start and (self.plain[end - 1].isspace() or self.plain[end - 1] in ",.;:\x01"):
            if self.plain[end - 1] == "." and any(m.start < end <= m.end for m in self.mentions):
                break  # the full stop of "U.S."
            end -= 1
        text = self.plain[start:end]
        if not text or "\x01" in text or len(_WORD.findall(text)) > 16:
            return UNRESOLVED
        parts = self._conjuncts(start, end)
        if len(parts) > 1:
            return self._combine([self._single(sentence, a, b) for a, b in parts], "coordination")
        return self._single(sentence, *parts[0])

    def _conjuncts(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of "X and Y": split at "and" outside names; a part with a verb ends the phrase before it."""
        inside = self.mentions_in(start, end)
        cuts: list[tuple[int, int]] = []
        for match in re.finditer(r"\s+(?:and|&)\s+", self.plain[start:end]):
            at = start + match.start()
            if not any(m.start <= at < m.end for m in inside):
                cuts.append((at, start + match.end()))
        if not cuts:
            return [(start, end)]
        parts, lo = [], start
        for a, b in cuts:
            parts.append((lo, a))
            lo = b
        parts.append((lo, end))
        for k in range(len(parts) - 1, -1, -1):
            a, b = parts[k]
            if VERBS.search(self.plain[a:b]) and k < len(parts) - 1:
                return parts[k + 1 :]
        return parts

    def _single(self, sentence: Sentence, start: int, end: int) -> Attribution:
        """The speaker one noun phrase (not a coordination) names: see the module docstring's noun-phrase rules."""
        text = self.text[start:end]
        low = text.lower()
        words = [w.lower().strip(".") for w in _WORD.findall(text)]
        if not words:
            return UNRESOLVED
        if low in _PRONOUNS:
            return self._antecedent(start, end, low, "pronoun", 0.7)
        former = re.fullmatch(r"the\s+(former|latter)", low)
        if former:
            return self._former_latter(sentence, start, end, former.group(1) == "former")
        head_end = self._head_end(start, end)
        head = [m for m in self.mentions_in(start, head_end) if _is_agent(m) or _is_place(m)]
        determiner = words[0]
        head_words = [w.lower().strip(".") for w in _WORD.findall(self.text[start:head_end])]
        if not head:
            return self._nameless(sentence, start, end, head_end, determiner, head_words)
        last = self.complete(head[-1], start, head_end)
        head[-1] = last
        tail = self.text[last.end : head_end]
        possessive = bool(_POSSESSIVE.match(tail))
        tail_words = [w.lower() for w in _WORD.findall(_POSSESSIVE.sub("", tail, count=1))]
        if not tail_words:
            return self._as_speaker(last, start, end)
        joined = " ".join(tail_words)
        if tail_words[0] in STATEMENT_NOUNS:
            return self._as_speaker(last, start, end, rule="statement-of")
        if (joined in WING_NOUNS or " ".join(tail_words[-2:]) in WING_NOUNS) and not possessive and len(head) > 1:
            # "Daesh's Al-Furqan media wing": the name before the wing's noun is the outlet, its owner before it
            owners = [m for m in head[:-1] if _is_agent(m) and "MediaOutlet" not in m.types]
            if owners:
                outlet = last if "MediaOutlet" in last.types or last.known else replace(last, types=("MediaOutlet",))
                return Attribution((owners[-1],), text, start, "media-wing", 0.9, outlet)
        if joined in WING_NOUNS or " ".join(tail_words[-2:]) in WING_NOUNS:
            outlets = [m for m in head if "MediaOutlet" in m.types and m is not last]
            owner = [m for m in head if _is_agent(m) and "MediaOutlet" not in m.types]
            if owner:
                channel = outlets[-1] if outlets else (last if "MediaOutlet" in last.types else None)
                return Attribution((owner[-1],), text, start, "media-wing", 0.9, channel)
            if "MediaOutlet" in last.types:
                return self._as_speaker(last, start, end)
            return UNRESOLVED
        noun = tail_words[-1]
        if noun in ANAPHORS and last.known and set(last.types) & ANAPHORS[noun]:
            return self._as_speaker(last, start, end)  # "the Islamic State group"
        if joined in ("outlets", "media outlets") and last.known and last.text.lower().endswith("media"):
            return self._as_speaker(last, start, end)  # "state media outlets": the outlets "state media" names
        if source_kind(noun) or noun in _TITLE_WORDS:
            return self._role(sentence, start, end, last, joined, possessive, determiner)
        if determiner in _DEFINITE and noun in ANAPHORS:
            return self._antecedent(start, end, noun, "description", 0.65)
        return UNRESOLVED

    def hyphenated(self, mention: Mention) -> Mention:
        """A mention that ends inside a hyphenated name ("ISIS" of "ISIS-Khorasan"), completed to that name."""
        rest = _HYPHENATED.match(self.text, mention.end)
        return self.complete(mention, mention.start, rest.end()) if rest else mention

    def complete(self, mention: Mention, start: int, end: int) -> Mention:
        """A name with the name words next to it in the phrase: "Revolutionary Guards Corps" for a link to
        "Revolutionary Guards", "State TV" for a new name "TV", "Abu Hutaifa al-Ansari" for "Abu Hutaifa".

        The completed name is the registry's when one of its names is this or close to it (as the linker's
        variants), otherwise a new name.
        """
        lo, hi = mention.start, mention.end
        joined = _HYPHENATED.match(self.text, hi, end)
        if joined:
            hi = joined.end()  # "ISIS-Khorasan" for a link to "ISIS": a longer name, not the shorter one
        base = hi
        for word in re.finditer(r"\S+", self.text[base:end]):
            token = word.group().rstrip(",.;:")
            if not _NAME_TOKEN.match(token) or token.lower() in _TITLE_WORDS or token.lower() in PERSON_TITLES:
                break
            if token.lower() in _CALENDAR:
                break
            if _POSSESSIVE_END.search(token):
                break  # "Group’s": the name of another agent, which owns this one
            if not self.text[hi : base + word.start()].isspace():
                break  # only a space may join the words of a name
            hi = base + word.start() + len(token)
            if token != word.group():
                break  # a comma or a full stop ends the name
        if not mention.known:
            for word in reversed(list(re.finditer(r"\S+", self.text[start:lo]))):
                token = word.group()
                if not _NAME_TOKEN.match(token) or token.lower() in PERSON_TITLES or token.lower() in _DEFINITE:
                    break
                if _POSSESSIVE_END.search(token):
                    break  # "The International Crisis Group’s Ali Vaez": the owner is not part of the name
                if not self.text[start + word.end() : lo].isspace():
                    break
                lo = start + word.start()
        if (lo, hi) == (mention.start, mention.end):
            return mention
        text = self.text[lo:hi]
        found = self._lookup(text) or self._close(text)
        if found is not None:
            return self._known(found, lo, hi)
        kind = guess_type(text, self.text[max(0, lo - 40) : lo])
        kinds = (mention.types[0],) if kind == "Agent" and mention.types else (kind,)
        return Mention(lo, hi, text, slug(text), False, "new", kinds, LINK_CONFIDENCE["new"])

    def _close(self, text: str) -> str | None:
        """A registry agent with a name close to ``text`` in spelling."""
        close = difflib.get_close_matches(_normal(text), list(self.index), n=1, cutoff=0.85)
        return self.index[close[0]] if close else None

    def _head_end(self, start: int, end: int) -> int:
        """Where the head of a noun phrase ends: before "in Kerman", "cited by IRNA", "who ..."."""
        inside = self.mentions_in(start, end)
        for match in _POSTMOD.finditer(self.plain, start, end):
            at = match.start()
            if any(m.start <= at < m.end for m in inside):
                continue
            if at <= start:
                continue
            return at
        return end

    def _nameless(
        self, sentence: Sentence, start: int, end: int, head_end: int, determiner: str, words: list[str]
    ) -> Attribution:
        """A noun phrase with no name in its head: a description, a possessive description, an unnamed source."""
        noun = words[-1] if words else ""
        owner = re.match(r"(?:the|this|that)\s+(\w+)[’']s\s+(.+)$", self.text[start:head_end], re.IGNORECASE)
        if owner and owner.group(1).lower() in ANAPHORS:
            word = owner.group(1).lower()
            antecedent = self._antecedent(start, start + len(owner.group(0)), word, "description", 0.7)
            if antecedent.mention is not None:
                role = self._lookup_role(antecedent.mention, owner.group(2).lower(), start, end)
                if role is not None:
                    return Attribution((role,), self.text[start:end], start, "role-description", 0.75)
            return self._new(start, end, noun)
        named = self._titled_name(start, head_end)
        if named is not None:
            return Attribution((named,), self.text[start:end], start, "titled-name", 0.75)
        modifiers = _WORD.findall(self.text[start:head_end])[1:-1]
        if (
            determiner in _DEFINITE
            and noun in ANAPHORS
            and len(words) <= 4
            and not any(w[0].isupper() for w in modifiers)
        ):
            return self._antecedent(start, end, noun, "description", 0.65)
        if source_kind(noun):
            found = self._lookup(self.text[start:end])
            if found is not None:
                return Attribution((self._known(found, start, end),), self.text[start:end], start, "registry-name", 0.8)
            spokesman = re.match(r"(?:an?\s+|the\s+)?(spokes\w+)\s+for\s+(.+)$", self.text[start:end], re.IGNORECASE)
            if spokesman:
                owner_mentions = [m for m in self.mentions_in(start, end) if _is_agent(m)]
                if owner_mentions:
                    found_role = self._lookup_role(owner_mentions[-1], spokesman.group(1).lower(), start, end)
                    if found_role is not None:
                        return Attribution((found_role,), self.text[start:end], start, "role-description", 0.75)
            return self._new(start, end, noun)
        return UNRESOLVED

    def _titled_name(self, start: int, end: int) -> Mention | None:
        """A person named by title and name where the name alone is not a known name: "Supreme Leader Ayatollah
        Khamenei", "President Macron": the name after the titles, as a new person."""
        words = list(re.finditer(r"[\w’'.-]+", self.text[start:end]))
        titled = False
        first = None
        for word in words:
            token = word.group()
            if token.lower() in HONORIFICS and titled and first is None:
                first = word  # "Ayatollah Khamenei": the honorific is part of the name as written
            elif token.lower().strip(".") in PERSON_TITLES:
                titled, first = True, None
            elif titled and _NAME_TOKEN.match(token) and token[0].isupper():
                first = word if first is None else first
            else:
                titled, first = False, None
        if first is None or words[-1].group()[0].islower():
            return None
        lo, hi = start + first.start(), start + words[-1].end()
        text = self.text[lo:hi]
        found = self._lookup(text)
        if found is not None:
            return self._known(found, lo, hi)
        return Mention(lo, hi, text, slug(text), False, "new", ("Person",), LINK_CONFIDENCE["new"])

    def _role(
        self, sentence: Sentence, start: int, end: int, owner: Mention, role: str, possessive: bool, determiner: str
    ) -> Attribution:
        """ "Israel's military", "Iran's interior minister", "the ISIS spokesman", "a U.S. official"."""
        found = self._lookup(self.text[start:end]) or self._lookup_entity_role(owner, role)
        if found is not None:
            return Attribution((self._known(found, start, end),), self.text[start:end], start, "role-description", 0.8)
        if determiner in _DEFINITE and not possessive:
            titled = self._titled_before(start, self.text[start:end])
            if titled is not None:
                return Attribution((titled,), self.text[start:end], start, "title-reference", 0.75)
        return self._new(start, end, role.split()[-1])

    def _titled_before(self, start: int, phrase: str) -> Mention | None:
        """The person named earlier in the article right after the same title ("ISIS spokesman Abu ...")."""
        title = re.sub(r"^(?:the|this|that)\s+", "", phrase.strip(), flags=re.IGNORECASE)
        if not title:
            return None
        best = None
        for mention in self.mentions:
            if mention.start >= start or "Person" not in mention.types:
                continue
            before = self.text[max(0, mention.start - len(title) - 1) : mention.start]
            if before.lower().rstrip() == title.lower() or before.lower().strip() == title.lower():
                best = mention
        if best is None:
            return None
        line_end = self.text.find("\n", best.end)
        return self.complete(best, best.start, len(self.text) if line_end < 0 else line_end)

    def _lookup(self, phrase: str) -> str | None:
        """A registry agent whose name is this phrase (articles, case and apostrophes aside)."""
        return self.index.get(_normal(phrase))

    def _lookup_entity_role(self, owner: Mention, role: str) -> str | None:
        """ "Iran's interior minister" or "Israel's military" as the registry names it ("Israeli military")."""
        names = {owner.text.lower()}
        if owner.known:
            entity = self.analysis.registry.get(owner.entity)
            if entity is not None:
                names |= {n.lower() for n in (entity.label, *entity.aliases, *entity.other_names)}
        for name in names:
            found = self.index.get(_normal(f"{name}'s {role}"))
            if found is not None:
                return found
        for name_key, slug_ in self.index.items():
            first, _, rest = name_key.partition(" ")
            if rest != role:
                continue
            # a demonym extends the country's name: Israel -> Israeli, Iran -> Iranian, America -> American
            if any(" " not in n and first.startswith(n) and len(first) - len(n) <= 3 for n in names):
                return slug_
        return None

    def demonym(self, word: str, start: int) -> Mention | None:
        """The registry state an adjective of nationality names ("American", "Israeli", "Iranian"), as a mention of
        the word at ``start``; a demonym extends one of the state's names by at most three letters."""
        low = word.lower()
        for entity_id, entity in self.analysis.registry.items():
            if not any(str(t).endswith("#State") for t in entity.types):
                continue
            for name in (entity.label, *entity.aliases, *entity.other_names):
                name = name.lower()
                if " " not in name and len(name) > 3 and low.startswith(name) and 0 < len(low) - len(name) <= 3:
                    return self._known(entity_id, start, start + len(word))
        return None

    def _lookup_role(self, owner: Mention, role: str, start: int, end: int) -> Mention | None:
        """The registry agent "<owner>'s <role>", "<role> for/of <owner>" names, as a mention of [start, end)."""
        found = self._lookup_entity_role(owner, role)
        if found is None:
            found = self._lookup(f"{role} for {owner.text}") or self._lookup(f"{role} of {owner.text}")
        return self._known(found, start, end) if found is not None else None

    def _known(self, entity: str, start: int, end: int) -> Mention:
        """A mention of a registry entity found by description rather than by name."""
        found = self.analysis.registry.get(entity)
        types = tuple(str(t).rsplit("#", 1)[-1] for t in found.types) if found is not None else ()
        return Mention(start, end, self.text[start:end], entity, True, "variant", types, LINK_CONFIDENCE["variant"])

    def _new(self, start: int, end: int, noun: str) -> Attribution:
        """A new article-local entity for a description ("an unnamed source cited by IRNA", "analysts")."""
        words = re.match(r"(?:(?:a|an|the)\s+)", self.text[start:end], re.IGNORECASE)
        if words:
            start += words.end()
        text = self.text[start:end]
        kind = source_kind(noun) or ("Person" if noun in _TITLE_WORDS else "Agent")
        mention = Mention(start, end, text, slug(text), False, "new", (kind,), LINK_CONFIDENCE["new"])
        channel = None
        for inner in self.mentions_in(start, end):
            before = self.text[max(start, inner.start - 50) : inner.start].lower()
            # "cited by the state news agency IRNA", "quoted on Telegram": a preposition, then only the outlet's words
            if set(inner.types) & CHANNEL_TYPES and re.search(r"\b(?:by|via|on|through|from|to)\s+[^,;]*$", before):
                channel = inner
        return Attribution((mention,), text, start, "unnamed-source", 0.85, channel)

    def _as_speaker(self, mention: Mention, start: int, end: int, rule: str = "name") -> Attribution:
        """A name as speaker: an agent; a city for the state it lies in; nothing else speaks."""
        words = self.text[start:end]
        factor = 1.0 if mention.known else 0.8
        if _is_agent(mention):
            return Attribution((mention,), words, start, rule, factor)
        if "City" in mention.types and mention.known:
            state = self._state_of(mention.entity)
            if state is not None:
                return Attribution((self._known(state, mention.start, mention.end),), words, start, "metonymy", 0.8)
        return UNRESOLVED

    def _state_of(self, place: str) -> str | None:
        """The registry state a place lies in, following ``located_in``."""
        seen = set()
        current = self.analysis.registry.get(place)
        while current is not None and current.slug not in seen:
            seen.add(current.slug)
            for parent, _ in current.located_in:
                entity = self.analysis.registry.get(parent)
                if entity is not None and any(str(t).endswith("#State") for t in entity.types):
                    return parent
            current = self.analysis.registry.get(current.located_in[0][0]) if current.located_in else None
        return None

    def _antecedent(self, start: int, end: int, word: str, rule: str, confidence: float) -> Attribution:
        """The nearest earlier mention in the paragraph that a pronoun or description may refer to."""
        kinds = ANAPHORS.get(word)
        if kinds is None:
            return UNRESOLVED
        lo = self.paragraph_start(start)
        inside = {(m.start, m.end) for m in self.mentions_in(start, end)}
        candidates = [
            m
            for m in self.mentions_in(lo, start)
            if set(m.types) & kinds and (m.start, m.end) not in inside and (m.known or "Person" in m.types)
        ]
        if not candidates:
            return UNRESOLVED
        return Attribution((candidates[-1],), self.text[start:end], start, rule, confidence)

    def _former_latter(self, sentence: Sentence, start: int, end: int, former: bool) -> Attribution:
        """ "the former"/"the latter": the first/second of the last pair "X and Y" before them in the sentence."""
        agents = [m for m in self.mentions_in(sentence.start, start) if _is_agent(m)]
        for second in reversed(agents):
            firsts = [m for m in agents if m.end <= second.start]
            if not firsts:
                continue
            first = firsts[-1]
            if re.fullmatch(r"\s+and\s+", self.text[first.end : second.start]):
                chosen = first if former else second
                return Attribution((chosen,), self.text[start:end], start, "former-latter", 0.75)
        return UNRESOLVED


# ------------------------------------------------------------------ helpers

_TITLE_WORDS: Final = frozenset(
    """president vice minister general commander ayatollah leader spokesman spokeswoman spokesperson chief head
    deputy secretary sheikh director governor mayor ambassador envoy""".split()
)


def _is_agent(mention: Mention) -> bool:
    return bool(set(mention.types) & AGENT_TYPES)


def _is_place(mention: Mention) -> bool:
    return bool(set(mention.types) & {"Place", "Country", "Region", "City", "Site"}) and not _is_agent(mention)


def _distinct(mentions: list[Mention]) -> list[Mention]:
    """Mentions that do not overlap: registry links first (the longer where two overlap), then new names."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (not m.known, -(m.end - m.start), m.start)):
        if any(mention.start < other.end and other.start < mention.end for other in kept):
            continue
        kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def _normal(name: str) -> str:
    text = name.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip())
    return re.sub(r"\s+", " ", text).strip(" .,;:")


def _name_index(analysis: Analysis) -> dict[str, str]:
    """Normalised name -> registry id, for the registry's agents (names given to two entities are left out)."""
    index: dict[str, str] = {}
    clashes: set[str] = set()
    for entity_id, entity in analysis.registry.items():
        types = {str(t).rsplit("#", 1)[-1] for t in entity.types}
        if not types & AGENT_TYPES:
            continue
        for name in (entity.label, *entity.aliases, *entity.other_names):
            key = _normal(name)
            if key in index and index[key] != entity_id:
                clashes.add(key)
            index.setdefault(key, entity_id)
    for key in clashes:
        del index[key]
    return index


def _skip_back(plain: str, i: int) -> int:
    """Move left from a verb over auxiliaries, adverbs and control verbs ("has categorically", "was quick to")."""
    while True:
        before = plain[:i]
        stripped = before.rstrip()
        for pattern in (_SKIP, _CONTROL):
            match = pattern.search(stripped)
            if match and match.group().strip():
                i = match.start()
                break
        else:
            return len(stripped)


def _last(pattern: re.Pattern[str], text: str, exclude_participles: bool = False) -> int | None:
    found = None
    for match in pattern.finditer(text):
        if exclude_participles and _PARTICIPLE.fullmatch(match.group()):
            continue
        found = match.start()
    return found


def _phrase_end(plain: str, start: int, stop_that: bool = False) -> int:
    """Where a noun phrase starting at ``start`` ends: the next comma, clause break, verb or the sentence's end."""
    stop = r"[,;:()\x01—–]" + (r"|\s(?:that|who|which|while|and\s+(?:said|stated|added))\b" if stop_that else "")
    match = re.compile(stop).search(plain, start)
    end = match.start() if match else len(plain.rstrip(" .!?"))
    verb = _NEXT_CLAUSE.search(plain, start, end)
    return verb.start() if verb else end


#: a clause that follows a noun phrase: "(He) was", "had", "said"
_NEXT_CLAUSE: Final = re.compile(
    r"\s+(?:[A-Z][a-z]*\s+)?(?:was|were|is|are|has|have|had|will|would|said|says|stated)\b"
)
