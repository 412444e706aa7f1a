"""Talks to AWS through botocore: async services returning models, errors translated to one app error. No Textual."""
