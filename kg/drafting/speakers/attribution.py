"""The answer to who says something: an :class:`Attribution`, :data:`UNRESOLVED` or :data:`ARTICLE_VOICE`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from kg.drafting.analysis import Mention

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
