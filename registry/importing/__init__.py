"""Excel in (台账导入): the household-ledger template, the bureau's existing recipient roster (花名册),
checking every row before anything is written, and a set-based write of what passed.

reading.py finds the header and the data rows; columns.py knows the column names; values.py turns a
cell into a clean value or a Chinese reason; checking.py groups rows into households and checks them;
writing.py writes households in one transaction; report.py builds the error workbook; jobs.py runs it
all as a background job; views.py is the upload page, the preview and the import history.
"""
