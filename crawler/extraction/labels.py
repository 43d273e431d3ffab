"""The visible labels of the site, English, Russian and Belarusian side by side.

Layout variants (the /ru/ mirror, renamed blocks) are rows in these tables, not branches in the
page objects: every matcher tries every label of a kind, whatever the page's language.
Labels are compared case-insensitively after whitespace normalisation, so NBSP and a trailing
colon need no extra rows.
"""

from __future__ import annotations

import re

CATEGORY_STATUS = ("Category status", "Статус категории", "Статус катэгорыі", "Статус", "Status")
# Too common to trust inside a longer line unless followed by a colon.
WEAK_LABELS = frozenset({"статус", "status", "фото", "фота", "photo", "image", "изображение"})
SIMILAR_ARTICLES = (
    "Similar articles",
    "Similar materials",
    "Related articles",
    "Похожие статьи",
    "Похожие материалы",
    "Материалы по теме",
    "Падобныя артыкулы",
    "Падобныя матэрыялы",
)
RECENT_TRENDS = ("Recent trends", "Latest trends", "Последние тренды", "Апошнія трэнды")
# Other block headings that end the previous block (the Similar block stops at any of them).
# Not "Share"/"Tags": themes print those in the article header too, before the body.
OTHER_BLOCKS = (
    "Comments",
    "Комментарии",
    "Add new comment",
    "Добавить комментарий",
    "Leave a comment",
    "Most read",
    "Popular",
    "Популярное",
    "Самое читаемое",
)
BLOCK_HEADINGS = SIMILAR_ARTICLES + RECENT_TRENDS + OTHER_BLOCKS

# The weekly rendering's furniture. "Read more" heads the list of other commentaries that
# plays the role of the similar articles; as a heading it belongs to this rendering only (the
# dated one prints "Read more" as a teaser's link text).
WEEKLY_READ_MORE = (
    "Read more",
    "Read also",
    "More analytics",
    "Читать также",
    "Читайте также",
    "Читать еще",
    "Чытайце таксама",
    "Читайце таксама",  # a mixed spelling, cheap to accept
    "Чытаць таксама",
)
SITUATION_BOX = ("Situation in Belarus", "Ситуация в Беларуси", "Сітуацыя ў Беларусі")
NEWSLETTER = (
    "Newsletter",
    "Subscribe",
    "Subscribe to our newsletter",
    "Subscribe to the newsletter",
    "Рассылка",
    "Подписаться на рассылку",
    "Подпишитесь на рассылку",
    "Рассылка новостей",
    "Рассылка навін",
    "Падпісацца на рассылку",
    "Падпішыцеся на рассылку",
)
WEEKLY_FURNITURE = WEEKLY_READ_MORE + SITUATION_BOX + NEWSLETTER
# The author line: "by <name>" (a name may be missing: "by" alone).
AUTHOR = ("by", "Автор", "Авторы", "Аўтар", "Аўтары", "Author", "Authors")
# Several names on one author line.
AUTHOR_SEPARATORS = (",", ";", " and ", " & ", " и ", " і ")
# The status sentence opens with the situation: "The situation got worse", "Ситуация ухудшилась".
SITUATION_STEMS = ("the situation", "situation", "ситуаци", "сітуацы")
# Stems of the status sentence's verb, by the stored word; "not changed" is tried first so
# that a negated verb never reads as a change.
STATUS_SENTENCE_STEMS = {
    "neutral": ("not chang", "unchang", "no chang", "remains the same", "remained the same", "не измен",
                "без измен", "не змян", "без змен"),
    "negative": ("wors", "deteriorat", "ухудш", "хуж", "горш"),
    "positive": ("improv", "better", "лучш", "лепш"),
}
PHOTO_CREDIT = ("Photo credit", "Photo", "Фото", "Фота", "Фотография", "Фотаздымак", "Image", "Изображение")
# "Photo by Reuters" is a credit as well as "Photo: Reuters".
PHOTO_CREDIT_SEPARATORS = ("by",)
# "Фото — Reuters" is as common as "Фото: Reuters" on Russian pages.
PHOTO_CREDIT_PUNCTUATION = ":：—–-"
READ_MORE = (
    "Read more",
    "Read more ›",
    "Read more »",
    "More",
    "Continue reading",
    "Подробнее",
    "Падрабязней",
    "Читать далее",
    "Читать дальше",
    "Далее",
)
NEXT_PAGE = (
    "next ›",
    "next",
    "next page",
    "next »",
    "следующая ›",
    "следующая",
    "следующая страница",
    "следующая »",
    "далее ›",
    "вперёд",
    "вперед",
    "›",
    "»",
    "→",
)

