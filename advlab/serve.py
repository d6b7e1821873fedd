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

import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"


def main() -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
