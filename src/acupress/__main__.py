from acupress.cli import main

main()
