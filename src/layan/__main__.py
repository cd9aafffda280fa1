from layan.cli import main

main()
