"""The writes to households, one module per topic, each atomic with an event row:

- editing.py       nominate, edit, submit (officers)
- verification.py  verify, reject, return for changes (the four-eyes rule)
- privacy.py       consent, its withdrawal, anonymisation, the personal-data export
- imports.py       the Excel import: preview, keep, commit all or nothing
- communes.py      a commune's mountain / extremely-difficult flags (re-scores its households)
- scoring.py       re-scoring stored priority scores (`manage.py rescore_households`)
- shared.py        what they share: roles, scope checks, the locked row, field errors

Import from the module itself (`from households.services import editing`)."""
