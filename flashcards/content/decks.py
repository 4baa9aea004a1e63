"""course/decks/<slug>.yaml: load, validate and apply the course's flashcards.

deck:   id, slug (the file name), title, module (optional), cards
card:   id, front + back (Markdown) or cloze (+ optional back), tags, lesson

Every problem names path:line. Cards are keyed by their stable id, so a
renamed deck file, a card moved to another deck, or an edited card keeps
every learner's review history. A cloze card makes one card per cloze
number, keyed "<id>--c<n>".
"""

from dataclasses import dataclass, field
from pathlib import Path

from flashcards.content.cloze import cloze_numbers, render_cloze
from coursefiles.fields import FieldReader
from coursefiles.kinds import CourseIndex
from coursefiles.markdown import render_markdown
from coursefiles.problems import Problems
from coursefiles.yamlfile import LineDict, LineList, YamlError, load_yaml_file

DECK_KEYS = {"id", "slug", "title", "module", "cards"}
CARD_KEYS = {"id", "front", "back", "cloze", "tags", "lesson"}


@dataclass
class CardSpec:
    stable_id: str
    kind: str  # "basic" or "cloze"
    front: str  # Markdown as written (the cloze text for cloze cards)
    back: str
    front_html: str
    back_html: str
    tags: list[str]
    lesson: str  # slug, or ""
    anchor: str
    position: int
    cloze_number: int | None = None
    line: int = 1


@dataclass
class DeckSpec:
    stable_id: str
    slug: str
    title: str
    module: str
    path: Path
    cards: list[CardSpec] = field(default_factory=list)
    lines: dict = field(default_factory=dict)


@dataclass
class LoadedDecks:
    decks: list[DeckSpec] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)

    @property
    def stats(self) -> dict[str, int]:
        return {"decks": len(self.decks), "cards": sum(len(d.cards) for d in self.decks)}

    def apply(self) -> dict[str, int]:
        from flashcards.content.apply import decks_apply

        return decks_apply(decks=self.decks)


def _shown(root: Path, path: Path) -> Path:
    try:
        return path.relative_to(root.parent)
    except ValueError:
        return path


def _markdown(fields: FieldReader, key: str, *, required: bool) -> str:
    value = fields.data.get(key)
    if value is None:
        if required:
            fields.problem(key, f"card is missing required field '{key}'")
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # `back: 30` is a fine answer
    if not isinstance(value, str) or not value.strip():
        fields.problem(key, f"'{key}' must be non-empty Markdown text")
        return ""
    return value.strip()


def load_card(index: CourseIndex, item: LineDict, shown: Path, problems: Problems, position: int) -> list[CardSpec]:
    fields = FieldReader(item, shown, problems, what="card")
    fields.unknown_keys(CARD_KEYS)
    stable_id = fields.stable_id()
    tags = fields.string_list("tags")
    lesson, anchor = "", ""
    target = item.get("lesson")
    if target is not None:
        if not isinstance(target, str) or not target.strip():
            fields.problem("lesson", "'lesson' must be a lesson slug, optionally with #section")
        else:
            target = target.strip().removeprefix("lesson:")
            before = len(problems)
            index.check_link(target, path=shown, line=item.line_of("lesson"), problems=problems)
            if len(problems) == before:
                lesson, _, anchor = target.partition("#")
    common = dict(tags=tags, lesson=lesson, anchor=anchor, position=position, line=item.line)

    if "cloze" in item:
        if "front" in item:
            fields.problem("front", "a card has either 'cloze' or 'front' and 'back', not both")
        text = _markdown(fields, "cloze", required=True)
        extra = _markdown(fields, "back", required=False)
        if not text:
            return []
        numbers = cloze_numbers(text)
        if not numbers:
            fields.problem("cloze", "'cloze' text has no gap: mark one as {{c1::answer}}")
            return []
        if 0 in numbers:
            fields.problem("cloze", "cloze numbers start at 1: {{c1::...}}")
            return []
        extra_html = render_markdown(extra, path=shown, problems=problems, first_line=item.line_of("back")).html if extra else ""
        cards = []
        for number in numbers:
            front_html, back_html = render_cloze(text, number, path=shown, problems=problems)
            if extra_html:
                back_html += f'<div class="card-extra">{extra_html}</div>'
            cards.append(
                CardSpec(
                    stable_id=f"{stable_id}--c{number}" if stable_id else "", kind="cloze", front=text, back=extra,
                    front_html=front_html, back_html=back_html, cloze_number=number, **common,
                )
            )
        return cards

    front = _markdown(fields, "front", required=True)
    back = _markdown(fields, "back", required=True)
    if not (front and back):
        return []
    return [
        CardSpec(
            stable_id=stable_id, kind="basic", front=front, back=back,
            front_html=render_markdown(front, path=shown, problems=problems, first_line=item.line_of("front")).html,
            back_html=render_markdown(back, path=shown, problems=problems, first_line=item.line_of("back")).html,
            **common,
        )
    ]


