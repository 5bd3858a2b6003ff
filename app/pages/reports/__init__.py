"""The Sachstandsbericht: a council-ready report of the portfolio for a municipality or the
whole IKZ, as PDF (WeasyPrint) and DOCX (python-docx), with charts as images (matplotlib)."""
