"""No import cycle between any two iam_tui modules, imports inside functions and under TYPE_CHECKING included.

`lint-imports` (make test) checks the layers and the cycles between sibling packages; this checks single modules,
which its `acyclic_siblings` contract cannot (a package's ``__init__`` importing its own children, say)."""

from __future__ import annotations

import grimp

# Imports allowed to close a cycle, and only under TYPE_CHECKING: the screens' base names the App's type for its
# typed accessor (docs/design.md, "A typed way up"). At run time the screens never import the App.
TYPE_CHECKING_ONLY = {("iam_tui.screens.base", "iam_tui.app")}


def import_cycles(graph: grimp.ImportGraph, runtime: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of modules (two or more that import each other, directly or not), each
    sorted; an import in ``TYPE_CHECKING_ONLY`` counts only if ``runtime`` (the graph without TYPE_CHECKING
    imports) has it too."""
    edges = {
        module: {
            imported for imported in graph.find_modules_directly_imported_by(module)
            if (module, imported) not in TYPE_CHECKING_ONLY or runtime.direct_import_exists(
                importer=module, imported=imported)
        }
        for module in graph.modules
    }
    # Tarjan's algorithm, iterative.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def describe(graph: grimp.ImportGraph, group: list[str]) -> str:
    lines = [" <-> ".join(group)]
    for importer in group:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & set(group)):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(f"  {importer} -> {imported} (l.{detail['line_number']}: {detail['line_contents']})")
    return "\n".join(lines)


def test_no_import_cycle_between_iam_tui_modules() -> None:
    graph = grimp.build_graph("iam_tui", cache_dir=None)
    runtime = grimp.build_graph("iam_tui", cache_dir=None, exclude_type_checking_imports=True)
    cycles = import_cycles(graph, runtime)
    assert not cycles, "import cycles:\n" + "\n".join(describe(graph, group) for group in cycles)


def test_the_cycle_finder_finds_a_cycle_and_allows_only_the_type_checking_one() -> None:
    """The check above cannot pass by finding nothing: an added import that closes a cycle is found, and the
    allowed upward import counts when it is a run-time one."""
    graph = grimp.build_graph("iam_tui", cache_dir=None)
    runtime = grimp.build_graph("iam_tui", cache_dir=None, exclude_type_checking_imports=True)
    graph.add_import(importer="iam_tui.core.secret", imported="iam_tui.core.totp")  # totp imports secret
    assert ["iam_tui.core.secret", "iam_tui.core.totp"] in import_cycles(graph, runtime)

    for importer, imported in TYPE_CHECKING_ONLY:
        graph.add_import(importer=importer, imported=imported)
        assert not any(importer in group and imported in group for group in import_cycles(graph, runtime))
        runtime.add_import(importer=importer, imported=imported)
        assert any(importer in group and imported in group for group in import_cycles(graph, runtime))