# Status words as the icons spell them (alt text, class names, file names), by the stored word.
# Russian adjectives change their ending with gender, so their entries are stems.
STATUS_WORDS = {
    "positive": ("positive", "pos", "позитив", "положит", "пазітыў", "станоўч"),
    "negative": ("negative", "neg", "негатив", "отрицат", "негатыў", "адмоўн"),
    "neutral": ("neutral", "нейтрал"),
}
_EXACT_ONLY = {"pos", "neg"}  # too short to be stems

# Tokens that name the icon itself rather than its value: "trend-icon trend-icon--negative",
# "status/negative.png", "icon_negative@2x.png", alt="Status: negative".
GENERIC_TOKENS = frozenset(
    """
    icon icons ico status statuses state trend trends category categories cat img image images
    pic picture photo fa fas far fal fab fa-solid glyphicon glyph svg sprite sprites badge
    indicator marker field fields item items even odd first last label value is has js ui
    png gif jpg jpeg webp avif bmp ico small large big lg sm xs md xl the of a an and
    sites site default files file all themes theme assets static img media uploads public
    inline left right pull float align middle hidden visually sr only aria true false
    2x 3x 1x retina responsive fluid lazy lazyload lazyloaded loaded thumbnail thumb rounded
    circle active visible block d flex fw fixed width height size
    статус категории категория тренд иконка значок
    """.split()
)
_TOKEN_SPLIT = re.compile(r"[^\w]+|_+")
_NOT_A_WORD = re.compile(r"^(?:\d+|\d+x\d*|[0-9a-f]{6,}|x\d+)$")


def status_tokens(raw: str | None) -> list[str]:
    """Lower-case tokens of an icon attribute with generic words, numbers and hashes removed."""
    if not raw:
        return []
    tokens = []
    for token in _TOKEN_SPLIT.split(raw.casefold()):
        if not token or token in GENERIC_TOKENS or _NOT_A_WORD.match(token):
            continue
        if token.isdigit() or len(token) == 1:
            continue
        tokens.append(token)
    return tokens


_ICON_WORDS = frozenset({"icon", "icons", "ico", "status", "state", "trend", "trends", "indicator", "badge", "fa", "glyphicon"})


def names_an_icon(raw: str) -> bool:
    """Whether a class name says it is an icon/status ("trend-icon--x", "status-x", "fa-x")."""
    return any(token in _ICON_WORDS for token in _TOKEN_SPLIT.split(raw.casefold()))


def known_status(token: str) -> str | None:
    """The stored word for a known status token ("негативный" → "negative"), else None."""
    for word, variants in STATUS_WORDS.items():
        for variant in variants:
            if token == variant or (variant not in _EXACT_ONLY and token.startswith(variant)):
                return word
    return None


def status_word(raw: str | None) -> tuple[str | None, bool]:
    """(word, known) read from one icon attribute value.

    A known status token wins ("Status: негативный" → ("negative", True)); otherwise the
    remaining tokens joined by "-" are returned as they are ("stable.png" → ("stable", False)),
    because the site may introduce words we do not know yet.
    """
    tokens = status_tokens(raw)
    for token in tokens:
        mapped = known_status(token)
        if mapped:
            return mapped, True
    if tokens:
        return "-".join(tokens), False
    return None, False


def sentence_status(sentence: str | None) -> str | None:
    """The stored word for a status sentence ("The situation got worse" → "negative"), by the
    stems of its words in any of the three languages; None for a sentence that says none."""
    folded = " ".join((sentence or "").casefold().split())
    for word, stems in STATUS_SENTENCE_STEMS.items():
        if any(stem in folded for stem in stems):
            return word
    return None


def opens_with_situation(text: str) -> bool:
    """Whether a line opens like a status sentence ("The situation …", "Ситуация …")."""
    folded = text.casefold()
    return folded.startswith(SITUATION_STEMS)
