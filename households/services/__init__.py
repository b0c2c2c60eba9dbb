"""The writes to households, one module per topic: editing, verification (four eyes),
privacy (consent and data-subject requests), imports (Excel) and communes (flags and
re-scoring). Import from the module itself."""
