from irpipe.cli import main

main()
