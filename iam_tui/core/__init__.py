"""Pure logic: no I/O, no boto3, no Textual. Everything here is tested directly."""
