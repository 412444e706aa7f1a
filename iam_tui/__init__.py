"""iam-tui: set up a secured admin IAM user from a fresh AWS account, in the terminal."""

__version__ = "0.1.0"
