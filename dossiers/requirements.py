"""Which documents an online dossier needs, given the procedure's components and the answers.

A component is, for one dossier:

- ``declaration``: the paper form the online declaration replaces ("Tờ khai … theo mẫu", flagged
  ``satisfied_by_declaration`` by staff): never asked for as an upload;
- ``required``: needed in every case, or in a case (``case_group``) the answers say applies
  (``applies_when_field`` / ``applies_when_value``: the hospital's birth notice when the declarant
  says there is one);
- ``optional``: everything else (not required, or a case the answers cannot tell);
- ``other_case``: a case the answers say does not apply (the witness statement when there is a
  birth notice), shown as not needed.

The upload step, the review and the submission check read the same function.
"""

from __future__ import annotations

from dataclasses import dataclass

from .declaration import answers_match

DECLARATION = "declaration"
REQUIRED = "required"
OPTIONAL = "optional"
OTHER_CASE = "other_case"


@dataclass(frozen=True)
class ComponentNeed:
    component: object
    need: str

    @property
    def required(self) -> bool:
        return self.need == REQUIRED


def component_need(component, *, answers: dict | None, has_declaration: bool) -> str:
    if component.satisfied_by_declaration and has_declaration:
        return DECLARATION
    if not component.case_group:
        return REQUIRED if component.required else OPTIONAL
    if component.applies_when_field:
        if answers_match(answers or {}, component.applies_when_field, component.applies_when_value):
            return REQUIRED if component.required else OPTIONAL
        return OTHER_CASE
    return OPTIONAL


def dossier_component_needs(dossier, components=None) -> list[ComponentNeed]:
    """Every component of the dossier's procedure with what this dossier needs of it."""
    components = list(components if components is not None else dossier.procedure.components.all())
    has_declaration = dossier.form_version_id is not None
    return [
        ComponentNeed(c, component_need(c, answers=dossier.answers, has_declaration=has_declaration))
        for c in components
    ]
