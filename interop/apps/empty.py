# An app that adds nothing: clients push their own documents to it.
