"""The app's shape: no import cycle among its modules, no dependency on the project package, and every signal
receiver connected in ArticlesConfig.ready() rather than as a side effect of importing a module."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

APP = Path(settings.BASE_DIR) / "articles"


def module_name(path):
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in APP.rglob("*.py") if "migrations" not in path.parts}


def top_level(tree):
    """The statements run when the module is imported: its body, and the bodies of top-level if/try blocks."""
    for node in tree.body:
        yield node
        if isinstance(node, ast.If | ast.Try):
            for block in (node.body, node.orelse, getattr(node, "finalbody", []), *getattr(node, "handlers", [])):
                yield from (block.body if isinstance(block, ast.ExceptHandler) else block)


def imported(module, tree):
    """The app's modules `module` imports when it is imported. A submodule importing a sibling does not count its
    own package: Python finds that package already being imported."""
    found = set()
    for node in top_level(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            parts = name.split(".")
            for end in range(1, len(parts) + 1):
                target = ".".join(parts[:end])
                if target in MODULES and target != module and not module.startswith(f"{target}."):
                    found.add(target)
    return found


def test_the_apps_modules_import_each_other_without_a_cycle():
    """Each module can be read on its own: no module imports one that (through others) imports it back."""
    graph = {module: imported(module, ast.parse(path.read_text(encoding="utf-8"))) for module, path in MODULES.items()}
    visiting, done = [], set()

    def visit(module):
        if module in done:
            return
        if module in visiting:
            cycle = [*visiting[visiting.index(module) :], module]
            pytest.fail("import cycle: " + " → ".join(cycle))
        visiting.append(module)
        for target in sorted(graph[module]):
            visit(target)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    assert "articles.models" in graph and graph["articles.models"]  # the walk saw real imports


def test_no_module_dodges_a_cycle_by_importing_the_app_inside_a_function():
    """An import of the app's own modules inside a function is how a cycle hides; only ready() (run once the app
    registry is complete) imports there."""
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        at_import = set(map(id, top_level(tree)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in at_import:
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                inside_app = [name for name in names if name.split(".")[0] == "articles"]
                assert module == "articles.apps" or not inside_app, f"{module} imports {inside_app} in a function"


def test_the_app_never_imports_the_project_package():
    """articles/ depends on Django and its own modules, never on newsroom/ (the project wires the app, not back)."""
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not [name for name in names if name.split(".")[0] == "newsroom"], module


def test_receivers_are_connected_in_ready_and_nowhere_else():
    """No module connects a receiver when it is imported (no @receiver, no module-level .connect()): apps.py's
    ready() is the one list of what listens to what."""
    for module, path in MODULES.items():
        if module == "articles.apps":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    assert getattr(target, "id", getattr(target, "attr", "")) != "receiver", (module, node.name)
        for node in top_level(tree):
            call = node.value if isinstance(node, ast.Expr) else None
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
                assert call.func.attr != "connect", f"{module} connects a receiver on import"
