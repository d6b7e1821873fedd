"""The core stays importable without streamlit: notebooks and scripts use it directly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ["advlab", "advlab.data", "advlab.models", "advlab.attacks", "advlab.evaluation"]


def test_core_modules_do_not_import_streamlit():
    # a fresh interpreter: this test session may already have streamlit loaded
    code = (f"import sys\nimport {', '.join(CORE)}\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit')\n"
            "print(len(loaded))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "0", "importing the core pulled in streamlit"

