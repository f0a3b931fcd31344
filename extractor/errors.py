"""The one error type a reader raises for input it cannot or will not read."""


class ReadError(Exception):
    """A file we cannot read. `problem` says what is wrong, `hint` what to do."""

    def __init__(self, problem: str, hint: str = "", path: str | None = None):
        super().__init__(problem)
        self.problem = problem
        self.hint = hint
        self.path = path

    def reason(self) -> str:
        """What is wrong and what to do, without the file (a batch's failure reason)."""
        return self.problem + (f" ({self.hint})" if self.hint else "")

    def line(self) -> str:
        """One line for stderr: file, what is wrong, what to do (line breaks in a file
        name or a library's message escaped, so a batch's stderr stays one line per file)."""
        return one_line(f"{self.path or '<input>'}: {self.reason()}")


def one_line(text: str) -> str:
    """Text with its line breaks and other control characters escaped."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)
