"""`python -m services.reporting.workbench`."""

from services.reporting.workbench.main import main

main()
