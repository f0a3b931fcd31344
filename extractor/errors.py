"""The one error type a reader raises for input it cannot or will not read."""


class ReadError(Exception):
    """A file we cannot read. `problem` says what is wrong, `hint` what to do."""

    def __init__(self, problem: str, hint: str = "", path: str | None = None):
        super().__init__(problem)
        self.problem = problem
        self.hint = hint
        self.path = path

    def line(self) -> str:
        """One line for stderr: file, what is wrong, what to do."""
        where = self.path or "<input>"
        return f"{where}: {self.problem}" + (f" ({self.hint})" if self.hint else "")
