"""The core stays importable without streamlit: notebooks and scripts use it
directly. Only the service layer (``advlab.ui``) and the server entry
(``advlab.serve``) may import it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import advlab

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = ("advlab.ui", "advlab.serve")


def core_modules() -> list[str]:
    names = ["advlab"]
    for m in pkgutil.walk_packages(advlab.__path__, "advlab."):
        if not any(m.name == a or m.name.startswith(a + ".") for a in ALLOWED):
            names.append(m.name)
    return names


def test_core_is_found():
    names = core_modules()
    assert {"advlab.data", "advlab.models", "advlab.attacks", "advlab.config", "advlab.figures"} <= set(names)
    assert not any(n.startswith("advlab.ui") for n in names)


def test_every_core_module_imports_with_streamlit_blocked():
    # a fresh interpreter in which "import streamlit" fails, as on a machine without it
    blocker = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'streamlit' or name.startswith('streamlit.'):\n"
        "            raise ImportError('streamlit is blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
    )
    code = blocker + "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in core_modules())
    code += "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))\n"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180,
                         check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]", "a core module pulled in streamlit"


def test_the_service_layer_does_import_streamlit():
    """The blocker above is real: the one layer allowed to use Streamlit fails under it."""
    code = ("import sys, importlib.abc\n"
            "class Block(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path, target=None):\n"
            "        if name == 'streamlit' or name.startswith('streamlit.'):\n"
            "            raise ImportError('blocked')\n"
            "sys.meta_path.insert(0, Block())\n"
            "import advlab.ui\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180,
                         check=False)
    assert out.returncode != 0 and "blocked" in out.stderr
