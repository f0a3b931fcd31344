"""`python -m govreport ...`: the same CLI as the `govreport` command."""
from .cli import app

app(prog_name="govreport")
