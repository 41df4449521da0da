"""Errors of the dossier app (own module so that services and uploads share them without a cycle)."""


class DossierError(Exception):
    """A rule says no; the message is for the person."""


class UploadRefused(DossierError):
    """One or more files were refused; nothing was written.

    ``errors`` maps a component id (``None`` for a file of no component) to the messages about it,
    so that each message can be shown beside the field it concerns.
    """

    def __init__(self, errors: dict[int | None, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(message for messages in errors.values() for message in messages))
