"""Our additions to Django's locale formats (``FORMAT_MODULE_PATH``): a module here is read
before Django's own for the same language, one setting at a time."""
