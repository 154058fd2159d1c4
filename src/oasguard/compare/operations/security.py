"""Security: the requirements of an operation, and what changed in the schemes they name."""

from __future__ import annotations

from collections.abc import Iterator

from oasguard.changes import Step, Subject
from oasguard.compare.facts import Fact, show
from oasguard.compare.operations.context import Here, Run
from oasguard.model.nodes import Operation, Requirement, SecurityScheme, Where


def check_schemes(here: Here, old: Operation, new: Operation) -> list[Fact]:
    """What changed in each scheme the operation requires (on both sides), said for it (a list:
    asked of every operation, it finds nothing unless a scheme changed)."""
    changes = here.run.scheme_changes
    if not changes:
        return []
    required = _scheme_names(old.security) & _scheme_names(new.security)
    return [here.said(fact) for name in sorted(required & changes.keys()) for fact in changes[name]]


def check_unused_schemes(run: Run) -> Iterator[Fact]:
    """Schemes added or removed that no requirement names: no client is affected."""
    old, new = run.base.security_schemes, run.rev.security_schemes
    if old.keys() == new.keys():
        return
    named = set()
    for api in (run.base, run.rev):
        for operation in api.operations.values():
            named |= _scheme_names(operation.security)
            for callback in operation.callbacks.values():
                named |= _scheme_names(callback.security)
    for name in sorted(old.keys() - new.keys() - named):
        here = Here(run).at(Step("scheme", name))
        yield here.fact("security-scheme-removed", {"scheme": name}, where=old[name].where, in_base=True)
    for name in sorted(new.keys() - old.keys() - named):
        here = Here(run).at(Step("scheme", name))
        yield here.fact("security-scheme-added", {"scheme": name}, where=new[name].where)


def check_security(here: Here, old_op: Operation, new_op: Operation) -> Iterator[Fact]:
    """The requirements of an operation: added to a public one, all removed, or matched one by
    one (scopes gained or lost, a scheme added to a requirement, an alternative added)."""
    old, new = old_op.security, new_op.security
    if set(old) == set(new):
        return
    # what is added points into the revision, what is removed into the base
    swhere = new_op.security_where or new_op.where
    bwhere = old_op.security_where or old_op.where
    here = here.at(Step("security"))
    public_before = not old or frozenset() in old
    public_after = not new or frozenset() in new
    if public_before and not public_after:
        for requirement in new:
            yield here.fact(
                "security-requirement-added", {"requirement": _show_req(requirement)}, where=swhere
            )
        return
    if public_after:
        if not public_before:
            for requirement in old:
                args = {"requirement": _show_req(requirement)}
                yield here.fact("security-requirement-removed", args, where=bwhere, in_base=True)
        return
    matched_new: set[Requirement] = set()
    for requirement in old:
        if requirement in new:
            matched_new.add(requirement)
        else:
            yield from check_requirement(here, requirement, old, new, matched_new, swhere, bwhere)
    for requirement in new:
        if requirement not in old and requirement not in matched_new:
            args = {"requirement": _show_req(requirement)}
            yield here.fact("security-alternative-added", args, where=swhere)


def check_requirement(
    here: Here,
    requirement: Requirement,
    old: tuple[Requirement, ...],
    new: tuple[Requirement, ...],
    matched_new: set[Requirement],
    swhere: Where,
    bwhere: Where,
) -> Iterator[Fact]:
    """A base requirement not in the revision: the same schemes with other scopes, a wider
    requirement (another scheme as well), or removed. What it matched joins `matched_new`."""
    schemes = {scheme for scheme, _ in requirement}
    same_schemes = [n for n in new if {s for s, _ in n} == schemes and n not in old]
    if same_schemes:
        target = same_schemes[0]
        matched_new.add(target)
        old_scopes, new_scopes = dict(requirement), dict(target)
        for scheme in sorted(schemes):
            gained = new_scopes[scheme] - old_scopes[scheme]
            lost = old_scopes[scheme] - new_scopes[scheme]
            if gained:
                args = {"scheme": scheme, "scopes": ", ".join(sorted(gained))}
                yield here.fact("security-scope-added", args, where=swhere)
            if lost:
                args = {"scheme": scheme, "scopes": ", ".join(sorted(lost))}
                yield here.fact("security-scope-removed", args, where=swhere)
        return
    wider = [
        n
        for n in new
        if n not in old and dict(requirement).items() <= dict(n).items() and n not in matched_new
    ]
    if wider:  # the same requirement now needs another scheme as well
        matched_new.add(wider[0])
        extra = frozenset(wider[0] - requirement)
        yield here.fact("security-requirement-added", {"requirement": _show_req(extra)}, where=swhere)
        return
    args = {"requirement": _show_req(requirement)}
    yield here.fact("security-requirement-removed", args, where=bwhere, in_base=True)


