"""The app is started through ``dashboard/serve.py`` (issue #12): Streamlit finds the ASGI app in
it (``st.App``), so the sign-in routes are served beside the pages by ``ninohe-geo app``, the
tests and an installed wheel alike."""

from __future__ import annotations

from pathlib import Path

from streamlit.web.server.app_discovery import discover_asgi_app

from ninohe_geo import paths
from ninohe_geo.ui.server import app_command

SERVE = paths.dashboard_dir() / "serve.py"


def test_the_command_line_runs_the_asgi_entry_file() -> None:
    command = app_command(8599, "127.0.0.1")
    assert command[1:4] == ["-m", "streamlit", "run"]
    assert Path(command[4]).name == "serve.py"
    assert Path(command[4]).with_name("app.py").is_file()  # st.App("app.py") beside it


def test_streamlit_discovers_the_app_with_its_routes() -> None:
    found = discover_asgi_app(SERVE)
    assert found.is_asgi_app and found.import_string == "serve:app"
    source = SERVE.read_text(encoding="utf-8")
    assert 'st.App("app.py", routes=auth_routes(' in source
