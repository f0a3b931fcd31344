"""The command line's own code: typer commands and rich output, registered by cli.py.

Kept out of the library (extractor/): parse(), the batch and the audit are plain
functions over plain data; these modules turn arguments into calls and results into
lines and exit codes. Installed as `govreport.commands` (extractor/commands is a link
here, the way extractor/cli.py links ../cli.py).
"""