def _scheme_names(security: tuple[Requirement, ...]) -> set[str]:
    return {scheme for requirement in security for scheme, _ in requirement}


def scheme_changes(old: dict[str, SecurityScheme], new: dict[str, SecurityScheme]) -> dict[str, list[Fact]]:
    """Per scheme defined on both sides, the facts of each change of it, about the scheme alone
    (`check_schemes` says them below each operation that requires it)."""
    found: dict[str, list[Fact]] = {}
    for name in sorted(old.keys() & new.keys()):
        facts = check_scheme(old[name], new[name])
        if facts:
            found[name] = facts
    return found


def check_scheme(old: SecurityScheme, new: SecurityScheme) -> list[Fact]:
    """What changed in one security scheme: its type, settings, flows, URLs and scopes."""
    facts: list[Fact] = []
    name = new.name
    scheme = Subject(steps=(Step("scheme", name),))
    if old.type != new.type:
        args = {"scheme": name, "what": "type", "old": show(old.type), "new": show(new.type)}
        return [Fact("security-scheme-type-changed", args, scheme, new.where.child("type"))]
    for what in ("name", "in", "scheme", "openIdConnectUrl"):
        before, after = old.settings.get(what), new.settings.get(what)
        if before != after:
            args = {"scheme": name, "what": what, "old": _show_opt(before), "new": _show_opt(after)}
            facts.append(Fact("security-scheme-changed", args, scheme, new.where.child(what)))
    for flow in sorted(old.flows.keys() - new.flows.keys()):
        args = {"scheme": name, "what": flow}
        facts.append(Fact("security-scheme-flow-removed", args, scheme, old.where.child("flows", flow), True))
    for flow in sorted(old.flows.keys() & new.flows.keys()):
        facts.extend(check_flow(scheme, flow, old, new))
    return facts


def check_flow(scheme: Subject, flow: str, old: SecurityScheme, new: SecurityScheme) -> Iterator[Fact]:
    """An OAuth flow on both sides: its URLs, scopes removed and added."""
    (old_urls, old_scopes), (new_urls, new_scopes) = old.flows[flow], new.flows[flow]
    where = new.where.child("flows", flow)
    name = new.name
    for what in ("authorizationUrl", "tokenUrl", "refreshUrl"):
        before, after = old_urls.get(what), new_urls.get(what)
        if before != after:
            args = {
                "scheme": name,
                "what": f"{flow} {what}",
                "old": _show_opt(before),
                "new": _show_opt(after),
            }
            yield Fact("security-scheme-url-changed", args, scheme, where.child(what))
    if old_scopes - new_scopes:
        args = {"scheme": name, "what": flow, "scopes": ", ".join(sorted(old_scopes - new_scopes))}
        yield Fact(
            "security-scheme-scope-removed", args, scheme, old.where.child("flows", flow, "scopes"), True
        )
    if new_scopes - old_scopes:
        args = {"scheme": name, "what": flow, "scopes": ", ".join(sorted(new_scopes - old_scopes))}
        yield Fact("security-scheme-scope-added", args, scheme, where.child("scopes"))


def _show_opt(value: str | None) -> str:
    return "none" if value is None else show(value)


def _show_req(requirement: Requirement) -> str:
    parts = []
    for scheme, scopes in sorted(requirement, key=lambda item: item[0]):
        parts.append(f"'{scheme}'" + (f" [{', '.join(sorted(scopes))}]" if scopes else ""))
    return " + ".join(parts) or "'anonymous'"
