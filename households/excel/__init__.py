"""The Excel side of nomination, one module per direction: template.py writes the file officers
fill in, reading.py reads an uploaded file into checked rows (core/xlsx.py is its fast, bounded
cell reader), export.py writes a commune's households. The columns are declared in
households/fields.py. Import from the module itself."""