def load_deck(index: CourseIndex, path: Path, problems: Problems) -> DeckSpec | None:
    shown = _shown(index.root, path)
    try:
        data = load_yaml_file(path)
    except YamlError as exc:
        problems.add(shown, exc.line, exc.message)
        return None
    if not isinstance(data, LineDict):
        problems.add(shown, 1, "a deck file must be a YAML mapping with id, slug, title and cards")
        return None
    fields = FieldReader(data, shown, problems, what="deck")
    fields.unknown_keys(DECK_KEYS)
    slug = fields.slug()
    if slug and slug != path.stem:
        fields.problem("slug", f"slug '{slug}' must match the file name '{path.name}'")
    module = fields.text("module", required=False)
    if module and module not in index.modules:
        fields.problem("module", f"unknown module '{module}' (course.yaml has: {', '.join(sorted(index.modules)) or 'none'})")
    deck = DeckSpec(fields.stable_id(), slug, fields.text("title"), module, shown, lines=data.lines)
    cards = data.get("cards")
    if not isinstance(cards, LineList) or not cards:
        fields.problem("cards", "deck needs 'cards': a list of cards (id, front and back, or cloze)")
        return deck
    for position, item in enumerate(cards):
        if not isinstance(item, LineDict):
            problems.add(shown, cards.line_of(position), "each card must be a mapping with id, front and back (or cloze)")
            continue
        deck.cards.extend(load_card(index, item, shown, problems, position))
    return deck


def check_uniques(index: CourseIndex, loaded: LoadedDecks) -> None:
    taken = {ref.stable_id for ref in index.lessons.values()} | set(index.modules.values())
    deck_ids: dict[str, DeckSpec] = {}
    card_ids: dict[str, DeckSpec] = {}
    for deck in loaded.decks:
        if deck.stable_id in deck_ids:
            loaded.problems.add(deck.path, deck.lines.get("id", 1), f"duplicate deck id '{deck.stable_id}' (also in {deck_ids[deck.stable_id].path})")
        elif deck.stable_id in taken:
            loaded.problems.add(deck.path, deck.lines.get("id", 1), f"id '{deck.stable_id}' is already a module's or lesson's id")
        elif deck.stable_id:
            deck_ids[deck.stable_id] = deck
    for deck in loaded.decks:
        checked: set[tuple[str, int]] = set()  # a cloze card's siblings share one id
        for card in deck.cards:
            base = card.stable_id.partition("--c")[0]
            if not base or (base, card.line) in checked:
                continue
            checked.add((base, card.line))
            if base in card_ids:
                loaded.problems.add(deck.path, card.line, f"duplicate card id '{base}' (also in {card_ids[base].path})")
            elif base in deck_ids or base in taken:
                loaded.problems.add(deck.path, card.line, f"card id '{base}' is already the id of a deck, module or lesson")
            else:
                card_ids[base] = deck


def load(index: CourseIndex) -> LoadedDecks:
    loaded = LoadedDecks()
    folder = index.root / "decks"
    if not folder.is_dir():
        return loaded
    paths = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith((".", "_")))
    for path in paths:
        deck = load_deck(index, path, loaded.problems)
        if deck is not None:
            loaded.decks.append(deck)
    check_uniques(index, loaded)
    return loaded
