"""The course in the browser: `python -m lessons --site DIR` builds a static site of the lessons.

Any web server can serve DIR (GitHub Pages, a school's server, python -m http.server);
Python runs in the page through Pyodide, in JupyterLite's notebooks, and once
loaded nothing needs the network. build.py builds it; pins.py holds every version;
pyodide_files.py puts Python and its wheels in; landing.py writes the first page.
Building needs the `site` extra (pip install -e '.[site]') and npm.
"""

from lessons.site.build import build_site, site_size
from lessons.site.pyodide_files import SiteError

__all__ = ["SiteError", "build_site", "site_size"]
