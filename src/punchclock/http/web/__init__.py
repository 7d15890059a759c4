"""The web app for people: server-rendered pages under ``/`` with small, progressive JavaScript.

The fourth dialect beside v8, v9 and the Reports APIs: HTML forms in, HTML pages (or, for the page's own
scripts, small JSON answers) out. It calls the same domain services and report builders as the APIs.
Layout: ``session.py`` (the web's own cookie), ``csrf.py``, ``pages.py`` (Jinja2 and the security headers),
``common.py`` (route class, the signed-in viewer, forms, redirects), ``formats.py`` (the user's formats),
``routes/<area>.py``, ``templates/`` and ``static/``.
"""
