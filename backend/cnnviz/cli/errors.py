"""How the CLI fails: one line on stderr and exit code 2, never a traceback."""

EXIT_USAGE = 2


class CliError(Exception):
    """A failure the user can act on; the message is the whole story."""
