from punchclock.cli import app

app()
