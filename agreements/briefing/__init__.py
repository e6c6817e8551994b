"""The follow-up matrix of a commission's sessions, as a page, an XLSX file and a PDF briefing pack."""
