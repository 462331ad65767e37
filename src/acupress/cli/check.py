"""acupress check: the safety screening; and how the commands that need today's answers
read them from a file or ask them in the terminal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from acupress import actions, files
from acupress.cli import emit_json, pass_app
from acupress.errors import AcupressError
from acupress.options import Command, json_option
from acupress.terminal_session import unless_closed

if TYPE_CHECKING:
    from acupress.app import App
    from acupress.safety import Answers

NO_ANSWERS = (
    "No answers could be read: standard input is closed; give them in a file with "
    "--answers FILE (acupress check --template writes one to fill in)."
)


@click.command(cls=Command)
@click.option(
    "--answers", "answers_file", metavar="FILE", help="JSON answers by question id (- for stdin)."
)
@click.option("--questions", is_flag=True, help="List the questions instead of asking them.")
@click.option(
    "--template", is_flag=True, help="Write an answers file to fill in, every answer empty."
)
@click.option("--out", "out_path", metavar="FILE", help="With --template: the file to write.")
@json_option
@pass_app
def check(
    app: App,
    answers_file: str | None,
    questions: bool,
    template: bool,
    out_path: str | None,
    as_json: bool,
) -> None:
    """Is it safe to do a session today? The screening questions.

    They are asked one by one, or read from a JSON file of answers by question id
    (--answers FILE). To write that file, start from the template:

    \b
        acupress check --template --out answers.json

    \b
    It has every question with an empty answer, e.g.
        "pregnant": {"question": "Are you pregnant, or could you be?",
                     "type": "yes_no", "allowed": "true or false",
                     "answer": null}
    Fill in each "answer" (true or false, a number, a list of point codes), then run
    acupress check --answers answers.json. An answer left null is refused, naming its
    question: a missing answer is never taken as no. Plain answers work too:
    {"pregnant": false, "age": 40, "skin_problem_at": [], ...}.

    \b
    Example:
        acupress check
        acupress check --answers answers.json --json
    """
    if out_path is not None and not template:
        raise AcupressError("--out goes with --template: acupress check --template --out FILE.")
    if template:
        if answers_file is not None:
            raise AcupressError("Give --template or --answers, not both.")
        form = actions.answers_template(app)
        if out_path is None:
            emit_json(form)
            return
        import json

        data = json.dumps(form, indent=2, ensure_ascii=False).encode() + b"\n"
        files.write_output(out_path, data)
        click.echo(
            f"Wrote {out_path}: the {len(form)} safety questions, every answer empty (null). "
            f'Fill in each "answer", then run acupress check --answers {out_path}'
        )
        return
    if questions:
        if as_json:
            emit_json(
                [{"id": q.id, "type": q.type, "text": q.text} for q in app.screening.questions]
            )
        else:
            from acupress import render

            render.show(render.questions_table(app.screening.questions))
        return
    if answers_file is not None:
        answers = read_answers(app, answers_file)
    elif as_json:
        raise AcupressError("With --json, give the answers with --answers FILE.")
    else:
        answers = ask_answers(app)
    decision = actions.check_now(app, answers)
    if as_json:
        from acupress.safety import decision_json

        emit_json(decision_json(decision))
        return
    from acupress import render

    render.show(render.decision_panel(decision))


def read_answers(app: App, path: str) -> Answers:
    """The answers in the JSON file ``path`` (- for standard input), checked."""
    import json

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AcupressError(f"Answers file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as e:
        raise AcupressError(f"Cannot read answers file {path} ({e}).") from None
    try:
        raw: Any = json.loads(text)
    except json.JSONDecodeError as e:
        raise AcupressError(f"Answers file {path} is not valid JSON ({e}).") from None
    except RecursionError:
        raise AcupressError(
            f"Answers file {path} is nested too deeply to be answers: give a JSON object of "
            "answers by question id (acupress check --template writes one)."
        ) from None
    return actions.parse_answers(app, raw)


def ask_answers(app: App) -> Answers:
    """Ask every question in the terminal; re-ask until each answer is valid."""
    from rich.prompt import Confirm, FloatPrompt, Prompt
    from rich.text import Text

    from acupress import render, safety

    out = render.console()
    out.print(
        Text.assemble(
            ("Safety check", "bold"), " — answer each question (y/n unless asked otherwise)."
        )
    )
    questions = app.screening.questions
    answers: Answers = {}
    with unless_closed(NO_ANSWERS):
        for i, q in enumerate(questions, 1):
            prompt = Text.assemble((f"{i}/{len(questions)} ", "dim"), q.text)
            while True:
                raw: Any
                if q.type == "yes_no":
                    raw = Confirm.ask(prompt, console=out)
                elif q.type == "number":
                    raw = FloatPrompt.ask(prompt, console=out)
                else:
                    codes = Text(f" ({', '.join(app.atlas.codes)})", style="dim")
                    text = Prompt.ask(prompt + codes, console=out, default="none")
                    none = text.strip().lower() in ("", "none", "no", "n")
                    raw = [] if none else [c for c in text.replace(",", " ").split() if c]
                try:
                    answers[q.id] = safety.parse_answer(q, raw, app.atlas)
                    break
                except AcupressError as e:
                    out.print(Text(str(e), style="red"))
    return answers
