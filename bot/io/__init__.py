"""Input and output: spreadsheets read and written (openpyxl), imports (one preview/apply for the bot and the
CLI), the report and template, backups, the chart (matplotlib) and iCalendar files."""
