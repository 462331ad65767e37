"""The printable guide: the whole routine as a handout, built from the same content and
charts as the rest of acupress, personalised in cm when the thumb width is known.

``build`` gathers everything into a ``Guide`` (plain data the web app can reuse);
``render_html``, ``render_markdown`` and ``render_pdf`` turn it into a document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from acupress.atlas import Atlas, Point, cun_to_cm, personalise
from acupress.equipment import NEEDS, Equipment, Need, Product
from acupress.protocol import Protocol, Trouble
from acupress.safety import Level, Screening, Soon

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
DASH = "\N{EN DASH}"  # between the ends of a range: 1-3 min
LOCATIONS_SOURCE = "WHO Standard Acupuncture Point Locations in the Western Pacific Region (2008)"

# How the handout introduces each group of safety rules, strongest first; the rules
# that send a person to a clinician are grouped by how soon.
SAFETY_HEADINGS: dict[tuple[Level, Soon | None], str] = {
    ("emergency", None): "Get emergency care now if",
    ("see_clinician", "today"): "See a doctor today, and do no session, if",
    ("see_clinician", "days"): "See a doctor in the next few days, before any session, if",
    ("not_today", None): "Skip today's session if",
    ("modified", None): "The session changes if",
}
BASIS_WORDS = {"evidence": "Evidence", "traditional": "Traditional", "practical": "Practical"}
NEED_WORDS: dict[Need, str] = {
    "required": "Required",
    "recommended": "Recommended",
    "optional": "Optional",
}


@dataclass(frozen=True)
class Kit:
    """One thing a session needs, with example products."""

    name: str
    need: Need
    purpose: str
    products: tuple[Product, ...]


@dataclass(frozen=True)
class SafetyGroup:
    level: Level
    heading: str
    text: str  # what to do
    reasons: tuple[str, ...]  # the signs, in plain words


@dataclass(frozen=True)
class Claim:
    """A tip or a claim with its basis: evidence with its source, or traditional."""

    text: str
    basis: str
    source: str = ""

    @property
    def basis_words(self) -> str:
        return BASIS_WORDS.get(self.basis, self.basis.capitalize())


@dataclass(frozen=True)
class GuideStep:
    number: int
    id: str
    title: str
    posture: str
    technique: str
    time: str
    point: Point | None = None
    chart: str | None = None  # inline SVG
    chart_text: str = ""  # the chart in words
    location: str = ""
    find: tuple[str, ...] = ()
    pressure: str = ""
    partner: str = ""
    why: str = ""
    expect: str = ""
    tips: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def last_line(self) -> str:
        """The text that closes the step's block in every format (the last warning, tip or
        expectation), so a reader of the PDF can check that a step is not split."""
        for part in (self.warnings, self.tips):
            if part:
                return part[-1]
        return self.expect or self.why or self.partner or self.technique


@dataclass(frozen=True)
class Difference:
    code: str
    name: str
    text: str


@dataclass(frozen=True)
class Guide:
    title: str
    summary: str
    protocol: str
    minutes: tuple[int, int]  # the shortest and longest session
    thumb_cm: float | None
    overview: str  # SVG: every point on the whole body, numbered by step
    measures: tuple[str, ...]
    kit: tuple[Kit, ...]
    extras: tuple[Product, ...]
    safety: tuple[SafetyGroup, ...]
    during: tuple[str, ...]  # advice for every session
    steps: tuple[GuideStep, ...]
    pro_tips: tuple[Claim, ...]
    claims: tuple[Claim, ...]
    mistakes: tuple[str, ...]
    troubleshooting: tuple[Trouble, ...]
    differences: tuple[Difference, ...]
    sources: tuple[str, ...]
    for_web: bool = False  # served by the web app: say where the thumb width is set there

    @property
    def personalised(self) -> bool:
        return self.thumb_cm is not None


# --- building -----------------------------------------------------------------------------


def build(
    protocol: Protocol,
    atlas: Atlas,
    screening: Screening,
    equipment: Equipment,
    thumb_cm: float | None = None,
    *,
    for_web: bool = False,
) -> Guide:
    """Everything the handout says, from the protocol, the atlas, the safety rules and the
    equipment list; distances in cun also in cm when the thumb width is known. A guide
    ``for_web`` tells how to give the thumb width on the web rather than in a terminal."""
    from acupress import charts
    from acupress.charts.draw import where
    from acupress.protocol import MAX_MINUTES, minimum_seconds, plan, warnings

    def cm(text: str) -> str:
        return personalise(text, thumb_cm)

    steps: list[GuideStep] = []
    for s in protocol.steps:
        step = GuideStep(
            number=s.number,
            id=s.id,
            title=s.title,
            posture=protocol.posture[s.posture].text,
            technique=cm(s.technique),
            time=time_range(s.min_seconds, s.max_seconds),
            why=s.why,
            expect=s.expect,
            tips=tuple(cm(t) for t in s.tips),
            partner=cm(s.partner_technique or ""),
            warnings=s.warnings,
        )
        if s.point is not None:
            p = atlas.get(s.point)
            chart = charts.point_chart(
                p, atlas, None, thumb_cm, number=s.number, chart_id=f"chart-step-{s.id}"
            )
            step = replace(
                step,
                time=step.time
                + (" per side" if (s.sides or p.sides) == "one_side_then_other" else ""),
                point=p,
                chart=chart,
                chart_text=sentence(where(p, thumb_cm)),
                location=cm(p.location),
                find=tuple(cm(f) for f in p.how_to_find),
                pressure=pressure_words(s.pressure),
                warnings=warnings(s, p),
            )
        steps.append(step)
    low = minimum_seconds(protocol, atlas)
    high = plan(protocol, atlas, MAX_MINUTES).total_seconds  # every step at its longest
    return Guide(
        title=protocol.title,
        summary=protocol.summary,
        protocol=protocol.name,
        minutes=(-(-low // 60), high // 60),
        thumb_cm=thumb_cm,
        for_web=for_web,
        overview=charts.protocol_chart(
            protocol, atlas, "body", thumb_cm, chart_id="chart-overview"
        ),
        measures=tuple(measure_line(m.name, m.cun, m.how, thumb_cm) for m in atlas.measure),
        kit=kit(protocol, equipment),
        extras=equipment.extras,
        safety=safety_groups(screening),
        during=screening.session_advice,
        steps=tuple(steps),
        pro_tips=tuple(Claim(cm(t.text), t.basis, t.source) for t in protocol.pro_tip),
        claims=tuple(Claim(t.text, t.basis, t.source) for t in protocol.claim),
        mistakes=tuple(m.text for m in protocol.mistake),
        troubleshooting=protocol.troubleshooting,
        differences=tuple(
            Difference(p.code, p.pinyin, p.guide_differs)
            for p in (atlas.get(c) for c in protocol.points)
            if p.guide_differs
        ),
        sources=sources(protocol, screening),
    )


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def time_range(low: int, high: int) -> str:
    """'1-3 min', '45-90 s', '1½-3 min' (with an en dash): as a person reads a timer."""

    def minutes(s: int) -> str | None:
        m, r = divmod(s, 60)
        if r == 0:
            return str(m)
        return f"{m}½" if r == 30 and m else None

    lo, hi = minutes(low), minutes(high)
    if low == high:
        return f"{lo} min" if lo and low >= 60 else f"{low} s"
    if lo and hi and low >= 60:
        return f"{lo}{DASH}{hi} min"
    return f"{low}{DASH}{high} s"


def pressure_words(pressure: str | None) -> str:
    """The step's pressure; anything above light is reached gradually (adverse events in
    self-acupressure trials came from pressing too hard)."""
    if pressure is None or pressure == "light":
        return pressure or ""
    return f"{pressure}, reached gradually: start gentle and build up over the first sessions"


def measure_line(name: str, cun: float, how: str, thumb_cm: float | None) -> str:
    cm = f" ≈ {cun_to_cm(cun, thumb_cm):.1f} cm for you" if thumb_cm else ""
    return f"{cun:g} cun{cm}: {how} ({name})."


def kit(protocol: Protocol, equipment: Equipment) -> tuple[Kit, ...]:
    wanted = set(protocol.equipment)
    items = [i for i in equipment.items if not wanted or i.id in wanted]
    items.sort(key=lambda i: NEEDS.index(i.need))
    return tuple(Kit(i.name, i.need, i.purpose, equipment.products_for(i.id)) for i in items)


def safety_groups(screening: Screening) -> tuple[SafetyGroup, ...]:
    groups: list[SafetyGroup] = []
    for (level, soon), heading in SAFETY_HEADINGS.items():
        reasons = tuple(
            dict.fromkeys(
                r.reason for r in screening.rule if r.decision == level and r.urgency == soon
            )
        )
        if reasons:
            text = screening.outcome(level, soon).text
            groups.append(SafetyGroup(level, heading, text, reasons))
    return tuple(groups)


def sources(protocol: Protocol, screening: Screening) -> tuple[str, ...]:
    """The references behind the guide's claims: the point locations, the evidence for tips
    and claims, and the safety rules (the routine's own source is not repeated)."""
    found = [LOCATIONS_SOURCE]
    for tip in (*protocol.claim, *protocol.pro_tip):
        found += split_sources(tip.source)
    for rule in screening.rule:
        found += split_sources(rule.source)
    return tuple(s for s in dict.fromkeys(found) if is_reference(s))


def split_sources(text: str) -> list[str]:
    return [s.strip() for s in text.split("; ") if s.strip()]


def is_reference(source: str) -> bool:
    """A citation (a guideline, a paper, a standard), not a note on where a rule comes from
    such as 'traditional contraindication' or the routine's own guide."""
    first = source.split(maxsplit=1)[0].strip(",.:")
    if source.lower().startswith("seed guide") or not first[:1].isupper():
        return False
    return any(c.isdigit() for c in source) or (first.isupper() and len(first) >= 3)


# --- rendering ----------------------------------------------------------------------------


def _environment(autoescape: bool) -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["money"] = lambda p: f"US${p.price_min}{DASH}{p.price_max}"
    return env


def render_html(guide: Guide) -> str:
    """A standalone HTML page: inline CSS and SVG, readable on a phone, printable."""
    from markupsafe import Markup

    css = (TEMPLATES / "guide.css").read_text(encoding="utf-8")
    env = _environment(autoescape=True)
    env.filters["svg"] = Markup  # charts are built by acupress, escaped as they are built
    env.filters["inline"] = inline_code
    return str(
        env.get_template("guide.html.j2").render(g=guide, css=Markup(css), need_words=NEED_WORDS)
    )


def inline_code(text: str) -> Markup:
    """Escape content text for HTML, showing `commands` in backticks as code."""
    import re

    from markupsafe import Markup, escape

    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def render_markdown(guide: Guide, chart_files: Mapping[str, str] | None = None) -> str:
    """Markdown; each chart is linked from ``chart_files`` (by step id, and 'overview'),
    or else described in words."""
    env = _environment(autoescape=False)
    return str(
        env.get_template("guide.md.j2").render(
            g=guide, charts=dict(chart_files or {}), need_words=NEED_WORDS
        )
    )


def render_pdf(html: str) -> bytes:
    """An A4 PDF of the HTML guide, with page numbers in the footer (its CSS sets both)."""
    from acupress.docs.pdf import print_pdf

    return print_pdf(html)
