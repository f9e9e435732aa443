"""The rules catalogue (``docs/rules.md``): every rule and every statement of each council's text, from the profiles."""

from __future__ import annotations

import json

from docgen.profiles import Profiles, shipped
from docgen.timescales import condition_words

__all__ = ["rules_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_markdown(profiles: Profiles | None = None) -> str:
    """The catalogue as Markdown, generated from ``schemas/profiles/*.json`` (and a council's own, given its ``profiles``)."""
    profiles = profiles or shipped()
    out = [
        "# Rules",
        "",
        "Generated from `schemas/profiles/*.json` by `docgen rules`; do not edit by hand.",
        "Errors reject a form (the plan itself would be wrong); warnings accept it and flag the problem.",
        "The base schema (`schemas/cin-record.schema.json`) adds `schema-*` errors for missing, mistyped or impossible values.",
        "",
    ]
    for profile_id in profiles.available():
        profile = profiles.load(profile_id)
        data = json.loads(profiles.files()[profile_id].read_text(encoding="utf-8"))
        parent = f", extends `{data['extends']}`" if data.get("extends") else ""
        out += [
            f"## `{profile.id}`: {profile.title}",
            "",
            f"Source: [`docs/sources/{profile.source}`](sources/{profile.source}){parent}.",
            "",
        ]
        out += ["| rule | severity | cites | check | message |", "|---|---|---|---|---|"]
        for rule in sorted(profile.rules, key=lambda r: r.id):
            only = f" (only when {condition_words(rule.when)})" if rule.when else ""
            out.append(f"| `{rule.id}` | {rule.severity} | {_cell(rule.cite)} | `{rule.check}` | {_cell(rule.message + only)} |")
        for path, spec in sorted(profile.schema_rules.items()):
            out.append(f"| `{spec['id']}` | error | {_cell(spec['cite'])} | required `{path}` | {_cell(spec['message'])} |")
        switched_off = sorted(k for k, v in data.get("rules", {}).items() if v is None and not k.startswith("$"))
        if switched_off:
            out += ["", "Switched off here (replaced by this council's own text): " + ", ".join(f"`{r}`" for r in switched_off) + "."]
        out += ["", f"### Every statement of `{profile.source}`", "", "| section | statement | what docgen does |", "|---|---|---|"]
        out += [f"| {_cell(c['section'])} | {_cell(c['statement'])} | {_cell(c['docgen'])} |" for c in data.get("coverage", [])]
        timescales = profile.timescales
        out += ["", "Timescales:", "", "```json", json.dumps(timescales, indent=2, ensure_ascii=False), "```", ""]
    return "\n".join(out)
