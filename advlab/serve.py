"""Serve the app: ``python -m advlab.serve [streamlit run options]``.

The same as ``streamlit run app.py``, with one difference: Streamlit treats
an app that has a ``pages/`` folder as an old-style multipage app until the
entry script has called ``st.navigation`` once, so the very first visit to a
deep link such as ``/digits`` on a fresh server would open the page without
``app.py`` (and flash a "page not found" dialog). advlab always navigates with
``st.navigation``; telling Streamlit so before the server starts makes every
first visit behave like the later ones.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"


def _port(args: list[str]) -> int:
    for i, a in enumerate(args):
        if a.startswith("--server.port="):
            return int(a.split("=", 1)[1])
        if a == "--server.port" and i + 1 < len(args):
            return int(args[i + 1])
    return int(os.environ.get("STREAMLIT_SERVER_PORT", "8501"))


def _warm_up(port: int) -> None:
    """Open every page's default link in the background once the server listens
    (importing advlab.ui here, before the server starts, would slow its start)."""
    from advlab.ui import warmup

    warmup.start(port).join()


def main() -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    if os.environ.get("ADVLAB_WARMUP", "all") != "0":
        import threading

        threading.Thread(target=_warm_up, args=(_port(sys.argv[1:]),), daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
