"""Report builders (reportlab, openpyxl...): a DTO in, a file out."""
