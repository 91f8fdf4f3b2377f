"""What the build checks in every executed page and example, and reports.

:mod:`.cell_errors` reports a failing cell by file and line, :mod:`.terminal`
replays progress bars and fails on leaked TensorFlow log lines,
:mod:`.outputs` fails a page or example that ran too fast or showed nothing,
:mod:`.figures` one whose figure has text outside the saved image, and
:mod:`.report` shows each run's versions and time, and the report page.
"""
